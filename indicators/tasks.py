from celery import shared_task
from django.utils import timezone

from indicators.models import RecomputeRun


@shared_task(name="indicators.recompute", acks_late=True)
def recompute_indicators(run_id: int) -> str:
    """Thin wrapper around the service; a finished run is left as it is."""
    from indicators.services.recompute import recompute_run

    return recompute_run(RecomputeRun.objects.get(pk=run_id)).state


@shared_task(name="indicators.recompute_current_year")
def recompute_current_year() -> int:
    """Celery beat's nightly job."""
    from indicators.services.recompute import recompute_request

    run, _created = recompute_request(user=None, year=timezone.localdate().year)
    return run.pk
