from celery import shared_task
from django.utils import timezone

from indicators.models import RecomputeRun


@shared_task(name="indicators.recompute", acks_late=True)
def recompute_indicators(run_id: int) -> str:
    """Thin wrapper around the service. Delivered again after a worker died, it finds the run done
    (nothing to do), failed after its lease (a new run has the year), or queued or running with an
    expired lease (claimed and computed again from the start)."""
    from indicators.services.recompute import recompute_run

    run = RecomputeRun.objects.filter(pk=run_id).first()
    return recompute_run(run).state if run else "missing"


@shared_task(name="indicators.recompute_current_year")
def recompute_current_year() -> int:
    """Celery beat's nightly job."""
    from indicators.services.recompute import recompute_request

    run, _created = recompute_request(user=None, year=timezone.localdate().year)
    return run.pk
