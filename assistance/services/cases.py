"""Writes to assistance cases. The intake form, the API and the Excel import all come through here.

Every state change goes through `case_transition`, which checks the workflow table
(assistance/workflow.py), the user's right and township, the step's own rules, and records a
Transition row, in one transaction. A refused action changes nothing."""

import calendar as _cal
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.calculation import Calculation, compute, self_care_level
from assistance.models import AssetItem, Case, CaseDocument, CaseMember, Decision, IncomeItem, Objection, Transition
from assistance.models.cases import ASSET_VALUE_MAX, INCOME_MONTHLY_MAX, REQUESTED_AMOUNT_MAX, REQUESTED_AMOUNT_MIN
from assistance.workdays import add_working_days
from assistance.workflow import ACTIONS, INCOME_CHANGE, action_applies
from core.bulk import bulk_update
from core.documents import document_refusal
from core.exceptions import ApplicationError, FieldErrors
from core.identifiers import normalize_id_number
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_money, check_text
from core.models import Household, Person
from core.services.people import check_living

#: 审核确认办法 Art. 15: the investigation starts within 3 working days of acceptance.
INVESTIGATION_DAYS = 3
#: Art. 22 and the 2022 notice: 20 working days where townships confirm, extendable to 45.
DEFAULT_LIMIT_DAYS = 20
EXTENDED_LIMIT_DAYS = 45
#: Art. 19: the township's opinion is posted for 7 days.
NOTICE_DAYS = 7
#: A back-dated notice's reason says something (the paper notice's dates), not one character.
BACKFILL_REASON_MIN = 4
#: 2022 notice: gradual exit lasts at most 6 months.
GRADUAL_EXIT_MONTHS = 6
#: 2022 notice: a member's death triggers a re-check within 3 months.
DEATH_RECHECK_MONTHS = 3
#: The short texts of income and asset items, and the investigators' names: their columns' sizes.
ITEM_NOTE_MAX = IncomeItem._meta.get_field("note").max_length
INVESTIGATORS_MAX = Case._meta.get_field("investigators").max_length


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _cal.monthrange(year, month)[1]))


def next_month_start(day: date) -> date:
    return add_months(day.replace(day=1), 1)


@dataclass
class IncomeInput:
    kind: str
    monthly_amount: Decimal
    person_id: int | None = None
    note: str = ""


@dataclass
class AssetInput:
    kind: str
    value: Decimal
    description: str = ""


def _money(value, field: str, errors: FieldErrors) -> Decimal | None:
    """The amount to the cent, or None with the reason added to `errors` under `field`."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.add(field, _("金额格式不正确：%(v)s") % {"v": value})
        return None
    if amount < 0:
        errors.add(field, _("金额不能为负数。"))
        return None
    return amount


def _check_township(user, case_or_township) -> None:
    township_id = getattr(case_or_township, "township_id", case_or_township)
    if not user_can_act_in(user, township_id):
        raise ApplicationError(_("您只能办理本乡镇（街道）的案件。"), code="jurisdiction")


def _open_memberships(person_ids):
    """These people's memberships of open dibao/tekun cases (one person, one such case at a time)."""
    return CaseMember.objects.filter(
        person_id__any_of=list(person_ids), case__kind__in=Case.EXCLUSIVE_KINDS, case__state__in=Case.OPEN_STATES
    )


def open_case_of(person_ids, *, exclude_case_id=None) -> CaseMember | None:
    """The open dibao/tekun case any of these people is a member of, if there is one."""
    qs = _open_memberships(person_ids).select_related("case__township", "person")
    if exclude_case_id:
        qs = qs.exclude(case_id=exclude_case_id)
    return qs.first()


def open_cases_of(person_ids) -> dict[int, CaseMember]:
    """For many people at once (an import): each person's membership of an open dibao/tekun case,
    by person id, in one query (what open_case_of answers for one group)."""
    out: dict[int, CaseMember] = {}
    for member in _open_memberships(person_ids).select_related("person", "case__township").order_by("id"):
        out.setdefault(member.person_id, member)
    return out


def duplicate_membership_error(member: CaseMember, *, user) -> ApplicationError:
    """The person is already in an open dibao or tekun case: named with its number, kind, township
    and state to a user who may act there; to any other (the person moved, their old township's
    case still open), only that such a case is in another township."""
    case = member.case
    if not user_can_act_in(user, case.township_id):
        return ApplicationError(
            _("%(name)s 已在其他乡镇（街道）的低保或特困案件中，同一人不能同时在两个低保或特困案件中。")
            % {"name": member.person.name},
            code="duplicate_membership",
        )
    return ApplicationError(
        _("%(name)s 已在%(kind)s案件 #%(id)d（%(township)s，%(state)s）中，同一人不能同时在两个低保或特困案件中。")
        % {
            "name": member.person.name,
            "kind": case.get_kind_display(),
            "id": case.pk,
            "township": case.township.name,
            "state": case.get_state_display(),
        },
        code="duplicate_membership",
        extra={"existing_case": case.pk},
    )


#: Children whose basic living is paid as orphans or de-facto unsupported children (asked by code,
#: core.categories; child welfare registers them) are not also recognised as tekun (特困人员认定办法).
SUPPORTED_CHILD_CATEGORIES = ("orphan", "de_facto_unsupported")


