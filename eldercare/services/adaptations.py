"""适老化改造: application → survey (入户评估) → works → acceptance (验收), or refusal at the first two
steps. Who may apply (plan ch.5 §2: 困难老年人家庭; appendix: 聚焦失能、残疾、高龄老年人): a person aged
60+ who is in a low-income category (core.categories: dibao, tekun, edge families), or whose latest
assessment is moderate loss or worse, or who has a disability of grade 1–2, or who is 80+.
Every step's date is on or after the one before and not in the future; the cost (Decimal) and the
devices are recorded with the works; counted by the year of acceptance."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_money, check_text
from core.locks import hold_person
from eldercare.models import Assessment
from eldercare.models.adaptations import ADAPTATION_TEXT_MAX, COST_MAX, Device, HomeAdaptation
from eldercare.models.subsidies import OLDER_AGE
from eldercare.services._common import saved_once
from eldercare.services.subsidies import age_on, birth_of, category_members

State = HomeAdaptation.State
#: The states of an application still in progress: one at a time per person (adaptation_one_open_per_person).
OPEN_STATES = (State.APPLIED, State.SURVEYED, State.WORKS_DONE)
#: action: (from states, to state, the date field it sets)
ACTIONS = {
    "survey": ((State.APPLIED,), State.SURVEYED, "surveyed_on"),
    "complete_works": ((State.SURVEYED,), State.WORKS_DONE, "works_done_on"),
    "accept": ((State.WORKS_DONE,), State.ACCEPTED, "accepted_on"),
    "refuse": ((State.APPLIED, State.SURVEYED), State.REFUSED, "refused_on"),
}
ACTION_LABELS = {
    "survey": gettext_lazy("入户评估"), "complete_works": gettext_lazy("施工完成"), "accept": gettext_lazy("验收"),
    "refuse": gettext_lazy("不予改造"),
}  # fmt: skip


def eligibility_reason(person, day: datetime.date) -> str:
    """Why the person's household may not apply on `day` ("" when it may)."""
    age = age_on(birth_of(person.birth_date, person.id_number), day)
    if age is None:
        return _("缺少出生日期（身份证号），无法确定年龄。")
    if age < OLDER_AGE:
        return _("未满 %(n)d 周岁。") % {"n": OLDER_AGE}
    if age >= 80 or person.disability_grade in (1, 2):
        return ""
    level = (
        Assessment.objects.filter(person=person, assessed_on__lte=day)
        .order_by("-assessed_on", "-id")
        .values_list("level", flat=True)
        .first()
    )
    if level is not None and level >= 2:
        return ""
    if category_members([person.pk], day):
        return ""
    return _("不是低保、特困或低保边缘家庭成员，未评估为中度及以上失能，没有一、二级残疾，也未满80周岁。")


@transaction.atomic
def adaptation_apply(*, user, person, applied_on: datetime.date | None, note: str = "") -> HomeAdaptation:
    errors = FieldErrors()
    if person is None:
        errors.add("person", _("请选择老年人。"))
    elif person.township_id is None or not user_can_act_in(user, person.township_id):
        errors.add("person", _("只能登记本乡镇（街道）老年人的申请。"))
    if applied_on is None:
        errors.add("applied_on", _("请填写申请日期。"))
    check_date(errors, "applied_on", applied_on, not_after_today=True)
    check_text(errors, "note", note, max_length=200)

    def in_progress(found: FieldErrors) -> None:
        if HomeAdaptation.objects.filter(person=person, state__in=OPEN_STATES).exists():
            found.add("person", _("该老年人已有办理中的适老化改造。"))

    if not errors:
        if person.date_of_death and person.date_of_death <= applied_on:
            errors.add("person", _("该老年人已于 %(d)s 死亡。") % {"d": person.date_of_death})
        else:
            reason = eligibility_reason(person, applied_on)
            if reason:
                errors.add("person", _("不符合适老化改造条件：%(r)s") % {"r": reason})
            else:
                hold_person(person)  # a double submit waits here, then finds the first one's application
                in_progress(errors)
    errors.raise_if_any()
    with saved_once(in_progress, constraint="adaptation_one_open_per_person"):
        return HomeAdaptation.objects.create(person=person, applied_on=applied_on, note=note or "", created_by=user)


def _previous_date(adaptation: HomeAdaptation) -> datetime.date:
    return adaptation.works_done_on or adaptation.surveyed_on or adaptation.applied_on


@transaction.atomic
def adaptation_advance(
    *, user, adaptation: HomeAdaptation, action: str, on: datetime.date | None, findings: str = "", cost=None,
    devices=(), reason: str = "",
) -> HomeAdaptation:  # fmt: skip
    """One step forward (or a refusal). An illegal step is refused naming the state."""
    adaptation = HomeAdaptation.objects.select_for_update().select_related("person").get(pk=adaptation.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, adaptation.person.township_id):
        errors.add("person", _("只能办理本乡镇（街道）的适老化改造。"))
    if action not in ACTIONS:
        raise ValidationError({"action": [gettext("未知的操作：%(a)s") % {"a": action}]})
    allowed, to_state, date_field = ACTIONS[action]
    if adaptation.state not in allowed:
        raise ValidationError(
            {"action": [gettext("当前状态为“%(s)s”，不能%(a)s。") % {
                "s": adaptation.get_state_display(), "a": ACTION_LABELS[action]}]}
        )  # fmt: skip
    if on is None:
        errors.add("on", _("请填写日期。"))
    check_date(errors, "on", on, not_after_today=True)
    previous = _previous_date(adaptation)
    if on and "on" not in errors and on < previous:
        errors.add("on", _("日期不能早于上一步的日期（%(d)s）。") % {"d": previous})
    if action == "survey":
        findings = (findings or "").strip()
        if not findings:
            errors.add("findings", _("请填写评估意见（需改造的项目）。"))
        check_text(errors, "findings", findings, max_length=ADAPTATION_TEXT_MAX)
        adaptation.survey_findings = findings
    elif action == "complete_works":
        unknown = sorted(set(devices or []) - set(Device.values))
        if unknown:
            errors.add("devices", _("未知的辅具：%(d)s") % {"d": "、".join(unknown)})
        if cost in (None, ""):
            errors.add("cost", _("请填写改造费用。"))
        else:
            try:
                cost = Decimal(str(cost)).quantize(Decimal("0.01"))
            except InvalidOperation:
                errors.add("cost", _("费用应为金额。"))
            else:
                check_money(errors, "cost", cost, minimum=Decimal("0"), maximum=COST_MAX)
        adaptation.devices = sorted(set(devices or []))
        adaptation.cost = cost if "cost" not in errors else None
    elif action == "refuse":
        reason = (reason or "").strip()
        if not reason:
            errors.add("reason", _("请填写不予改造的原因。"))
        check_text(errors, "reason", reason, max_length=ADAPTATION_TEXT_MAX)
        adaptation.refusal_reason = reason
    errors.raise_if_any()
    setattr(adaptation, date_field, on)
    adaptation.state = to_state
    adaptation.save()
    return adaptation


def adaptation_counts(queryset) -> list[dict]:
    """Per year of acceptance: households adapted and their cost (one query)."""
    rows = (
        queryset.filter(state=State.ACCEPTED)
        .order_by()
        .values_list("accepted_on__year")
        .annotate(n=Count("id"), cost=Sum("cost"))
        .order_by("accepted_on__year")
    )
    return [{"year": y, "households": n, "cost": cost or Decimal("0")} for y, n, cost in rows]
