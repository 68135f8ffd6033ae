"""Year approvals: who approved which complete run of a year, and when; and who voided it by
changing the year's figures afterwards."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_year
from indicators.models import Indicator, RecomputeRun, YearApproval
from indicators.status import FINAL_YEAR


@transaction.atomic
def year_approve(*, user, year: int) -> YearApproval:
    """Approve the latest complete run of a year."""
    errors = FieldErrors()
    check_year(errors, "year", year, earliest=2020, latest=FINAL_YEAR)
    errors.raise_if_any()
    run = RecomputeRun.objects.filter(year=year, state=RecomputeRun.State.DONE).order_by("-finished_at", "-pk").first()
    if run is None:
        raise ValidationError({"year": [_("该年度还没有完成的计算，无法批准。")]})
    approval = YearApproval.objects.create(year=year, run=run, approved_by=user)
    # The year's values every indicator shows (its API detail) are now this run's.
    touch(Indicator, Indicator.objects.values("pk"))
    return approval


def year_approval_void(*, user, year: int, reason: str) -> YearApproval | None:
    """Void the approval in force for `year`, if any, recording who changed the year's figures,
    when and what: the dashboard and the API then show the year as needing approval again. Called
    by the services that change an approved year's figures (indicators.services.values), inside
    their transaction; returns the voided approval, or None when the year had none in force."""
    approval = YearApproval.objects.select_for_update().filter(year=year).order_by("-approved_at", "-pk").first()
    if approval is None or not approval.in_force:
        return None
    approval.voided_at, approval.voided_by, approval.void_reason = timezone.now(), user, reason[:300]
    approval.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    # Every indicator's API detail shows the year's approval: none of them is approved any more.
    touch(Indicator, Indicator.objects.values("pk"))
    return approval
