"""The schema's indexes are the ones the portal reads by, and no more: each is paid for on every
insert of a table written by the hundred thousand (people, households, cases, payment lines, their
history rows).

Every foreign key to a division (core.models.division_key) is indexed once, by the model's own
Meta: a plain or composite index that leads with it. None has the pattern (LIKE) index of its own
that Django makes beside the plain one for a character key: no one asks LIKE of a code. A history
table is indexed by the record's id alone (core.history). And every index and constraint a model
declares is in the schema the migrations build."""

import pytest
from django.apps import apps
from django.db import connection, models

from core.models import Division


def division_keys():
    """(model, field) for every concrete model's foreign key to a division, other than the
    divisions' own parent (a table of some 500 rows, never imported)."""
    for model in apps.get_models():
        if model is Division or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Division:
                yield model, field


def leading_indexes(model, field) -> list[str]:
    """The names of the model's indexes and unique constraints that lead with `field` and cover
    every row (a partial one serves only the rows of its condition)."""
    names = []
    for index in model._meta.indexes:
        if index.fields and index.fields[0].lstrip("-") == field.name and index.condition is None:
            names.append(index.name)
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.fields[0] == field.name
            and constraint.condition is None
        ):
            names.append(constraint.name)
    return names


def test_every_division_key_is_indexed_once_by_its_models_meta():
    keys = list(division_keys())
    assert len(keys) >= 30  # the townships and villages of every app
    unindexed, self_indexed = [], []
    for model, field in keys:
        if field.db_index:
            self_indexed.append(f"{model._meta.label}.{field.name}")
        if not leading_indexes(model, field):
            unindexed.append(f"{model._meta.label}.{field.name}")
    assert self_indexed == [], "declare these with core.models.division_key"
    assert unindexed == [], "give these an index in Meta.indexes (or a composite one leading with the key)"


@pytest.mark.django_db
def test_no_pattern_index_on_a_column_that_points_at_a_division():
    if connection.vendor != "postgresql":
        pytest.skip("pattern indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname
            FROM pg_constraint key
            JOIN pg_index ix ON ix.indrelid = key.conrelid AND ix.indkey[0] = key.conkey[1]
            JOIN pg_class index_class ON index_class.oid = ix.indexrelid
            JOIN pg_opclass opclass ON opclass.oid = ix.indclass[0]
            WHERE key.contype = 'f' AND key.confrelid = 'core_division'::regclass
              AND key.conrelid <> 'core_division'::regclass
              AND opclass.opcname = 'varchar_pattern_ops' AND ix.indnatts = 1
            """
        )
        pattern_indexes = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'core_division'::regclass"
        )
        (keys,) = cursor.fetchone()
    assert keys >= 30
    assert pattern_indexes == []


@pytest.mark.django_db
def test_every_index_and_constraint_the_models_declare_is_in_the_migrated_schema():
    """Altering a key's own index away (db_index=False) makes Django drop every single-column
    index on the column that Meta.indexes does not name, and it does not look at Meta.constraints:
    a partial unique constraint on that column (one director in office per village) went with it,
    silently. The migrations change a key's own index alone (core.migration_operations.AlterKeyIndex)
    and so keep them; this holds every model's declared indexes and constraints
    to the schema the migrations build."""
    missing = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            present = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for declared in [*model._meta.indexes, *model._meta.constraints]:
                if declared.name not in present:
                    missing.append(f"{model._meta.label}: {declared.name}")
    assert missing == []


@pytest.mark.django_db
def test_a_history_table_is_indexed_by_the_records_id_alone():
    """History is read one record's changes at a time (core.history): every history table has its
    own key and one index, on the record's id; none on the change's date or user, nor any copied
    from the live table."""
    histories = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
    assert len(histories) >= 12
    extra = {}
    with connection.cursor() as cursor:
        for model in histories:
            indexed = {
                tuple(info["columns"])
                for info in connection.introspection.get_constraints(cursor, model._meta.db_table).values()
                if info["index"] and not info["primary_key"]
            }
            if indexed != {("id",)}:
                extra[model._meta.label] = sorted(indexed)
    assert extra == {}
