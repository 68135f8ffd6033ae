"""`updated_at` on AnnualReport, CommunityFacility, GradeEvaluation, ListEntry, SocialWorkStation,
SocialWorker, Supervision, VolunteerRecord, so their API lists answer `?updated_since=`
(core.api.filters) like every other list and a REST client keeping its own copy fetches only what
changed.

Rows already there take the time this migration runs (the one-off default; the field is auto_now
from then on): a client's first pull after it receives them once more, as changed, and none is
missed. AddField only: PostgreSQL adds a column with a constant default without rewriting the table."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="annualreport",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="communityfacility",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="gradeevaluation",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="listentry",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="socialworkstation",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="socialworker",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supervision",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="volunteerrecord",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
    ]
