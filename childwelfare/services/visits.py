"""走访: a visit to a child, and the configured interval per category that flags an overdue one."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from childwelfare.models import Child, Visit, VisitInterval
from childwelfare.models.children import INTERVAL_MAX, INTERVAL_MIN, CategoryCode
from childwelfare.services._common import check_name
from childwelfare.services.children import child_visit_schedule
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_text


@transaction.atomic
def visit_record(
    *, user, child: Child, visited_on: date | None, visitor_name: str, findings: str, follow_up: str = ""
) -> Visit:
    child = Child.objects.select_for_update().select_related("person").get(pk=child.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能走访本乡镇（街道）的儿童。"))
    if visited_on is None:
        errors.add("visited_on", _("请填写走访日期。"))
    else:
        check_date(errors, "visited_on", visited_on, earliest=child.person.birth_date, not_after_today=True)
        if child.closed_on and visited_on > child.closed_on:
            errors.add("visited_on", _("档案已于 %(d)s 销档，之后不能登记走访。") % {"d": child.closed_on})
    check_name(errors, "visitor_name", visitor_name, required=True)
    if not (findings or "").strip():
        errors.add("findings", _("请填写走访情况。"))
    check_text(errors, "findings", findings, max_length=REASON_MAX)
    check_text(errors, "follow_up", follow_up, max_length=REASON_MAX)
    errors.raise_if_any()
    visit = Visit.objects.create(
        child=child, visited_on=visited_on, visitor_name=visitor_name, findings=findings, follow_up=follow_up,
        created_by=user,
    )  # fmt: skip
    if child.last_visit_on is None or visited_on > child.last_visit_on:
        child.last_visit_on = visited_on
        child.save(update_fields=["last_visit_on", "updated_at"])
        child_visit_schedule([child.pk])
    if child.risk_follow_up_due is not None and visited_on >= child.risk_assessed_on:
        from childwelfare.services.guardianship import child_risk_refresh

        child_risk_refresh([child.pk])  # the high risk's follow-up visit
    return visit


@transaction.atomic
def visit_interval_set(*, user, code: str, days) -> VisitInterval:
    """Set a category's interval; every open file's next due date follows at once."""
    errors = FieldErrors()
    if code not in CategoryCode.values:
        errors.add("code", _("未知的类别：%(v)s") % {"v": code})
    try:
        days = int(days)
    except (TypeError, ValueError):
        errors.add("days", _("请填写天数。"))
    else:
        if not INTERVAL_MIN <= days <= INTERVAL_MAX:
            errors.add("days", _("走访间隔应在 %(a)d 至 %(b)d 天之间。") % {"a": INTERVAL_MIN, "b": INTERVAL_MAX})
    errors.raise_if_any()
    interval, _created = VisitInterval.objects.update_or_create(code=code, defaults={"days": days})
    child_visit_schedule()
    return interval
