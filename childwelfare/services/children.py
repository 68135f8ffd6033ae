"""The child's file (一人一档): opening it on a core Person under 18, its categories over time,
closing it (a death recorded in core closes it), and the visit schedule it keeps."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Carer, Child, ChildCategory, Recognition, VisitInterval
from childwelfare.models.children import (
    PARENTAL,
    SUPPORTED,
    CareSetting,
    CategoryCode,
    DistressReason,
    ParentSituation,
)
from childwelfare.services._common import ADULT_AGE, LEFT_BEHIND_MAX_AGE, age_on, birthday, check_name, check_phone
from core.bulk import bulk_history, bulk_update
from core.categories import CATEGORIES
from core.changes import touch
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_text
from core.models import Division, Person

#: Who may record an orphan or a de-facto unsupported child without the recognition workflow
#: (the bureau, taking over its existing ledger): the bureau's confirming right.
CONFIRM = "childwelfare.confirm_recognition"

# 孤儿: both parents dead or not found.
ORPHAN_PARENTS = {ParentSituation.DECEASED, ParentSituation.MISSING}
# 事实无人抚养儿童 (民发〔2019〕62号): each parent severely disabled, gravely ill, imprisoned, in
# compulsory rehab, otherwise restricted, stripped of guardianship or missing; or one dead or
# missing and the other so.
DE_FACTO_PARENTS = {
    ParentSituation.SEVERE_DISABILITY,
    ParentSituation.GRAVE_ILLNESS,
    ParentSituation.IMPRISONED,
    ParentSituation.COMPULSORY_REHAB,
    ParentSituation.RESTRICTED,
    ParentSituation.GUARDIANSHIP_REVOKED,
    ParentSituation.MISSING,
}
# 留守儿童 (国发〔2016〕13号): both parents away, or one away and the other unable to guard.
UNABLE_TO_GUARD = {
    ParentSituation.UNABLE_TO_GUARD,
    ParentSituation.SEVERE_DISABILITY,
    ParentSituation.GRAVE_ILLNESS,
}


@dataclass
class CategoryInput:
    code: str
    start: date | None
    end: date | None = None
    father_situation: str = ""
    mother_situation: str = ""
    distress_reason: str = ""
    evidence: str = ""
    #: set by recognition_confirm only
    recognition: Recognition | None = field(default=None, repr=False)


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    far = date.max
    return a_start <= (b_end or far) and b_start <= (a_end or far)


def parents_check(
    errors: FieldErrors, code: str, father: str, mother: str, *, keys=("father_situation", "mother_situation")
):
    """The parents' situations that qualify a child for `code` (orphan, de_facto_unsupported,
    left_behind), into `errors` on the parents' fields."""
    father_key, mother_key = keys
    for key, value in ((father_key, father), (mother_key, mother)):
        if not value:
            errors.add(key, _("请填写父母情况。"))
        elif value not in ParentSituation.values:
            errors.add(key, _("未知的父母情况：%(v)s") % {"v": value})
    if father_key in errors or mother_key in errors:
        return
    pair = {father, mother}
    if code == CategoryCode.ORPHAN:
        if not pair <= ORPHAN_PARENTS:
            errors.add(father_key, _("孤儿须父母双方均死亡或查找不到。"))
    elif code == CategoryCode.DE_FACTO_UNSUPPORTED:
        qualifying = DE_FACTO_PARENTS | {ParentSituation.DECEASED}
        if not pair <= qualifying or pair == {ParentSituation.DECEASED}:
            errors.add(
                father_key,
                _(
                    "事实无人抚养儿童须父母双方均重残、重病、服刑在押、强制隔离戒毒、被执行其他限制人身自由措施、"
                    "被撤销监护资格或失联，或一方死亡（失踪）另一方有上述情形之一（父母双方均死亡的为孤儿）。"
                ),
            )
    elif code == CategoryCode.LEFT_BEHIND:
        away = ParentSituation.WORKING_AWAY
        ok = (father == away and (mother == away or mother in UNABLE_TO_GUARD)) or (
            mother == away and father in UNABLE_TO_GUARD
        )
        if not ok:
            errors.add(father_key, _("留守儿童须父母双方外出务工，或一方外出务工、另一方无监护能力。"))


