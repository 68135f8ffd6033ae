from datetime import date

from celery import shared_task

from core.models import User
from core.payments import payment_batch_build


@shared_task(name="assistance.build_payroll", acks_late=True)
def build_payroll(month: str, user_id: int) -> int:
    """Thin wrapper: the payment engine builds (or rebuilds, while a draft) the month's batch."""
    batch = payment_batch_build(
        program="assistance", month=date.fromisoformat(month), user=User.objects.get(pk=user_id)
    )
    return batch.pk
