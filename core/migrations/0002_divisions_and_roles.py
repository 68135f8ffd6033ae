"""Nan'an city and its township-level divisions (statistical division codes, vintage 2022), and
one group per role. The development zone is stored but is not one of the plan's 26."""

import csv
from pathlib import Path

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

TOWNSHIPS_CSV = Path(__file__).resolve().parent.parent / "data" / "townships.csv"
KINDS = {"street": "street", "town": "town", "township": "township", "development zone": "development_zone"}


def load_divisions(apps, schema_editor):
    Division = apps.get_model("core", "Division")
    city, _ = Division.objects.update_or_create(
        code="350583", defaults={"name": "南安市", "level": "city", "kind": "city", "parent": None}
    )
    with TOWNSHIPS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Division.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name_zh"],
                    "level": "township",
                    "kind": KINDS[row["kind"]],
                    "parent": city,
                    "in_plan": row["counts_in_26"] == "yes",
                },
            )


def create_role_groups(apps, schema_editor):
    from core.roles import sync_role_groups

    # Permissions are normally created after migrate; create core's now so the groups get them
    # (create_permissions wants the real app config, and reads the models from the state apps).
    for label in ("auth", "core"):
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(load_divisions, migrations.RunPython.noop),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