def category_check(
    errors: FieldErrors,
    *,
    person: Person,
    data: CategoryInput,
    existing: list[ChildCategory],
    user=None,
    exclude_pk=None,
    tekun_members: set[int] | None = None,
) -> None:
    """Every rule a category period must keep, into `errors` keyed by field: the code, the dates
    (not before birth, not after the 18th birthday: a person of 18 or more is refused on `person`),
    left-behind under 16, the parents' situations, overlaps with the child's other periods, and the
    tekun conflict (an orphan or de-facto unsupported child receiving tekun support). An import
    passes `tekun_members` (asked once for the whole file) so no row queries."""
    code = data.code
    if code not in CategoryCode.values:
        errors.add("code", _("未知的类别：%(v)s") % {"v": code})
        return
    if data.start is None:
        errors.add("start", _("请填写起始日期。"))
        return
    check_date(errors, "start", data.start, not_after_today=True)
    check_date(errors, "end", data.end)
    if data.end and data.end < data.start:
        errors.add("end", _("终止日期不能早于起始日期。"))
    check_text(errors, "evidence", data.evidence, max_length=REASON_MAX)
    birth = person.birth_date
    if birth is None:
        errors.add("person", _("%(name)s 没有出生日期（请先补全身份证号），无法判断年龄。") % {"name": person.name})
        return
    adult_on = birthday(birth, ADULT_AGE)
    if data.start >= adult_on:
        errors.add(
            "person",
            _("%(name)s 于 %(d)s 年满18周岁，不能登记为%(cat)s（儿童类别只适用于未满18周岁的人）。")
            % {"name": person.name, "d": adult_on.isoformat(), "cat": CategoryCode(code).label},
        )
    if data.start < birth:
        errors.add("start", _("起始日期不能早于出生日期 %(d)s。") % {"d": birth.isoformat()})
    if code == CategoryCode.LEFT_BEHIND and age_on(birth, data.start) >= LEFT_BEHIND_MAX_AGE:
        errors.add("code", _("留守儿童须未满16周岁（%(d)s 年满16周岁）。") % {"d": birthday(birth, 16).isoformat()})
    if data.end and data.end > adult_on:
        errors.add("end", _("儿童类别最迟至年满18周岁（%(d)s）。") % {"d": adult_on.isoformat()})
    if code == CategoryCode.DISTRESS:
        if data.distress_reason not in DistressReason.values:
            errors.add("distress_reason", _("困境儿童请选择困境类型：家庭贫困、自身残疾或缺乏有效监护。"))
    elif data.distress_reason:
        errors.add("distress_reason", _("只有困境儿童填写困境类型。"))
    if code in PARENTAL:
        parents_check(errors, code, data.father_situation, data.mother_situation)
    if code in SUPPORTED and data.recognition is None and user is not None and not user.has_perm(CONFIRM):
        errors.add(
            "code",
            _("孤儿、事实无人抚养儿童须经认定（监护人申请、乡镇核查、民政局确认），请提交认定申请。"),
        )
    for other in existing:
        if (exclude_pk is not None and other.pk == exclude_pk) or not _overlaps(
            data.start, data.end, other.start, other.end
        ):
            continue
        if other.code == code:
            errors.add(
                "start",
                _("与已有的%(cat)s记录（%(a)s 至 %(b)s）时间重叠。")
                % {"cat": other.get_code_display(), "a": other.start, "b": other.end or _("今")},
            )
        elif code in PARENTAL and other.code in PARENTAL:
            errors.add(
                "code",
                _("%(new)s与已有的%(cat)s记录（%(a)s 至 %(b)s）不能同时存在：两者对父母情况的认定互相排斥。")
                % {"new": CategoryCode(code).label, "cat": other.get_code_display(), "a": other.start,
                   "b": other.end or _("今")},
            )  # fmt: skip
    if code in SUPPORTED and "code" not in errors:
        on = max(data.start, min(timezone.localdate(), data.end or date.max))
        tekun_check(errors, person=person, on=on, key="code", members=tekun_members)


def tekun_check(errors: FieldErrors, *, person: Person, on: date, key: str, members: set[int] | None = None) -> None:
    """孤儿、事实无人抚养儿童基本生活保障 and 特困人员救助供养 are not both given: a child recognised
    as tekun (core.categories, answered by assistance) is refused here."""
    if members is None:
        tekun = CATEGORIES.get("tekun")
        members = tekun.members([person.pk], on) if tekun is not None else set()
    if person.pk in members:
        errors.add(
            key,
            _("%(name)s 在 %(d)s 是特困供养人员：孤儿、事实无人抚养儿童基本生活保障与特困供养不能同时享受，"
              "请先终止特困供养。") % {"name": person.name, "d": on.isoformat()},
        )  # fmt: skip


