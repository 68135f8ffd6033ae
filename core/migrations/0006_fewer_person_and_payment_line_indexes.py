"""Seven indexes fewer on the two largest tables, each one another covers (every insert into a
1.5-million-row person table or a month's payment lines pays for every index):
- person: township_id (and its LIKE twin) lead two composite indexes already; village_id's and
  id_number's LIKE twins duplicate the pattern index the unique id_number has or serve no query
  (codes are never searched with LIKE);
- payment line: batch_id leads both composite indexes; the LIKE twins of township_id and village_id.

Django would drop and re-add each foreign key to change db_index (re-checking every row of the
table under a lock); the database side here only drops indexes and renames the ones kept to the
names the models give them. The state is what makemigrations wrote."""

import django.db.models.deletion
from django.db import migrations, models

#: (index, table, column, opclass): dropped going forwards, made again going backwards.
DROPPED = [
    ("person_id_prefix", "core_person", "id_number", "varchar_pattern_ops"),
    ("core_person_township_id_0877db9d", "core_person", "township_id", ""),
    ("core_person_township_id_0877db9d_like", "core_person", "township_id", "varchar_pattern_ops"),
    ("core_person_village_id_405fc058_like", "core_person", "village_id", "varchar_pattern_ops"),
    ("core_paymentline_batch_id_435591fb", "core_paymentline", "batch_id", ""),
    ("core_paymentline_township_id_066258b0_like", "core_paymentline", "township_id", "varchar_pattern_ops"),
    ("core_paymentline_village_id_cac1a40f_like", "core_paymentline", "village_id", "varchar_pattern_ops"),
]
#: (Django's name, the model's name, table, column): the plain indexes kept.
RENAMED = [
    ("core_person_village_id_405fc058", "person_village", "core_person", "village_id"),
    ("core_paymentline_township_id_066258b0", "payment_line_township", "core_paymentline", "township_id"),
    ("core_paymentline_village_id_cac1a40f", "payment_line_village", "core_paymentline", "village_id"),
]


def _rename(schema_editor, old, new, table, column):
    q = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX IF EXISTS {q(old)} RENAME TO {q(new)}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {q(old)}")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {q(new)} ON {q(table)} ({q(column)})")


def forwards(apps, schema_editor):
    for name, *_rest in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    for old, new, table, column in RENAMED:
        _rename(schema_editor, old, new, table, column)


def backwards(apps, schema_editor):
    q = schema_editor.quote_name
    postgresql = schema_editor.connection.vendor == "postgresql"
    for old, new, table, column in RENAMED:
        _rename(schema_editor, new, old, table, column)
    for name, table, column, opclass in DROPPED:
        if opclass and not postgresql:
            continue
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} ({q(column)} {opclass})")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_payment_claims_job_leases_date_window"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.RemoveIndex(
                    model_name="person",
                    name="person_id_prefix",
                ),
                migrations.AlterField(
                    model_name="paymentline",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lines",
                        to="core.paymentbatch",
                        verbose_name="批次",
                    ),
                ),
                migrations.AlterField(
                    model_name="paymentline",
                    name="township",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.division",
                        verbose_name="乡镇（街道）",
                    ),
                ),
                migrations.AlterField(
                    model_name="paymentline",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.division",
                        verbose_name="村（社区）",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="township",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.division",
                        verbose_name="户籍乡镇（街道）",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="village",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.division",
                        verbose_name="户籍村（社区）",
                    ),
                ),
                migrations.AddIndex(
                    model_name="paymentline",
                    index=models.Index(fields=["township"], name="payment_line_township"),
                ),
                migrations.AddIndex(
                    model_name="paymentline",
                    index=models.Index(fields=["village"], name="payment_line_village"),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(fields=["village"], name="person_village"),
                ),
            ],
        ),
    ]
