from datetime import date

from celery import shared_task

from core.models import User
from core.payments import payment_build_run


@shared_task(name="assistance.build_payroll", acks_late=True)
def build_payroll(month: str, user_id: int) -> int | None:
    """Thin wrapper: the payment engine builds (or rebuilds, while a draft) the month's batch as a
    job: running, then done or failed with its reason on the batch. Returns the batch's id, or None
    when the build failed (the reason is on the batch and in the worker's log)."""
    batch = payment_build_run(program="assistance", month=date.fromisoformat(month), user=User.objects.get(pk=user_id))
    return batch.pk if batch is not None else None