def is_tekun(person: Person, on: date | None = None) -> bool:
    tekun = CATEGORIES.get("tekun")
    return bool(tekun and person.pk in tekun.members([person.pk], on or timezone.localdate()))


# --- the file ---------------------------------------------------------------------------------------

FILE_FIELDS = ("care_setting", "guardian_name", "guardian_relation", "guardian_phone", "bank_account", "in_school",
               "school", "note", "village")  # fmt: skip


def _file_checks(errors: FieldErrors, data: dict) -> None:
    if "care_setting" in data and data["care_setting"] not in CareSetting.values:
        errors.add("care_setting", _("请选择养育方式：机构养育、亲属抚养、家庭寄养或父母（一方）照料。"))
    check_name(errors, "guardian_name", data.get("guardian_name") or "")
    check_text(errors, "guardian_relation", data.get("guardian_relation") or "", max_length=20)
    check_phone(errors, "guardian_phone", data.get("guardian_phone") or "")
    account = data.get("bank_account") or ""
    if account and not account.isdigit():
        errors.add("bank_account", _("账号只能是数字。"))
    check_text(errors, "bank_account", account, max_length=40)
    check_text(errors, "school", data.get("school") or "", max_length=100)
    check_text(errors, "note", data.get("note") or "", max_length=REASON_MAX)


@transaction.atomic
def child_file_open(
    *, user, person: Person, care_setting: str, opened_on: date | None = None, categories=(), **data
) -> Child:
    """Open the file of a child (under 18 on the day it is opened), with its first categories. The
    categories' errors are named on `categories` (and a person of 18 or more on `person` too)."""
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    errors = FieldErrors()
    opened_on = opened_on or timezone.localdate()
    # A file cannot be opened before the child is born (check_date names both bounds).
    check_date(errors, "opened_on", opened_on, earliest=person.birth_date, not_after_today=True)
    _file_checks(errors, {"care_setting": care_setting, **data})
    if person.township_id is None:
        errors.add("person", _("%(name)s 没有户籍乡镇（街道），请先在人员信息中补全。") % {"name": person.name})
    elif not user_can_act_in(user, person.township_id):
        errors.add("person", _("您只能为本乡镇（街道）的儿童建档。"))
    if person.date_of_death:
        errors.add("person", _("%(name)s 已于 %(d)s 去世。") % {"name": person.name, "d": person.date_of_death})
    if person.birth_date is None:
        errors.add("person", _("%(name)s 没有出生日期（请先补全身份证号），无法判断年龄。") % {"name": person.name})
    elif birthday(person.birth_date, ADULT_AGE) <= opened_on:
        errors.add("person", _("%(name)s 已年满18周岁，不能建立儿童档案或登记儿童类别。") % {"name": person.name})
        if categories:
            errors.add("categories", _("年满18周岁的人不能登记儿童类别。"))
    if Child.objects.filter(person=person).exists():
        errors.add("person", _("%(name)s 已有儿童档案。") % {"name": person.name})
    village = data.get("village")
    if village is not None and (village.level != Division.Level.VILLAGE or village.parent_id != person.township_id):
        errors.add("village", _("村（社区）应属于儿童的户籍乡镇（街道）。"))
    if errors:
        errors.raise_if_any()
    accepted: list[ChildCategory] = []
    for n, item in enumerate(categories, start=1):
        item_errors = FieldErrors()
        category_check(item_errors, person=person, data=item, existing=accepted, user=user)
        for key, messages in item_errors.items():
            target = "person" if key == "person" else "categories"
            for message in messages:
                errors.add(target, _("第 %(n)d 项（%(f)s）：%(m)s") % {"n": n, "f": key, "m": message})
        accepted.append(ChildCategory(code=item.code, start=item.start, end=item.end))
    errors.raise_if_any()
    child = Child(
        person=person, township_id=person.township_id, village=village or (person.village if person.village_id else None),
        care_setting=care_setting, opened_on=opened_on, created_by=user,
        **{k: v for k, v in data.items() if k != "village"},
    )  # fmt: skip
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        raise ValidationError({"person": [_("%(name)s 已有儿童档案。") % {"name": person.name}]}) from None
    for item in categories:
        _category_create(child=child, data=item, user=user)
    if child.guardian_name:
        # The guardian named on opening is the file's first guardian record (监护人, from the opening day).
        Carer.objects.create(
            child=child, role=Carer.Role.GUARDIAN, name=child.guardian_name, relation=child.guardian_relation,
            phone=child.guardian_phone, start=opened_on, created_by=user,
        )  # fmt: skip
    child_visit_schedule([child.pk])
    child.refresh_from_db()
    return child


