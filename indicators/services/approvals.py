"""Year approvals: who approved which complete run of a year, and when."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import RecomputeRun, YearApproval


def year_approve(*, user, year: int) -> YearApproval:
    """Approve the latest complete run of a year."""
    run = RecomputeRun.objects.filter(year=year, state=RecomputeRun.State.DONE).order_by("-finished_at", "-pk").first()
    if run is None:
        raise ValidationError({"year": [_("该年度还没有完成的计算，无法批准。")]})
    return YearApproval.objects.create(year=year, run=run, approved_by=user)
