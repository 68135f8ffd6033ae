from datetime import date

from celery import shared_task

from core.models import User
from core.payments import payment_build_run


@shared_task(name="eldercare.build_subsidies", acks_late=True)
def build_subsidies(month: str, user_id: int) -> int | None:
    """Thin wrapper: the payment engine builds the month's subsidy list as a job (running, then
    done or failed with its reason on the batch)."""
    batch = payment_build_run(program="eldercare", month=date.fromisoformat(month), user=User.objects.get(pk=user_id))
    return batch.pk if batch is not None else None