def child_update(*, user, child: Child, **data) -> Child:
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    errors = FieldErrors()
    if not user_can_act_in(user, child.township_id):
        errors.add("township", _("您只能修改本乡镇（街道）的儿童档案。"))
    _file_checks(errors, data)
    village = data.get("village")
    if village is not None and (village.level != Division.Level.VILLAGE or village.parent_id != child.township_id):
        errors.add("village", _("村（社区）应属于儿童的户籍乡镇（街道）。"))
    errors.raise_if_any()
    before = (child.guardian_name, child.guardian_relation, child.guardian_phone)
    for key, value in data.items():
        setattr(child, key, value)
    child.save()
    _guardian_on_record_follows(child, before, user)
    return child


def _guardian_on_record_follows(child: Child, before: tuple[str, str, str], user) -> None:
    """The file's guardian on record and the guardian records agree: a new guardian named on the
    file ends the previous one's record yesterday and starts a record today; new contact details of
    the same guardian correct the open record. (Entrusted carers are recorded on their own.)"""
    name, relation, phone = (child.guardian_name or "").strip(), child.guardian_relation, child.guardian_phone
    old_name = (before[0] or "").strip()
    current = Carer.objects.filter(child=child, role=Carer.Role.GUARDIAN, end__isnull=True)
    today = timezone.localdate()
    if name == old_name:
        if name and (relation, phone) != before[1:]:
            for record in current.filter(name=name):
                record.relation, record.phone = relation, phone
                record.save(update_fields=["relation", "phone", "updated_at"])
        return
    for record in current.filter(name=old_name) if old_name else ():
        record.end = max(record.start, today - timedelta(days=1))
        # No name in the reason: the new guardian's own record says who, masked by role like any name.
        record.end_reason = _("监护人变更") if name else _("档案不再登记监护人")
        record.save(update_fields=["end", "end_reason", "updated_at"])
    if name:
        Carer.objects.create(
            child=child, role=Carer.Role.GUARDIAN, name=name, relation=relation, phone=phone, start=today,
            created_by=user,
        )  # fmt: skip


def _category_create(*, child: Child, data: CategoryInput, user) -> ChildCategory:
    try:
        with transaction.atomic():
            category = ChildCategory.objects.create(
                child=child, code=data.code, start=data.start, end=data.end, father_situation=data.father_situation,
                mother_situation=data.mother_situation, distress_reason=data.distress_reason,
                evidence=data.evidence, recognition=data.recognition, created_by=user,
            )  # fmt: skip
            touch(Child, [child.pk])
            return category
    except IntegrityError:
        raise ValidationError({"start": [_("该儿童已有一段未终止的同类别记录。")]}) from None


