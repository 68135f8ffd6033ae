"""Year approvals: who approved which complete run of a year, and when."""

from django.core.exceptions import ValidationError
from django.db import transaction
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
