"""Temporary-assistance lines written before the engine knew one-offs (core 0005) are marked
one-off, so the database's "paid by one batch only" constraint covers them too.

Where the old defect already put one case in several batches, the line that stands is the one in
an approved batch (the earliest, if the money went out twice), else the earliest payable month's; the others
are removed from their drafts, whose totals are recounted. An approved batch is history and is never
changed: a second approved line stays as it is, not marked, so the double payment remains visible."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Sum

SOURCE, TEMPORARY = "assistance.case", "temporary"
#: The programme's first payable month (assistance/services/payroll.py); a draft outside
#: [first, next month] was made for a mistyped month and never pays.
FIRST_MONTH = date(2020, 1, 1)


def mark_one_offs(apps, schema_editor):
    PaymentLine = apps.get_model("core", "PaymentLine")
    PaymentBatch = apps.get_model("core", "PaymentBatch")
    lines = PaymentLine.objects.filter(source_type=SOURCE, category=TEMPORARY).select_related("batch")
    today = date.today()
    last = date(today.year + 1, 1, 1) if today.month == 12 else date(today.year, today.month + 1, 1)
    by_case = defaultdict(list)
    for line in lines.order_by("source_id", "batch__month", "id"):
        by_case[line.source_id].append(line)
    keep, drop, touched = [], [], set()
    for case_lines in by_case.values():
        approved = [line for line in case_lines if line.batch.state == "approved"]
        payable = [line for line in case_lines if FIRST_MONTH <= line.batch.month <= last]
        kept = (approved or payable or case_lines)[0]
        keep.append(kept.pk)
        for line in case_lines:
            if line is not kept and line.batch.state != "approved":
                drop.append(line.pk)
                touched.add(line.batch_id)
    PaymentLine.objects.filter(pk__in=drop).delete()
    PaymentLine.objects.filter(pk__in=keep).update(one_off=True)
    for batch in PaymentBatch.objects.filter(pk__in=touched):
        totals = PaymentLine.objects.filter(batch=batch).aggregate(
            lines=Count("id"), people=Sum("members"), amount=Sum("amount")
        )
        batch.line_count = totals["lines"]
        batch.people_count = totals["people"] or 0
        batch.total_amount = totals["amount"] or Decimal("0")
        batch.save(update_fields=["line_count", "people_count", "total_amount"])


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_limits_identities_notice_entry")]

    operations = [migrations.RunPython(mark_one_offs, migrations.RunPython.noop)]
