"""The 1 June annual-report check (Celery beat, config/settings.py)."""

from celery import shared_task
from django.utils import timezone

from orgs.services.reports import annual_report_check


@shared_task(name="orgs.annual_report_check")
def annual_report_check_task(year: int | None = None) -> dict:
    """Check last year's reports (due 31 May), as of today."""
    today = timezone.localdate()
    check = annual_report_check(year=year or today.year - 1, run_on=today)
    return {"year": check.year, "listed": check.listed, "flagged": check.flagged}
