"""Each organisation registered before the registry kept its audit history gets one "+" row holding
its particulars as they stand, so its first change has something to be compared with."""

from django.db import migrations
from django.utils import timezone


def baseline(apps, schema_editor):
    Organisation = apps.get_model("orgs", "Organisation")
    Historical = apps.get_model("orgs", "HistoricalOrganisation")
    kept = {f.attname for f in Historical._meta.concrete_fields}
    fields = [f.attname for f in Organisation._meta.concrete_fields if f.attname in kept]
    have = Historical.objects.values("id")
    now = timezone.now()
    rows = [
        Historical(
            **{name: getattr(org, name) for name in fields},
            history_date=org.created_at or now,
            history_type="+",
            history_change_reason="审计历史起点",
        )
        for org in Organisation.objects.exclude(pk__in=have).order_by("pk").iterator(chunk_size=2000)
    ]
    Historical.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_organisation_audit_history")]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
