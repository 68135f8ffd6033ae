"""Temporary-assistance lines from before one-off claims existed are marked one-off by
assistance 0004; where the old defect put a case in two batches the approved line stands, the draft's
copy goes and that draft's totals are recounted."""

import datetime
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from core.models import PaymentBatch, PaymentLine
from tests.assistance.test_payroll_one_offs import SOURCE, assert_totals_match_lines, temporary_case

migration = importlib.import_module("assistance.migrations.0004_mark_one_off_payment_lines")


def _batch(month, staff, *, approved_by=None):
    batch = PaymentBatch.objects.create(program="assistance", month=month, built_by=staff, built_at=timezone.now())
    if approved_by:
        batch.state, batch.approved_by, batch.approved_at = "approved", approved_by, timezone.now()
        batch.save()
    return batch


def _old_line(batch, case):
    line = PaymentLine.objects.create(batch=batch, source_type=SOURCE, source_id=case.pk, payee=case.applicant,
                                      township=case.township, village=case.village, category="temporary",
                                      members=2, amount=Decimal("500.00"))  # fmt: skip
    batch.line_count, batch.people_count, batch.total_amount = 1, 2, Decimal("500.00")
    batch.save()
    return line


def test_old_one_off_lines_are_marked_and_a_draft_copy_of_a_paid_case_is_dropped(
    standards, assistant, officer, staff, make_user
):
    paid_twice_risk, only_in_draft = temporary_case(assistant, officer), temporary_case(assistant, officer)
    approved = _batch(datetime.date(2026, 10, 1), staff, approved_by=make_user("staff"))
    draft = _batch(datetime.date(2026, 11, 1), staff)
    kept = _old_line(approved, paid_twice_risk)
    dropped = _old_line(draft, paid_twice_risk)
    alone = _old_line(draft, only_in_draft)
    draft.line_count, draft.people_count, draft.total_amount = 2, 4, Decimal("1000.00")
    draft.save()

    migration.mark_one_offs(apps, None)

    kept.refresh_from_db()
    alone.refresh_from_db()
    assert kept.one_off and alone.one_off
    assert not PaymentLine.objects.filter(pk=dropped.pk).exists()
    assert_totals_match_lines(draft)
    assert draft.total_amount == Decimal("500.00")