def _refuse_tekun_for_supported_child(errors: FieldErrors, applicant: Person, on: date) -> None:
    from core.categories import CATEGORIES

    for code in SUPPORTED_CHILD_CATEGORIES:
        category = CATEGORIES.get(code)
        if category is not None and applicant.pk in category.members([applicant.pk], on):
            errors.add(
                "kind",
                _("%(name)s 已认定为%(c)s，按规定领取基本生活保障金，不再认定为特困人员。")
                % {"name": applicant.name, "c": category.label},
            )
            return


def _validate_kind(errors: FieldErrors, kind: str, subtype: str, requested_amount, self_care: str) -> None:
    if kind not in Case.Kind.values:
        errors.add("kind", _("请选择救助类别。"))
    allowed = {
        Case.Kind.TEKUN: {Case.Subtype.CENTRALISED, Case.Subtype.DISPERSED},
        Case.Kind.TEMPORARY: {Case.Subtype.EMERGENCY, Case.Subtype.EXPENDITURE},
    }.get(kind, {Case.Subtype.NONE})
    if subtype not in allowed:
        errors.add(
            "subtype",
            _("特困供养请选择集中或分散供养。")
            if kind == Case.Kind.TEKUN
            else _("临时救助请选择急难型或支出型。")
            if kind == Case.Kind.TEMPORARY
            else _("该救助类别没有细类。"),
        )
    if kind == Case.Kind.TEMPORARY and not requested_amount:
        errors.add("requested_amount", _("临时救助请填写申请金额。"))
    if kind == Case.Kind.TEKUN and subtype == Case.Subtype.DISPERSED and not self_care:
        errors.add("self_care", _("分散供养请评估生活自理能力。"))


def case_applicant_find(*, user, id_number: str) -> Person:
    """The applicant named by ID number: a person of the user's jurisdiction registered in a
    household (`person.membership.household`). Another township's person answers like a missing one.
    Raises ValidationError on `id_number`."""
    number = normalize_id_number(id_number)
    person = Person.objects.for_user(user).filter(id_number=number).select_related("membership").first()
    if person is None:
        raise ValidationError({"id_number": [_("本辖区没有此身份证号的人员，请先在“人员”中登记。")]})
    if getattr(person, "membership", None) is None:
        raise ValidationError({"id_number": [_("%(name)s 尚未登记家庭，请先在“家庭”中登记。") % {"name": person.name}]})
    check_living(person, field="id_number", role="applicant")
    return person


