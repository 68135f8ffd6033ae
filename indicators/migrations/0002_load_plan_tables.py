"""The plan's Tables 1, 2 and 3, from the project's verbatim copies in indicators/data/."""

from django.db import migrations


def load(apps, schema_editor):
    from indicators.plan_data import load as load_tables

    load_tables(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
