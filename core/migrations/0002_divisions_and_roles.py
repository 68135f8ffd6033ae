"""Nan'an city and its township-level divisions (statistical division codes, vintage 2022), and
one group per role. The development zone is stored but is not one of the plan's 26."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def load_divisions(apps, schema_editor):
    from core.reference import ensure_divisions

    ensure_divisions(apps)


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