@transaction.atomic
def case_create(
    *,
    user,
    kind: str,
    household: Household,
    applied_on: date,
    subtype: str = "",
    applicant: Person | None = None,
    reason: str = "",
    bank_account: str = "",
    requested_amount=None,
    self_care_unable_items: int | None = None,
    income_items: list[IncomeInput] = (),
    asset_items: list[AssetInput] = (),
    documents=(),
    accept: bool = False,
    accepted_on: date | None = None,
) -> Case:
    """Register an application for a household (and accept it at once when `accept`). Refuses a
    second dibao/tekun application for anyone already in an open one, naming that case."""
    _check_township(user, household.township_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    members = list(household.members.select_related("person").order_by("id"))
    living = [m for m in members if m.person.date_of_death is None]
    applicant = applicant or household.head
    living_ids = {m.person_id for m in living}
    errors = FieldErrors()
    _validate_kind(errors, kind, subtype, requested_amount, "" if self_care_unable_items is None else "x")
    if applicant.pk not in living_ids:
        try:  # the reason a clerk can act on: who died, and when
            fresh = next((m.person for m in members if m.person_id == applicant.pk), applicant)
            check_living(fresh, field="applicant", role="applicant")
        except ValidationError as exc:
            errors.merge(exc)
        else:
            errors.add("applicant", _("申请人应是该家庭的在世成员。"))
    check_date(errors, "applied_on", applied_on, not_after_today=True)
    reason = (reason or "").strip()
    check_text(errors, "reason", reason, max_length=REASON_MAX)
    if requested_amount not in (None, "") and "requested_amount" not in errors:
        requested_amount = _money(requested_amount, "requested_amount", errors)
        if requested_amount:  # 0 on another kind's form means none (stored as None below)
            check_money(
                errors, "requested_amount", requested_amount, minimum=REQUESTED_AMOUNT_MIN, maximum=REQUESTED_AMOUNT_MAX
            )
    income_rows = _income_rows(income_items, living_ids, errors)
    asset_rows = _asset_rows(asset_items, errors)
    if kind == Case.Kind.TEKUN and "applicant" not in errors and applied_on:
        _refuse_tekun_for_supported_child(errors, applicant, applied_on)
    case = Case(
        kind=kind,
        subtype=subtype,
        household=household,
        applicant=applicant,
        township_id=household.township_id,
        village_id=household.village_id,
        reason=reason,
        bank_account=bank_account.strip(),
        requested_amount=requested_amount or None,
        applied_on=applied_on,
        created_by=user,
    )
    # The model's own field checks, for the fields the rules above have not already refused.
    try:
        case.full_clean(exclude=["household", "applicant", "township", "village", "created_by", "decision", *errors])
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    if kind in Case.EXCLUSIVE_KINDS:
        existing = open_case_of([m.person_id for m in living])
        if existing:
            raise duplicate_membership_error(existing, user=user)
    case.self_care = self_care_level(self_care_unable_items) if self_care_unable_items is not None else ""
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # a concurrent application for the same household
        existing = open_case_of([m.person_id for m in living])
        raise (
            duplicate_membership_error(existing, user=user) if existing else ApplicationError(_("该家庭已有在办案件。"))
        ) from None
    CaseMember.objects.bulk_create(
        CaseMember(
            case=case,
            person=m.person,
            relation=m.relation,
            # 特困: support is for the person; dibao and the others cover the living household.
            covered=(m.person_id == applicant.pk) if kind == Case.Kind.TEKUN else True,
        )
        for m in living
    )
    _replace(case, case.income_items, IncomeItem, income_rows)
    _replace(case, case.asset_items, AssetItem, asset_rows)
    for title, upload in documents:
        case_document_add(user=user, case=case, title=title, upload=upload)
    _record(case, "create", Case.State.DRAFT, Case.State.DRAFT, user, applied_on, reason)
    if accept:
        case = case_transition(user=user, case=case, action="accept", on_date=accepted_on or applied_on)
    return case


def _item_checks(errors: FieldErrors, field: str, n: int, check) -> bool:
    """Run `check(item_errors)` on one item; its errors go to `field`, prefixed with the item's number."""
    item_errors = FieldErrors()
    check(item_errors)
    for messages in item_errors.values():
        for message in messages:
            errors.add(field, _("第 %(n)d 项：%(m)s") % {"n": n, "m": message})
    return not item_errors


def _income_rows(items, member_ids: set[int], errors: FieldErrors) -> list[IncomeItem]:
    """The income items as unsaved rows; a bad item adds its reason to `errors` (the first bad
    item only: they are one field, `income_items`)."""
    rows = []
    for n, item in enumerate(items, start=1):
        if item.kind not in IncomeItem.Kind.values:
            errors.add("income_items", _("第 %(n)d 项收入类型不正确。") % {"n": n})
            break
        if item.person_id and item.person_id not in member_ids:
            errors.add("income_items", _("第 %(n)d 项收入的成员不属于该家庭。") % {"n": n})
            break
        amount = _money(item.monthly_amount, "income_items", errors)
        if amount is None:
            break
        note = (item.note or "").strip()

        def check(e, amount=amount, note=note):
            check_money(e, "monthly_amount", amount, minimum=Decimal("0"), maximum=INCOME_MONTHLY_MAX)
            check_text(e, "note", note, max_length=ITEM_NOTE_MAX)

        if not _item_checks(errors, "income_items", n, check):
            break
        rows.append(IncomeItem(kind=item.kind, person_id=item.person_id, monthly_amount=amount, note=note))
    return rows


def _asset_rows(items, errors: FieldErrors) -> list[AssetItem]:
    """The asset items as unsaved rows; the first bad item adds its reason to `errors`."""
    rows = []
    for n, item in enumerate(items, start=1):
        if item.kind not in AssetItem.Kind.values:
            errors.add("asset_items", _("第 %(n)d 项财产类型不正确。") % {"n": n})
            break
        value = _money(item.value, "asset_items", errors)
        if value is None:
            break
        description = (item.description or "").strip()

        def check(e, value=value, description=description):
            check_money(e, "value", value, minimum=Decimal("0"), maximum=ASSET_VALUE_MAX)
            check_text(e, "description", description, max_length=ITEM_NOTE_MAX)

        if not _item_checks(errors, "asset_items", n, check):
            break
        rows.append(AssetItem(kind=item.kind, value=value, description=description))
    return rows


def _replace(case: Case, related, model, rows: list) -> None:
    """The case's income (or asset) items become `rows`."""
    related.all().delete()
    for row in rows:
        row.case = case
    model.objects.bulk_create(rows)


TITLE_MAX = CaseDocument._meta.get_field("title").max_length


def case_document_add(*, user, case: Case, title: str, upload) -> CaseDocument:
    """Attach a document to the case. Its content must be what its name says (an HTML page named
    evil.html.pdf is refused): a document is opened by the next clerk who reads the case."""
    _check_township(user, case)
    refusal = document_refusal(upload)
    if refusal:
        raise ValidationError({"documents": [refusal]})
    title = (title or upload.name).strip()
    errors = FieldErrors()
    check_text(errors, "documents", title, max_length=TITLE_MAX)
    errors.raise_if_any()
    return CaseDocument.objects.create(case=case, title=title, file=upload, uploaded_by=user)


#: States whose income may be changed: while the case is being decided, or ahead of a re-check
#: (a household in gradual exit may be found eligible again: its income may fall back).
INCOME_STATES = (Case.State.DRAFT, *Case.PENDING_STATES, *Case.RECHECKED_STATES)
#: After the township's review the figures are the ones posted (审核确认办法 Art. 19, 7-day notice of
#: the township's opinion): changing them sends the case back for a new review and a new notice.
REVIEWED_STATES = (Case.State.REVIEWED, Case.State.NOTICE)


@transaction.atomic
def case_income_set(*, user, case: Case, income_items: list[IncomeInput], asset_items=None) -> Case:
    """Replace the household's income (and asset) items: while the case is being decided, or ahead of a
    re-check. A decision already made keeps its own frozen copy. Every change is recorded as a step
    naming its author, who cannot then alone make the decision that uses it (_check_income_changer).
    A change after the township's review sends the case back to "investigated": the public must see
    the figures that are decided, so it needs a new review (a new proposed amount) and a new notice."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_township(user, case)
    if case.state not in INCOME_STATES:
        raise ApplicationError(_("案件当前状态不能修改收入。"), code="state")
    member_ids = set(case.members.values_list("person_id", flat=True))
    errors = FieldErrors()
    income_rows = _income_rows(income_items, member_ids, errors)
    asset_rows = _asset_rows(asset_items, errors) if asset_items is not None else None
    errors.raise_if_any()
    before = _items(case)
    _replace(case, case.income_items, IncomeItem, income_rows)
    if asset_rows is not None:
        _replace(case, case.asset_items, AssetItem, asset_rows)
    if _items(case) == before:
        return case  # saved as it was (a clerk who opened the form and pressed 保存): nothing changed
    from_state, comment = case.state, ""
    if case.state in REVIEWED_STATES:
        case.state = Case.State.INVESTIGATED
        case.proposed_amount = case.reviewed_on = None
        case.notice_start = case.notice_end = None
        case.notice_backfilled = False
        case.save()
        comment = _("审核后修改收入，退回重新审核并公示。")
    _record(case, INCOME_CHANGE, from_state, case.state, user, timezone.localdate(), comment)
    return case


def _items(case: Case) -> tuple:
    """The case's income and asset items as values, in a stable order (to tell a change from a save)."""
    income = case.income_items.order_by("kind", "person_id", "monthly_amount", "note")
    assets = case.asset_items.order_by("kind", "value", "description")
    return (
        list(income.values_list("kind", "person_id", "monthly_amount", "note")),
        list(assets.values_list("kind", "value", "description")),
    )


def _record(case, action, from_state, to_state, user, on_date, comment="") -> Transition:
    return Transition.objects.create(
        case=case, action=action, from_state=from_state, to_state=to_state, user=user, on_date=on_date, comment=comment
    )


def _living_members(case: Case, on: date) -> list[CaseMember]:
    return [
        m
        for m in case.members.select_related("person").order_by("id")
        if m.person.date_of_death is None or m.person.date_of_death > on
    ]


def case_calculate(case: Case, on: date | None = None) -> Calculation:
    """The benefit the case would get on `on` from its current members and income items."""
    on = on or timezone.localdate()
    living = _living_members(case, on)
    covered = sum(1 for m in living if m.covered)
    return compute(case=case, members=len(living), covered=covered, income_items=list(case.income_items.all()), on=on)


@dataclass(frozen=True)
class DecidedMember:
    """A household member as the decision saw them (frozen in its snapshot)."""

    person_id: int
    name: str
    relation: str
    covered: bool


def decision_build(
    *,
    case: Case,
    calc: Calculation,
    user,
    on: date,
    members,
    income_items,
    method: str | None = None,
    imported: bool = False,
) -> Decision:
    """The decision on `case` from the calculation `calc`, unsaved, with its frozen snapshot: the
    one place a Decision is made (the workflow saves it; the demo data write theirs in bulk, and the
    case import writes the same values without an instance: decision_values).
    `members` are DecidedMember, `income_items` IncomeItem rows (saved or not).
    Paid from the month after `on`, temporary assistance from `on`'s month (Arts. 21, 25)."""
    values = decision_values(
        kind=case.kind, calc=calc, on=on, members=members, income_items=income_items, method=method, imported=imported
    )
    return Decision(case=case, decided_by=user, standard=calc.standard, **values)


def decision_values(*, kind: str, calc: Calculation, on: date, members, income_items, method=None, imported=False):
    """A decision's fields but its case, its user and its standard (decision_build's), by name."""
    snapshot = {
        "members": [{"id": m.person_id, "name": m.name, "relation": m.relation, "covered": m.covered} for m in members],
        "income": [
            {"kind": i.kind, "amount": str(i.monthly_amount), "counted": i.counts, "person": i.person_id}
            for i in income_items
        ],
        "steps": calc.steps,
    }
    if imported:
        snapshot["imported"] = True
    return {
        "decided_on": on,
        "pay_from": on.replace(day=1) if kind == Case.Kind.TEMPORARY else next_month_start(on),
        "standard_amount": calc.standard.amount if calc.standard else None,
        "method": calc.method if method is None else method,
        "household_size": calc.household_size,
        "counted_income": calc.counted_income,
        "per_capita_income": calc.per_capita_income,
        "per_member_amount": calc.per_member_amount,
        "covered_count": calc.covered_count,
        "amount": calc.amount,
        "snapshot": snapshot,
    }


def _freeze(case: Case, calc: Calculation, user, on: date) -> Decision:
    members = [DecidedMember(m.person_id, m.person.name, m.relation, m.covered) for m in _living_members(case, on)]
    decision = decision_build(
        case=case, calc=calc, user=user, on=on, members=members, income_items=case.income_items.all()
    )
    decision.save(force_insert=True)
    return decision


#: The words a profile's title ends with, typed before a name with or without a space
#: ("洪濑镇经办人 陈志明", "局业务人员 王丽", "洪濑镇协理员黄秀英").
TITLE_ENDINGS = ("经办人", "协理员", "业务人员", "工作人员", "干部", "专干", "主任", "书记", "领导", "同志")
_NAME_SEPARATORS = ("，", ",", "；", ";", "/", "／", "\n", "\r", "\t")


def _normal(text: str) -> str:
    """A name as compared: NFKC (full-width letters and spaces become plain), case-folded, without
    bracketed remarks ("陈志明（组长）"), invisible format characters (zero-width spaces) or any
    spaces at all ("陈 志明" is 陈志明)."""
    text = _REMARKS.sub("", unicodedata.normalize("NFKC", text or "")).casefold()
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


_REMARKS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def _is_title(token: str) -> bool:
    """A title such as 洪濑镇经办人 or 局业务人员 (a place or office, then a title word); 王主任 is a person."""
    return any(token.endswith(ending) and len(token) - len(ending) >= 2 for ending in TITLE_ENDINGS)


def _investigator_names(text: str) -> list[str]:
    """The investigators as typed, one entry per person: separated by 、，,；; / or spaces, except that a
    title and the name after it ("洪濑镇经办人 陈志明") are one person, and so are the pieces of a name
    typed with a space inside it ("陈 志明": a one-character piece is never a person of its own)."""
    text = unicodedata.normalize("NFKC", text or "")
    for sep in _NAME_SEPARATORS:
        text = text.replace(sep, "、")
    names = []
    for part in text.split("、"):
        title, pending = "", ""
        for token in part.split():
            if _is_title(token) and not title and not pending:
                title = token
                continue
            token = f"{pending} {token}" if pending else token
            if len(_normal(token)) < 2:
                pending = token  # a surname typed apart from the given name
                continue
            names.append(f"{title} {token}".strip())
            title, pending = "", ""
        if title or pending:
            names.append(f"{title} {pending}".strip())
    return names


def _name_keys(text: str) -> set[str]:
    """The forms a person's name is matched by: as written (normalised) and without a title in front
    of it ("洪濑镇经办人 陈志明" → 陈志明)."""
    name = _normal(text)
    if not name:
        return set()
    untitled = [_normal(text.split()[-1])] if text.split() else []
    for ending in TITLE_ENDINGS:
        cut = name.rfind(ending)
        if cut >= 0:
            untitled.append(name[cut + len(ending) :])
    # a name left without its title has at least two characters (a Chinese name does)
    return {name, *(n for n in untitled if len(n) >= 2)}


def _user_keys(user) -> set[str]:
    """Every form under which a user may be named: the username, the profile's full name (with and
    without its title) and family name + given name written the Chinese way."""
    keys = {_normal(user.username)}
    keys |= _name_keys(user.get_full_name())
    keys |= _name_keys(f"{user.last_name}{user.first_name}")
    return {k for k in keys if k}


def _names_user(entry: str, keys: set[str]) -> bool:
    """Whether a typed investigator names the user: one of the user's names is the entry, or is in it
    with words around it ("陈志明同志", "组长陈志明"). A name in a longer one (王丽 in 王丽华) also
    counts: refusing a confirmation someone else can give is the safe side of 审核与调查分离."""
    typed = _name_keys(entry)
    if typed & keys:
        return True
    entry_text = _normal(entry)
    return any(len(key) >= 2 and key in entry_text for key in keys)


def _named_in(user, investigators: str) -> str | None:
    """The entry of `investigators` that names this user, if any."""
    keys = _user_keys(user)
    return next((name for name in _investigator_names(investigators) if _names_user(name, keys)), None)


def _investigator_accounts(case: Case, names: list[str]) -> list:
    """The user accounts the typed investigators name, among those who could act on the case (its
    township's users and the city's): a common name may tie two accounts, and both are kept apart
    from confirming it (the safe side of 审核与调查分离)."""
    if not names:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(township_id=case.township_id) | Q(township__isnull=True))
    )
    return [
        u
        for u in users.only("id", "username", "first_name", "last_name")
        if any(_names_user(name, _user_keys(u)) for name in names)
    ]


