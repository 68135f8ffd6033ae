"""Nan'an's 2020 figures from the plan: 1,517,514 residents at the seventh census, 14.26% aged 60+."""

from django.db import migrations


def load(apps, schema_editor):
    BaseStatistic = apps.get_model("indicators", "BaseStatistic")
    BaseStatistic.objects.get_or_create(
        year=2020,
        township=None,
        defaults={
            "resident_population": 1517514,
            "population_60_plus": round(1517514 * 0.1426),
            "source": "第七次全国人口普查常住人口；60岁及以上占14.26%（规划第一章）",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_base_statistics")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
