"""探访: who is on the visit programme (and in which groups), how often each group is visited, the
visits themselves, and who is overdue.

Group rules, checked on the day a person joins: every group is for people aged 60+; 特困 and 低保
are asked of core.categories ("tekun", "dibao", registered by assistance); 高龄 is 80+ by the birth
date; 失能、重残 is a latest assessment of moderate loss or worse, or a disability of grade 1–2;
独居 and 留守 are what the township finds and records. A death ends every entry (core.events)."""

import datetime

from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from core.bulk import bulk_update
from core.categories import CATEGORIES
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from core.locks import hold_person
from eldercare.models import Assessment, Visit, VisitGroup, VisitInterval, VisitTarget
from eldercare.models.subsidies import OLDER_AGE
from eldercare.models.visits import INTERVAL_MAX_DAYS, INTERVAL_MIN_DAYS, VISIT_TEXT_MAX
from eldercare.services._common import saved_once
from eldercare.services.subsidies import age_on, birth_of

HIGH_AGE = 80
DISABLED_LEVEL = 2  # 中度失能 and worse


def intervals() -> dict[str, int]:
    """{group: days} the bureau has set (a group without one is never overdue: the page says so)."""
    return dict(VisitInterval.objects.values_list("group", "days"))


@transaction.atomic
def visit_interval_set(*, user, group: str, days) -> VisitInterval:
    errors = FieldErrors()
    if not user.is_city_level:
        errors.add("group", _("探访周期由民政局设置。"))
    if group not in VisitGroup.values:
        errors.add("group", _("请选择探访对象类别。"))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days is None or not INTERVAL_MIN_DAYS <= days <= INTERVAL_MAX_DAYS:
        errors.add("days", _("探访周期应在 %(a)d 至 %(b)d 天之间。") % {"a": INTERVAL_MIN_DAYS, "b": INTERVAL_MAX_DAYS})
    errors.raise_if_any()
    interval, _created = VisitInterval.objects.update_or_create(
        group=group, defaults={"days": days, "updated_by": user}
    )
    return interval


def group_reason(person, group: str, day: datetime.date) -> str:
    """Why `person` is not in `group` on `day` ("" when they are)."""
    if person.date_of_death and person.date_of_death <= day:
        return _("已于 %(d)s 死亡。") % {"d": person.date_of_death}
    age = age_on(birth_of(person.birth_date, person.id_number), day)
    if age is None:
        return _("缺少出生日期（身份证号），无法确定年龄。")
    if age < OLDER_AGE:
        return _("未满 %(n)d 周岁。") % {"n": OLDER_AGE}
    if group in (VisitGroup.TEKUN, VisitGroup.DIBAO):
        category = CATEGORIES.get(group)
        if category is None or person.pk not in category.members([person.pk], day):
            return _("%(d)s 不是%(g)s。") % {"d": day, "g": VisitGroup(group).label.replace("老年人", "对象")}
    elif group == VisitGroup.HIGH_AGE and age < HIGH_AGE:
        return _("未满 %(n)d 周岁（%(a)d 周岁）。") % {"n": HIGH_AGE, "a": age}
    elif group == VisitGroup.DISABLED:
        latest = (
            Assessment.objects.filter(person=person, assessed_on__lte=day)
            .order_by("-assessed_on", "-id")
            .values_list("level", flat=True)
            .first()
        )
        if (latest is None or latest < DISABLED_LEVEL) and person.disability_grade not in (1, 2):
            return _("最近一次能力评估不是中度及以上失能，也没有一、二级残疾。")
    return ""


@transaction.atomic
def visit_target_add(*, user, person, group: str, since: datetime.date | None, note: str = "") -> VisitTarget:
    errors = FieldErrors()
    if person is None:
        errors.add("person", _("请选择老年人。"))
    elif person.township_id is None or not user_can_act_in(user, person.township_id):
        errors.add("person", _("只能登记本乡镇（街道）的老年人。"))
    if group not in VisitGroup.values:
        errors.add("group", _("请选择探访对象类别。"))
    if since is None:
        errors.add("since", _("请填写纳入日期。"))
    check_date(errors, "since", since, not_after_today=True)
    check_text(errors, "note", note, max_length=200)

    def on_programme(found: FieldErrors) -> None:
        if VisitTarget.objects.filter(person=person, group=group, ended_on__isnull=True).exists():
            found.add("group", _("该老年人已是%(g)s探访对象。") % {"g": VisitGroup(group).label})

    if not errors:
        reason = group_reason(person, group, since)
        if reason:
            errors.add("group", _("不属于%(g)s：%(r)s") % {"g": VisitGroup(group).label, "r": reason})
        else:
            # No visit recorded between reading the latest and writing the entry, and a double
            # submit waits here, then finds the first one's entry.
            hold_person(person)
            on_programme(errors)
    errors.raise_if_any()
    last = Visit.objects.filter(person=person).aggregate(last=Max("visited_on"))["last"]
    with saved_once(on_programme, constraint="visittarget_one_open_per_group"):
        return VisitTarget.objects.create(
            person=person, group=group, since=since, note=note or "", created_by=user, last_visit_on=last
        )