def _check_maker_checker(case: Case, user) -> None:
    """审核与调查分离, on identities the system knows: the user who recorded an investigation or the
    township's opinion on this case, and every user account named as an investigator on it (linked
    when the investigation was recorded), can never confirm it; the typed names are also compared with
    this user's names, normalised (the full profile name, the name without its title, the username)."""
    recorded = set(
        case.transitions.filter(user=user, action__in=("investigate", "complete_paperwork", "review")).values_list(
            "action", flat=True
        )
    )
    if recorded & {"investigate", "complete_paperwork"} or case.investigated_by_id == user.pk:
        message = _("您登记了该案件的入户调查，不能审核确认（审核与调查分离），请由其他经办人确认。")
    elif "review" in recorded:
        message = _("您填写了该案件的乡镇审核意见，不能审核确认（审核与调查分离），请由其他经办人确认。")
    elif case.investigator_accounts.filter(pk=user.pk).exists():
        message = _("您是该案件的调查人员，不能审核确认（审核与调查分离），请由其他经办人确认。")
    elif name := _named_in(user, case.investigators):
        message = _("调查人员“%(name)s”即是您本人，不能审核确认（审核与调查分离），请由其他经办人确认。") % {
            "name": name
        }
    else:
        return
    raise ApplicationError(message, code="maker_checker")


