from datetime import date

from celery import shared_task

from core.models import User
from core.payments import payment_build_run


@shared_task(name="childwelfare.build_allowances", acks_late=True)
def build_allowances(month: str, user_id: int) -> int | None:
    """Thin wrapper: the payment engine builds the month's allowance list as a job."""
    batch = payment_build_run(
        program="childwelfare", month=date.fromisoformat(month), user=User.objects.get(pk=user_id)
    )
    return batch.pk if batch is not None else None


@shared_task(name="childwelfare.aging_out")
def aging_out() -> dict:
    """Daily: flag children turning 18 within 90 days; end categories (and allowances) at 18 unless
    in school, and left-behind at 16."""
    from childwelfare.services.aging import aging_out_run

    return aging_out_run()
