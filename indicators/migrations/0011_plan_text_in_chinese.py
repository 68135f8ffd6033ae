"""The plan's reference text (how each indicator is computed, each key project's measurable target)
in Chinese as the plan writes it, with the English translation beside it (issue 16, item 4)."""

from django.db import migrations, models


def reload_plan_tables(apps, schema_editor):
    from indicators.plan_data import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0010_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="derivation_en",
            field=models.TextField(blank=True, verbose_name="计算口径（英文）"),
        ),
        migrations.AddField(
            model_name="keyproject",
            name="content_en",
            field=models.TextField(blank=True, verbose_name="建设内容（英文）"),
        ),
        migrations.AddField(
            model_name="keyproject",
            name="measurable_target_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="可衡量目标（英文）"),
        ),
        migrations.AddField(
            model_name="keyproject",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="项目名称（英文）"),
        ),
        migrations.RunPython(reload_plan_tables, migrations.RunPython.noop),
    ]