@transaction.atomic
def case_transition(*, user, case: Case, action: str, on_date: date | None = None, comment: str = "", **data) -> Case:
    """Apply a workflow action. Raises ApplicationError (or ValidationError) and changes nothing when
    the action is not allowed now, not allowed to this user, or its data are incomplete."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise ApplicationError(_("未知的操作：%(a)s") % {"a": action}, code="unknown_action")
    unused = sorted(set(data) - set(spec.fields))
    if unused:
        raise ValidationError({field: [_("「%(a)s」不使用此项，请去掉。") % {"a": spec.label}] for field in unused})
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_township(user, case)
    if not user.has_perm(spec.permission):
        raise ApplicationError(
            _("您没有「%(a)s」的权限。") % {"a": spec.label}, code="permission_denied", extra={"status": 403}
        )
    if not action_applies(spec, case):
        raise ApplicationError(
            _("案件状态为「%(s)s」，不能「%(a)s」。") % {"s": case.get_state_display(), "a": spec.label},
            code="illegal_transition",
        )
    today = timezone.localdate()
    on = on_date or today
    if on > today:
        raise ValidationError({"on_date": [_("办理日期不能晚于今天。")]})
    floor = case.accepted_on or case.applied_on
    if on < floor:
        raise ValidationError({"on_date": [_("办理日期不能早于 %(d)s。") % {"d": floor.isoformat()}]})
    previous = _previous_step(case)
    if previous is not None and on < previous.on_date:
        raise ValidationError(
            {
                "on_date": [
                    _("办理日期不能早于上一步「%(a)s」的日期 %(d)s。")
                    % {"a": previous.action_label, "d": previous.on_date.isoformat()}
                ]
            }
        )
    from_state = case.state
    comment = (comment or "").strip()
    errors = FieldErrors()
    check_text(errors, "comment", comment, max_length=REASON_MAX)
    errors.raise_if_any()
    handler = _HANDLERS[action]
    handler(case, user=user, on=on, comment=comment, **data)
    if spec.target is not None:
        case.state = spec.target
    case.save()
    _record(case, action, from_state, case.state, user, on, comment)
    return case


#: The steps a later step follows, in date order: the workflow's actions but an extension (a
#: deadline's event, not a step of the decision). An income change is dated the day it is entered,
#: not the day the paper file says: a clerk keying in a file's earlier steps after fixing its income
#: must still give them their own dates. Events dated by the world (a death, a payment, the import
#: of an old ledger) are not steps either.
_ORDERED_STEPS = tuple(code for code in ACTIONS if code != "extend")


def _previous_step(case: Case) -> Transition | None:
    """The case's latest-dated step: a step is dated no earlier than the one it follows (a notice not
    before the review, a confirmation not before the notice, a re-check not before the last
    decision), so that the decision in force is always the latest one."""
    return case.transitions.filter(action__in=_ORDERED_STEPS).order_by("-on_date", "-id").first()


def _blank(value) -> bool:
    return value in (None, "", [])


def _require(value, field: str, message: str):
    if _blank(value):
        raise ValidationError({field: [message]})
    return value


def _reason(value, field: str, message: str) -> str:
    """A required reason, whole: refused (never cut) past core.limits.REASON_MAX."""
    value = _require((value or "").strip(), field, message)
    errors = FieldErrors()
    check_text(errors, field, value, max_length=REASON_MAX)
    errors.raise_if_any()
    return value


def _accept(case, *, user, on, comment):
    case.accepted_on = on
    case.investigation_due = add_working_days(on, INVESTIGATION_DAYS)
    case.limit_days = DEFAULT_LIMIT_DAYS
    case.decision_due = add_working_days(on, case.limit_days)


def _investigate(case, *, user, on, comment, investigators: str = "", verification: str = "", income_items=None,
                 asset_items=None, note: str = ""):  # fmt: skip
    names = _investigator_names(investigators)
    errors = FieldErrors()
    if len(names) < 2:
        errors.add("investigators", _("入户调查至少需要两名调查人员。"))
    else:
        check_text(errors, "investigators", "、".join(names), max_length=INVESTIGATORS_MAX)
    note = (note or "").strip()
    check_text(errors, "note", note, max_length=REASON_MAX)
    if verification not in (Case.Verification.PASSED, Case.Verification.FAILED):
        errors.add("verification", _("请填写经济状况核对结果。"))
    income_rows = asset_rows = None
    if income_items is not None:
        income_rows = _income_rows(income_items, set(case.members.values_list("person_id", flat=True)), errors)
    if asset_items is not None:
        asset_rows = _asset_rows(asset_items, errors)
    errors.raise_if_any()
    if income_rows is not None:
        _replace(case, case.income_items, IncomeItem, income_rows)
    if asset_rows is not None:
        _replace(case, case.asset_items, AssetItem, asset_rows)
    case.investigators = "、".join(names)
    case.investigator_accounts.add(*_investigator_accounts(case, names))
    case.investigated_by = user
    case.investigated_on = on
    case.verification = verification
    case.investigation_note = note or comment


def _complete_paperwork(case, *, user, on, comment, **data):
    _investigate(case, user=user, on=on, comment=comment, **data)
    case.paperwork_pending = False


def _review(case, *, user, on, comment, opinion: str = ""):
    case.opinion = _reason(opinion or comment, "opinion", _("请填写乡镇审核意见。"))
    calc = case_calculate(case, on)
    case.proposed_amount = calc.amount
    case.reviewed_on = on


def _publish_notice(case, *, user, on, comment):
    case.notice_start = on
    case.notice_end = on + timedelta(days=NOTICE_DAYS - 1)


def _object(case, *, user, on, comment, content: str = ""):
    content = _reason(content or comment, "content", _("请填写异议内容。"))
    Objection.objects.create(case=case, received_on=on, content=content, recorded_by=user)
    # 审核确认办法 Art. 19: an objection leads to a new investigation.
    case.investigated_on = case.investigated_by = None
    case.investigators, case.verification = "", Case.Verification.PENDING
    case.notice_start = case.notice_end = None
    case.proposed_amount = None


#: The steps that make a decision: income changed before the latest of them is in a decision already.
_DECISIONS = ("confirm", "emergency_confirm", "recheck", "import")


def _check_income_changer(case: Case, user) -> None:
    """审核与调查分离 for the income: whoever changed the household's income since the last decision
    does not alone decide from it (a confirmation, or a re-check of a paid case)."""
    steps = case.transitions.all()
    last = steps.filter(action__in=_DECISIONS).order_by("-id").values_list("id", flat=True).first()
    if last is not None:
        steps = steps.filter(id__gt=last)
    if steps.filter(action=INCOME_CHANGE, user=user).exists():
        raise ApplicationError(
            _("您修改了该案件的收入，不能据此作出决定（审核与调查分离），请由其他经办人办理。"), code="maker_checker"
        )


def _decide(case, *, user, on, comment, recheck_months=None):
    _check_income_changer(case, user)
    calc = case_calculate(case, on)
    if not calc.eligible:
        raise ApplicationError(
            _("按现有收入计算不符合条件，不能确认：%(why)s") % {"why": calc.steps[-1]}, code="not_eligible"
        )
    decision = _freeze(case, calc, user, on)
    case.decision = decision
    case.decided_on = on
    if recheck_months in (6, 12):
        case.recheck_months = recheck_months
    if case.kind != Case.Kind.TEMPORARY:
        case.next_recheck = add_months(on, case.recheck_months)
    case.recheck_reason = ""
    return decision


def _notice_backfilled(case: Case, comment: str) -> bool:
    """Art. 19's 7-day notice, on the system's clock: a notice entered in the system less than 7 days
    before its confirmation (its stated dates back-dated: data entry lags the paper) may be
    confirmed with a reason, the confirmation's comment, and the case goes on the 公示期补录 list.
    Counted in days as the notice is: one entered on day D has run its 7 days on D+7, whatever the hour."""
    notice = case.transitions.filter(action="publish_notice").order_by("-entered_at", "-id").first()
    if notice is None:
        return False
    entered_on = timezone.localdate(notice.entered_at)
    if timezone.localdate() >= entered_on + timedelta(days=NOTICE_DAYS):
        return False
    if len((comment or "").strip()) < BACKFILL_REASON_MIN:
        entered = timezone.localtime(notice.entered_at)
        raise ValidationError(
            {
                "comment": [
                    _(
                        "公示于 %(at)s 才录入系统，至今不足 %(days)d 天（公示期补录）。请在说明中写明原因"
                        "（如纸质公示的张贴日期）；确认后案件列入公示期补录名单，供局领导和局业务人员查阅。"
                    )
                    % {"at": f"{entered:%Y-%m-%d %H:%M}", "days": NOTICE_DAYS}
                ]
            }
        )
    return True


def _confirm(case, *, user, on, comment, recheck_months=None):
    _check_maker_checker(case, user)
    _check_not_accepted_by(case, user, _("您登记或受理了该申请，不能审核确认（受理与审批分离），请由其他经办人确认。"))
    if case.notice_end is None or on <= case.notice_end:
        raise ApplicationError(
            _("公示期（%(days)d 天）至 %(end)s 结束，期满后才能确认。")
            % {"days": NOTICE_DAYS, "end": case.notice_end.isoformat() if case.notice_end else "—"},
            code="notice_running",
        )
    if case.verification != Case.Verification.PASSED:
        raise ApplicationError(_("经济状况核对未通过，不能确认。"), code="verification")
    case.notice_backfilled = _notice_backfilled(case, comment)
    # Art. 19: what is confirmed is what was posted. An income change after the review sends the
    # case back for a new review and notice (case_income_set); a new standard in force by the
    # confirmation applies to the household as to every other (the amount is the day's).
    _decide(case, user=user, on=on, comment=comment, recheck_months=recheck_months)


def _check_not_accepted_by(case: Case, user, message) -> None:
    """申请受理与审批分离: whoever entered or accepted the application does not decide it."""
    if case.transitions.filter(user=user, action__in=("create", "accept")).exists():
        raise ApplicationError(message, code="maker_checker")


def _emergency_confirm(case, *, user, on, comment):
    """先行救助 skips the investigation and the notice, not the second pair of eyes: whoever entered
    or accepted the application does not decide it (申请受理与审批分离)."""
    _require(comment, "comment", _("请说明先行救助的紧急情况。"))
    _check_not_accepted_by(
        case, user, _("您登记或受理了该申请，不能先行救助确认（受理与审批分离），请由其他经办人确认。")
    )
    _decide(case, user=user, on=on, comment=comment)
    case.paperwork_pending = True


def _refuse(case, *, user, on, comment):
    case.refusal_reason = _require(comment, "comment", _("不予认定必须填写理由。"))
    case.decided_on = on
    case.ended_on = on


def _extend(case, *, user, on, comment):
    _require(comment, "comment", _("延长办理期限必须说明理由。"))
    if case.limit_days >= EXTENDED_LIMIT_DAYS:
        raise ApplicationError(_("办理期限已延长至 %(d)d 个工作日，不能再延长。") % {"d": EXTENDED_LIMIT_DAYS})
    case.limit_days = EXTENDED_LIMIT_DAYS
    case.extension_reason = comment
    case.decision_due = add_working_days(case.accepted_on, case.limit_days)


def _recheck(case, *, user, on, comment, recheck_months=None):
    """A periodic re-check re-decides from the current members and income; the old decision stays
    with the payments already made from it."""
    calc = case_calculate(case, on)
    if not calc.eligible:
        raise ApplicationError(
            _("核查后不再符合条件：%(why)s。请选择渐退或终止。") % {"why": calc.steps[-1]}, code="not_eligible"
        )
    _decide(case, user=user, on=on, comment=comment, recheck_months=recheck_months)
    if case.state == Case.State.GRADUAL_EXIT:
        # 渐退 (2022 notice) is for a household no longer eligible: found eligible again, it is paid
        # in full from the new decision, with no exit date.
        case.state = Case.State.ACTIVE
        case.exit_until = None
        case.end_reason = ""


def _suspend(case, *, user, on, comment):
    case.end_reason = _require(comment, "comment", _("暂停发放必须说明原因。"))


def _resume(case, *, user, on, comment):
    case.end_reason = ""


def _gradual_exit(case, *, user, on, comment, exit_until: date | None = None):
    errors = FieldErrors()
    if _blank(comment):
        errors.add("comment", _("渐退必须说明原因（如收入已超过低保标准）。"))
    if _blank(exit_until):
        errors.add("exit_until", _("请填写渐退截止日期。"))
    elif exit_until <= on or exit_until > add_months(on, GRADUAL_EXIT_MONTHS):
        errors.add(
            "exit_until",
            _("渐退期最长 %(m)d 个月（至 %(d)s）。") % {"m": GRADUAL_EXIT_MONTHS, "d": add_months(on, 6)},
        )
    errors.raise_if_any()
    case.exit_until = exit_until
    case.end_reason = comment


def _end(case, *, user, on, comment):
    case.end_reason = _require(comment, "comment", _("终止必须说明原因。"))
    case.ended_on = on
    case.next_recheck = None


_HANDLERS = {
    "accept": _accept,
    "investigate": _investigate,
    "complete_paperwork": _complete_paperwork,
    "review": _review,
    "publish_notice": _publish_notice,
    "object": _object,
    "confirm": _confirm,
    "emergency_confirm": _emergency_confirm,
    "refuse": _refuse,
    "extend": _extend,
    "recheck": _recheck,
    "suspend": _suspend,
    "resume": _resume,
    "gradual_exit": _gradual_exit,
    "end": _end,
}


def on_people_died(sender, *, deaths, user=None, source="", **kwargs) -> None:
    """core.events.people_died: flag every open case each person is a member of for a re-check
    within 3 months; the payroll leaves the person's share out from the month after the death.
    Three queries for any number of deaths: the memberships with their cases, one UPDATE of the
    cases, one INSERT of their "member_died" steps."""
    dated = [(person, died) for person, died in deaths if died is not None]
    if not dated:
        return
    memberships: dict[int, list[int]] = {}
    cases: dict[int, Case] = {}
    for member in CaseMember.objects.filter(
        person_id__in=[person.pk for person, _died in dated], case__state__in=Case.OPEN_STATES
    ).select_related("case"):
        memberships.setdefault(member.person_id, []).append(member.case_id)
        cases.setdefault(member.case_id, member.case)
    now, steps, changed = timezone.now(), [], {}
    for person, died in dated:  # in order: a case two members of which died ends with the last one's reason
        due = add_months(died, DEATH_RECHECK_MONTHS)
        for case_id in memberships.get(person.pk, ()):
            case = cases[case_id]
            if case.next_recheck is None or case.next_recheck > due:
                case.next_recheck = due
            case.recheck_reason = _("成员 %(name)s 于 %(date)s 死亡") % {"name": person.name, "date": died}
            case.updated_at = now
            changed[case_id] = case
            steps.append(
                Transition(
                    case=case, action="member_died", from_state=case.state, to_state=case.state, user=user,
                    on_date=died, comment=case.recheck_reason,
                )
            )  # fmt: skip
    bulk_update(Case, list(changed.values()), ["next_recheck", "recheck_reason", "updated_at"])
    Transition.objects.bulk_create(steps, batch_size=2000)