@transaction.atomic
def category_add(*, user, child: Child, data: CategoryInput) -> ChildCategory:
    """Add a category period to an open file (orphan and de-facto unsupported through the
    recognition workflow, or by the bureau taking over its ledger)."""
    child = Child.objects.select_for_update().select_related("person").get(pk=child.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能登记本乡镇（街道）的儿童。"))
    if not child.is_open:
        errors.add("child", _("档案已于 %(d)s 销档。") % {"d": child.closed_on})
    category_check(errors, person=child.person, data=data, existing=list(child.categories.all()), user=user)
    errors.raise_if_any()
    category = _category_create(child=child, data=data, user=user)
    child_visit_schedule([child.pk])
    return category


@transaction.atomic
def category_end(*, user, category: ChildCategory, end: date | None, reason: str) -> ChildCategory:
    errors = FieldErrors()
    if not user_can_act_in(user, category.child.township_id):
        errors.add("child", _("您只能登记本乡镇（街道）的儿童。"))
    if end is None:
        errors.add("end", _("请填写终止日期。"))
    else:
        check_date(errors, "end", end, not_after_today=True)
        if end < category.start:
            errors.add("end", _("终止日期不能早于起始日期 %(d)s。") % {"d": category.start})
    if category.end is not None:
        errors.add("end", _("该记录已于 %(d)s 终止。") % {"d": category.end})
    if not reason:
        errors.add("end_reason", _("请填写终止原因。"))
    check_text(errors, "end_reason", reason, max_length=100)
    errors.raise_if_any()
    category.end, category.end_reason = end, reason
    category.save(update_fields=["end", "end_reason"])
    touch(Child, [category.child_id])
    child_visit_schedule([category.child_id])
    return category


def _close_files(closing: list[tuple[Child, date]], reason: str, *, user) -> None:
    """Close each (file, day), checked: every open category ends (not before it started), a pending
    recognition stops, the file closes (not before it opened) with no visit due. Five queries for
    any number of files, with their history rows (core.bulk)."""
    if not closing:
        return
    label = str(Child.CloseReason(reason).label)
    on_by_child = {child.pk: on for child, on in closing}
    categories = list(ChildCategory.objects.filter(child_id__in=list(on_by_child), end__isnull=True).order_by("id"))
    for category in categories:
        category.end, category.end_reason = max(on_by_child[category.child_id], category.start), label
    bulk_update(ChildCategory, categories, ["end", "end_reason"])
    bulk_history(ChildCategory, categories, user=user)
    Recognition.objects.filter(child_id__in=list(on_by_child), state__in=Recognition.OPEN_STATES).update(
        state=Recognition.State.WITHDRAWN,
        decision_opinion=_("档案销档：%(r)s") % {"r": label},
        updated_at=timezone.now(),
    )
    now = timezone.now()
    children = []
    for child, on in closing:
        child.closed_on, child.close_reason = max(on, child.opened_on), reason
        child.visit_due_on, child.updated_at = None, now
        children.append(child)
    bulk_update(Child, children, ["closed_on", "close_reason", "visit_due_on", "updated_at"])
    bulk_history(Child, children, user=user)


@transaction.atomic
def child_close(*, user, child: Child, on: date, reason: str) -> Child:
    """Close the file: every open category ends, a pending recognition stops, the allowance stops
    from the next month (the programme pays only open categories)."""
    errors = FieldErrors()
    if user is not None and not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能登记本乡镇（街道）的儿童。"))
    if not reason or reason not in Child.CloseReason.values:
        errors.add("close_reason", _("请选择销档原因。"))
    check_date(errors, "closed_on", on, not_after_today=True)
    if child.closed_on:
        errors.add("closed_on", _("档案已于 %(d)s 销档。") % {"d": child.closed_on})
    errors.raise_if_any()
    _close_files([(child, on)], reason, user=user)
    return child


def on_people_died(sender, *, deaths, user=None, source="", **kwargs) -> None:
    """core.events.people_died: each child's file closes on the date of death (every category ends
    then) and the next month's allowance list leaves the child out. A fixed number of queries for
    any number of deaths."""
    died = {person.pk: day for person, day in deaths if day is not None}
    children = list(Child.objects.select_for_update().filter(person_id__in=list(died), closed_on__isnull=True))
    today = timezone.localdate()
    closing = []
    for child in children:
        on = min(died[child.person_id], today)
        errors = FieldErrors()
        check_date(errors, "closed_on", on, not_after_today=True)  # as child_close checks it
        errors.raise_if_any()
        closing.append((child, on))
    _close_files(closing, Child.CloseReason.DEATH, user=user)


# --- the visit schedule -----------------------------------------------------------------------------

DEFAULT_INTERVALS = {
    CategoryCode.ORPHAN: 90,
    CategoryCode.DE_FACTO_UNSUPPORTED: 30,
    CategoryCode.DISTRESS: 90,
    CategoryCode.LEFT_BEHIND: 90,
}


def visit_intervals() -> dict[str, int]:
    configured = dict(VisitInterval.objects.values_list("code", "days"))
    return {code: configured.get(code, days) for code, days in DEFAULT_INTERVALS.items()}


def child_visit_schedule(child_ids=None, *, today: date | None = None) -> int:
    """Recompute when each child's next visit is due: the last visit (or the file's opening) plus
    the shortest configured interval of the categories the child is in today; none when in none.
    A fixed number of queries for any number of children."""
    today = today or timezone.localdate()
    intervals = visit_intervals()
    children = Child.objects.filter(closed_on__isnull=True)
    if child_ids is not None:
        children = children.filter(pk__in=list(child_ids))
    codes: dict[int, set[str]] = {}
    active = ChildCategory.objects.filter(child__in=children, start__lte=today).exclude(end__lt=today)
    for child_id, code in active.values_list("child_id", "code"):
        codes.setdefault(child_id, set()).add(code)
    changed = []
    for child in children.only("id", "opened_on", "last_visit_on", "visit_due_on"):
        mine = codes.get(child.pk)
        due = None
        if mine:
            due = (child.last_visit_on or child.opened_on) + timedelta(days=min(intervals[c] for c in mine))
        if due != child.visit_due_on:
            child.visit_due_on, child.updated_at = due, timezone.now()
            changed.append(child)
    Child.objects.bulk_update(changed, ["visit_due_on", "updated_at"], batch_size=2000)
    return len(changed)