@transaction.atomic
def visit_target_end(*, user, target: VisitTarget, ended_on: datetime.date | None, reason: str) -> VisitTarget:
    target = VisitTarget.objects.select_for_update().select_related("person").get(pk=target.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, target.person.township_id):
        errors.add("person", _("只能办理本乡镇（街道）的探访对象。"))
    if target.ended_on is not None:
        errors.add("ended_on", _("已退出探访。"))
    if ended_on is None:
        errors.add("ended_on", _("请填写退出日期。"))
    check_date(errors, "ended_on", ended_on, not_after_today=True)
    if ended_on and "ended_on" not in errors and ended_on < target.since:
        errors.add("ended_on", _("退出日期不能早于纳入日期（%(d)s）。") % {"d": target.since})
    reason = (reason or "").strip()
    if not reason:
        errors.add("end_reason", _("请填写退出原因。"))
    check_text(errors, "end_reason", reason, max_length=200)
    errors.raise_if_any()
    target.ended_on, target.end_reason = ended_on, reason
    target.save(update_fields=["ended_on", "end_reason", "updated_at"])
    return target


@transaction.atomic
def visit_record(
    *, user, person, visited_on: datetime.date | None, visitor: str, findings: str, way: str = Visit.Way.HOME,
    follow_up: str = "",
) -> Visit:  # fmt: skip
    errors = FieldErrors()
    if person is None:
        errors.add("person", _("请选择老年人。"))
    elif person.township_id is None or not user_can_act_in(user, person.township_id):
        errors.add("person", _("只能登记本乡镇（街道）老年人的探访。"))
    if visited_on is None:
        errors.add("visited_on", _("请填写探访日期。"))
    check_date(errors, "visited_on", visited_on, not_after_today=True)
    if person is not None and visited_on and "visited_on" not in errors:
        if person.date_of_death and visited_on > person.date_of_death:
            errors.add("visited_on", _("探访日期晚于该人员的死亡日期（%(d)s）。") % {"d": person.date_of_death})
        elif person.birth_date and visited_on < person.birth_date:
            errors.add("visited_on", _("探访日期早于出生日期。"))
    if way not in Visit.Way.values:
        errors.add("way", _("请选择探访方式。"))
    visitor = (visitor or "").strip()
    findings = (findings or "").strip()
    if not visitor:
        errors.add("visitor", _("请填写探访人。"))
    if not findings:
        errors.add("findings", _("请填写探访情况。"))
    check_text(errors, "visitor", visitor, max_length=50)
    check_text(errors, "findings", findings, max_length=VISIT_TEXT_MAX)
    check_text(errors, "follow_up", follow_up, max_length=VISIT_TEXT_MAX)
    errors.raise_if_any()
    hold_person(person)  # no entry added between the visit and its date reaching the entries
    visit = Visit.objects.create(
        person=person, visited_on=visited_on, way=way, visitor=visitor, findings=findings,
        follow_up=(follow_up or "").strip(), created_by=user,
    )  # fmt: skip
    VisitTarget.objects.filter(person=person).filter(
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=visited_on)
    ).update(last_visit_on=visited_on)
    return visit


def visit_targets_refresh(person_ids=None) -> int:
    """Each programme entry's last_visit_on read again from the visits themselves, for these people
    (everyone when None): after visits are changed or deleted outside visit_record (the admin) or
    written in bulk (the demo). One UPDATE."""
    latest = Visit.objects.filter(person_id=OuterRef("person_id")).order_by("-visited_on").values("visited_on")[:1]
    entries = VisitTarget.objects.all() if person_ids is None else VisitTarget.objects.filter(person_id__in=person_ids)
    return entries.update(last_visit_on=Subquery(latest))


def on_people_died_visits(sender, *, deaths, **kwargs) -> None:
    """core.events.people_died: each person leaves the visit programme on the date of death (two
    queries for any number of deaths)."""
    died = {person.pk: day for person, day in deaths if day is not None}
    if not died:
        return
    targets = list(VisitTarget.objects.select_for_update().filter(person_id__in=list(died), ended_on__isnull=True))
    now = timezone.now()
    for target in targets:
        day = died[target.person_id]
        target.ended_on = max(day, target.since)
        target.end_reason = f"{gettext('死亡')} {day.isoformat()}"
        target.updated_at = now
    bulk_update(VisitTarget, targets, ["ended_on", "end_reason", "updated_at"])
