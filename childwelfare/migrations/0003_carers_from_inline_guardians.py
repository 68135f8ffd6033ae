"""Every file's inline guardian (监护人（照料人）, its name, relation and phone) becomes the file's
first guardian record, from the day the file was opened (to the day it closed): the registry's
"no current guardian or carer" flag then starts from what the clerks had already entered. The
inline fields stay as the file's contact on record (the ledger and the children API carry them)."""

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    Child = apps.get_model("childwelfare", "Child")
    Carer = apps.get_model("childwelfare", "Carer")
    have = set(Carer.objects.values_list("child_id", flat=True))
    batch = []
    files = Child.objects.exclude(guardian_name="").order_by("pk")
    for child in files.only("pk", "guardian_name", "guardian_relation", "guardian_phone", "opened_on", "closed_on",
                            "created_by_id").iterator(chunk_size=BATCH):  # fmt: skip
        if child.pk in have:
            continue
        batch.append(
            Carer(child_id=child.pk, role="guardian", name=child.guardian_name, relation=child.guardian_relation,
                  phone=child.guardian_phone, start=child.opened_on, end=child.closed_on,
                  end_reason="档案销档" if child.closed_on else "", created_by_id=child.created_by_id)
        )  # fmt: skip
        if len(batch) >= BATCH:
            Carer.objects.bulk_create(batch)
            batch = []
    Carer.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("childwelfare", "0002_guardianship")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
