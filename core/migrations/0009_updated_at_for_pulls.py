"""`updated_at` on Division, ImportJob, PaymentBatch, so their API lists answer `?updated_since=`
(core.api.filters) like every other list and a REST client keeping its own copy fetches only what
changed.

Rows already there take the time this migration runs (the one-off default; the field is auto_now
from then on): a client's first pull after it receives them once more, as changed, and none is
missed. AddField only: PostgreSQL adds a column with a constant default without rewriting the table."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_user_perms_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="division",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="importjob",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="paymentbatch",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="更新时间"),
            preserve_default=False,
        ),
    ]
