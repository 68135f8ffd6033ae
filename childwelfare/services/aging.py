"""Aging out (the daily task): a child whose 18th birthday is within 90 days is flagged on the file
and the lists; at 18 the categories end and with them the allowance, unless the child is recorded
as still in school; a left-behind child's category ends at 16."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Child, ChildCategory
from childwelfare.models.children import CategoryCode
from childwelfare.services._common import birthday
from childwelfare.services.children import child_visit_schedule
from core.changes import touch

FLAG_DAYS = 90


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@transaction.atomic
def aging_out_run(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    open_files = Child.objects.filter(closed_on__isnull=True)
    # Flag: turning 18 within 90 days (born on or before today+90 minus 18 years), not flagged yet.
    flag_born_by = _years_before(today + timedelta(days=FLAG_DAYS), 18)
    flagged = open_files.filter(person__birth_date__lte=flag_born_by, turning_18_flagged_on__isnull=True).update(
        turning_18_flagged_on=today, updated_at=timezone.now()
    )
    # 18 today or earlier: end every open category (the day before the 18th birthday) unless in school.
    adult_born_by = _years_before(today, 18)
    ended = 0
    adults = ChildCategory.objects.filter(
        end__isnull=True, child__closed_on__isnull=True, child__person__birth_date__lte=adult_born_by
    ).filter(Q(child__in_school=False) | ~Q(code__in=[CategoryCode.ORPHAN, CategoryCode.DE_FACTO_UNSUPPORTED]))
    touched = set()
    for category in adults.select_related("child__person"):
        last_day = birthday(category.child.person.birth_date, 18) - timedelta(days=1)
        category.end, category.end_reason = max(last_day, category.start), str(_("年满18周岁"))
        category.save(update_fields=["end", "end_reason"])
        touched.add(category.child_id)
        ended += 1
    # Left-behind: under 16 only.
    sixteen_born_by = _years_before(today, 16)
    for category in ChildCategory.objects.filter(
        end__isnull=True, code=CategoryCode.LEFT_BEHIND, child__person__birth_date__lte=sixteen_born_by
    ).select_related("child__person"):
        last_day = birthday(category.child.person.birth_date, 16) - timedelta(days=1)
        category.end, category.end_reason = max(last_day, category.start), str(_("年满16周岁"))
        category.save(update_fields=["end", "end_reason"])
        touched.add(category.child_id)
        ended += 1
    # Every open file's next visit follows the categories it is in today (a period may have ended
    # on a date recorded in advance).
    touch(Child, touched)
    child_visit_schedule(today=today)
    return {"flagged": flagged, "ended": ended, "touched": len(touched)}
