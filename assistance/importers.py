"""The bureau's current spreadsheet of active cases, one row per case, taken over as active cases
with their decision frozen as the sheet states it. People and households come first (the core
"people" import); every bad row is named and one bad row saves nothing (core/imports.py)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.calculation import Calculation, StandardsInForce
from assistance.models import Case, CaseMember, Decision, Standard, Transition
from assistance.models.standards import STANDARD_MONEY_MAX
from assistance.services.cases import (
    DecidedMember,
    add_months,
    decision_values,
    duplicate_membership_error,
    open_cases_of,
)
from core.bulk import bulk_insert_values, bulk_update, check_keys_now, reserve_ids
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.imports import Column, Importer, RowError, check_whole_file, register
from core.jurisdiction import user_can_act_in
from core.limits import check_date
from core.models import HouseholdMember, Person
from core.roles import IMPORT_DATA

COLUMNS = [
    Column("类别", "kind", required=True, help="最低生活保障（低保）、特困供养（特困）、低保边缘家庭"),
    Column("细类", "subtype", help="特困填：集中供养 或 分散供养"),
    Column("申请人身份证号", "id_number", required=True, text=True, help="须已登记在系统的家庭中（先导入人员与家庭）"),
    Column("保障人数", "covered", required=True, help="低保：家庭在世人数；特困：1"),
    Column("月发放金额（元）", "amount", required=True, help="低保边缘家庭填 0"),
    Column("认定日期", "decided_on", required=True, help="如 2024-03-15"),
    Column("银行账号", "bank_account", text=True),
    Column("核查周期（月）", "recheck_months", help="12 或 6，默认 12"),
    Column("下次核查日期", "next_recheck", help="留空则为认定日期起按周期推算"),
    Column("生活自理能力", "self_care", help="特困分散供养填：生活自理、部分丧失、完全丧失"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
_KINDS = {
    "最低生活保障": Case.Kind.DIBAO,
    "低保": Case.Kind.DIBAO,
    "特困供养": Case.Kind.TEKUN,
    "特困": Case.Kind.TEKUN,
    "低保边缘家庭": Case.Kind.EDGE,
    "低保边缘": Case.Kind.EDGE,
}
_SUBTYPES = {
    "集中供养": Case.Subtype.CENTRALISED,
    "集中": Case.Subtype.CENTRALISED,
    "分散供养": Case.Subtype.DISPERSED,
    "分散": Case.Subtype.DISPERSED,
}
_SELF_CARE = {
    "生活自理": Case.SelfCare.ABLE,
    "自理": Case.SelfCare.ABLE,
    "部分丧失": Case.SelfCare.PARTLY,
    "部分丧失生活自理能力": Case.SelfCare.PARTLY,
    "完全丧失": Case.SelfCare.FULLY,
    "完全丧失生活自理能力": Case.SelfCare.FULLY,
}


def _date(text: str) -> date | None:
    text = (text or "").strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


class _Applicant(NamedTuple):
    """The applicant and, if registered, the household (its township and village)."""

    pk: int
    name: str
    date_of_death: date | None
    household_id: int | None
    township_id: str | None
    village_id: str | None


class _Member(NamedTuple):
    person_id: int
    relation: str
    name: str
    date_of_death: date | None


#: The rows checked before they are handed to the writer (core.imports._Writer) as one chunk.
CHECK_CHUNK = 2_000


def check_cases(rows, *, user, chunk: int = CHECK_CHUNK):
    """Every row against the registry and the open cases, read for the whole file before the first
    chunk (the number of queries does not grow with the rows); yields (rows checked, prepared,
    errors) every `chunk` rows."""
    errors: list[RowError] = []
    prepared = []
    numbers = [normalize_id_number(r.values.get("id_number") or "") for r in rows]
    # Plain values, not model instances: 10,000 rows name some 40,000 people.
    people = {
        number: _Applicant(*values)
        for number, *values in Person.objects.for_user(user)
        .filter(id_number__any_of=[n for n in numbers if n])
        .values_list("id_number", "pk", "name", "date_of_death", "membership__household_id",
                     "membership__household__township_id", "membership__household__village_id")
    }  # fmt: skip
    household_ids = {p.household_id for p in people.values() if p.household_id}
    members_by_household: dict[int, list[_Member]] = {}
    for household_id, *values in (
        HouseholdMember.objects.filter(household_id__any_of=household_ids)
        .order_by("id")
        .values_list("household_id", "person_id", "relation", "person__name", "person__date_of_death")
    ):
        members_by_household.setdefault(household_id, []).append(_Member(*values))
    # Every rule reads what it needs for the whole file at once: the number of queries does not
    # grow with the rows (issue 14).
    open_members = open_cases_of(
        m.person_id for members in members_by_household.values() for m in members if m.date_of_death is None
    )
    seen_households: dict[int, int] = {}
    today = timezone.localdate()  # once for the file (it was 0.4 s of 10,000 rows)

    for n, row in enumerate(rows, start=1):
        v = row.values
        row_errors: list[RowError] = []

        def err(key, message, _row=row, _errs=row_errors):
            _errs.append(RowError(_row.number, _BY_KEY[key].header, message))

        kind = _KINDS.get((v.get("kind") or "").strip())
        if kind is None:
            err("kind", _("类别应为：最低生活保障、特困供养或低保边缘家庭。"))
        subtype = _SUBTYPES.get((v.get("subtype") or "").strip(), "")
        if kind == Case.Kind.TEKUN and not subtype:
            err("subtype", _("特困请填写集中供养或分散供养。"))
        if kind != Case.Kind.TEKUN and v.get("subtype"):
            err("subtype", _("只有特困有细类。"))
        self_care = _SELF_CARE.get((v.get("self_care") or "").strip(), "")
        if v.get("self_care") and not self_care:
            err("self_care", _("生活自理能力应为：生活自理、部分丧失或完全丧失。"))
        number = normalize_id_number(v.get("id_number") or "")
        person = people.get(number)
        household = None
        if person is None:
            err("id_number", _("本辖区没有此身份证号的人员，请先导入人员与家庭。"))
        elif person.household_id is None:
            err("id_number", _("%(name)s 尚未登记家庭。") % {"name": person.name})
        elif not user_can_act_in(user, person.township_id):
            err("id_number", _("只能导入本乡镇（街道）的案件。"))
        else:
            household = person.household_id
            if person.date_of_death:
                err("id_number", _("%(name)s 已登记死亡。") % {"name": person.name})
        living = []
        if household is not None:
            living = [m for m in members_by_household.get(household, []) if m.date_of_death is None]
            if household in seen_households:
                err("id_number", _("与第 %(r)d 行是同一家庭。") % {"r": seen_households[household]})
            else:
                seen_households[household] = row.number
            if kind in Case.EXCLUSIVE_KINDS:
                existing = next((open_members[m.person_id] for m in living if m.person_id in open_members), None)
                if existing:  # the application's own words, the case named only within the user's area
                    err("id_number", duplicate_membership_error(existing, user=user).message)
        try:
            covered = int(v.get("covered") or "")
        except ValueError:
            covered = None
            err("covered", _("保障人数应为整数。"))
        expected = 1 if kind == Case.Kind.TEKUN else len(living)
        if covered is not None and household is not None and kind is not None and covered != expected:
            err("covered", _("保障人数应为 %(n)d（家庭在世人数；特困为 1）。") % {"n": expected})
        try:
            amount = Decimal((v.get("amount") or "").replace(",", ""))
            if not amount.is_finite():  # "NaN", "Infinity" parse as Decimals
                raise InvalidOperation
            amount = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            amount = None
            err("amount", _("金额格式不正确。"))
        if amount is not None and (amount < 0 or (amount == 0 and kind != Case.Kind.EDGE)):
            err("amount", _("金额应大于 0（低保边缘家庭填 0）。"))
            amount = None
        per_member = None
        if amount is not None and covered:
            per_member = (amount / covered).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if per_member * covered != amount:
                err("amount", _("月发放金额应为每人金额 × 保障人数。"))
            elif per_member > STANDARD_MONEY_MAX:
                # No one is paid more a month than the highest standard the system accepts.
                err(
                    "amount",
                    _("每人每月金额 %(a)s 元超过上限 %(m)s 元，请核对。") % {"a": per_member, "m": STANDARD_MONEY_MAX},
                )
        decided_on = _date(v.get("decided_on") or "")
        if decided_on is None:
            err("decided_on", _("日期格式应为 2024-03-15。"))
        months = (v.get("recheck_months") or "12").strip()
        if months not in ("12", "6"):
            err("recheck_months", _("核查周期应为 12 或 6。"))
        next_recheck = _date(v.get("next_recheck") or "") if v.get("next_recheck") else None
        if v.get("next_recheck") and next_recheck is None:
            err("next_recheck", _("日期格式应为 2025-03-15。"))
        # The same date window as the forms and the database constraints (core.limits).
        out_of_range = FieldErrors()
        check_date(out_of_range, "decided_on", decided_on, not_after_today=True, today=today)
        check_date(out_of_range, "next_recheck", next_recheck)
        for field, messages in out_of_range.items():
            for message in messages:
                err(field, message)
        errors.extend(row_errors)
        if not row_errors:
            prepared.append(
                {
                    "kind": kind,
                    "subtype": subtype,
                    "self_care": self_care,
                    "person": person,
                    "living": living,
                    "covered": covered,
                    "amount": amount,
                    "per_member": per_member,
                    "decided_on": decided_on,
                    "bank_account": (v.get("bank_account") or "").strip(),
                    "recheck_months": int(months),
                    "next_recheck": next_recheck,
                }
            )
        if n % chunk == 0:
            yield n, prepared, errors
            prepared, errors = [], []
    if prepared or errors or len(rows) % chunk:
        yield len(rows), prepared, errors


def validate_cases(rows, *, user, progress):
    """The whole file checked (check_cases): (prepared, errors)."""
    return check_whole_file(check_cases, rows, user=user, progress=progress)


#: The case columns the import writes, in the order of its rows (core.bulk.bulk_insert_values).
CASE_VALUES = ["kind", "subtype", "self_care", "state", "household_id", "applicant_id", "township_id", "village_id",
               "bank_account", "applied_on", "decided_on", "recheck_months", "next_recheck", "reason", "created_by_id",
               "decision_id"]  # fmt: skip


#: A decision's own fields, as decision_values names them (the case, the user and the standard go first).
DECISION_FIELDS = ["decided_on", "pay_from", "standard_amount", "method", "household_size", "counted_income",
                   "per_capita_income", "per_member_amount", "covered_count", "amount", "snapshot"]  # fmt: skip


def save_cases(prepared, *, user) -> int:
    """All the prepared rows at once (write_cases)."""
    return write_cases(prepared, user=user, state={})


def write_cases(prepared, *, user, state: dict) -> int:
    """One chunk of cases, each active with its members, its decision frozen as the sheet states it
    and its transition; the chunk's foreign keys are checked at once (core.bulk.check_keys_now)."""
    if not prepared:
        return 0
    if "standards" not in state:
        state.update(today=timezone.localdate(), standards=StandardsInForce(Standard.Kind.DIBAO))
    today, standards = state["today"], state["standards"]
    reason = _("从原台账导入")
    # Each case points at its decision and each decision at its case: with the decisions' ids taken
    # first, both are written once (on SQLite, where they cannot be, one UPDATE links them after).
    decision_ids = reserve_ids(Decision, len(prepared)) or [None] * len(prepared)
    # Plain values, not model instances (10,000 cases), COPYed with ids from the sequences (core.bulk).
    rows = [
        (p["kind"], p["subtype"], p["self_care"], Case.State.ACTIVE, p["person"].household_id, p["person"].pk,
         p["person"].township_id, p["person"].village_id, p["bank_account"], p["decided_on"], p["decided_on"],
         p["recheck_months"], p["next_recheck"] or add_months(p["decided_on"], p["recheck_months"]), reason, user.pk,
         decision_id)
        for p, decision_id in zip(prepared, decision_ids, strict=True)
    ]  # fmt: skip
    case_ids = bulk_insert_values(Case, CASE_VALUES, rows, user=user, reason=reason)
    members, decisions = [], []
    step_text = _("从原台账导入：每人每月 %(pm)s 元 × 保障 %(n)d 人 = %(amt)s 元")
    for case_id, p in zip(case_ids, prepared, strict=True):
        decided = []
        for m in p["living"]:
            covered = m.person_id == p["person"].pk if p["kind"] == Case.Kind.TEKUN else True
            members.append((case_id, m.person_id, m.relation, covered))
            decided.append(DecidedMember(m.person_id, m.name, m.relation, covered))
        step = step_text % {"pm": p["per_member"], "n": p["covered"], "amt": p["amount"]}
        # The sheet's amounts as they stand: no income counted, the dibao standard then in force.
        calc = Calculation(
            kind=p["kind"],
            standard=standards.on(p["decided_on"]),
            household_size=len(p["living"]),
            covered_count=p["covered"],
            counted_income=Decimal("0"),
            per_capita_income=Decimal("0"),
            per_member_amount=p["per_member"],
            amount=p["amount"],
            eligible=True,
            steps=[step],
        )
        values = decision_values(
            kind=p["kind"], calc=calc, on=p["decided_on"], members=decided, income_items=[], method="imported",
            imported=True,
        )  # fmt: skip
        decisions.append((case_id, user.pk, calc.standard.pk if calc.standard else None,
                          *(values[name] for name in DECISION_FIELDS)))  # fmt: skip
    bulk_insert_values(CaseMember, ["case_id", "person_id", "relation", "covered"], members, user=user)
    taken = bulk_insert_values(Decision, ["case_id", "decided_by_id", "standard_id", *DECISION_FIELDS], decisions,
                               user=user, ids=decision_ids if decision_ids[0] is not None else None)  # fmt: skip
    bulk_insert_values(
        Transition,
        ["case_id", "action", "from_state", "to_state", "on_date", "user_id", "comment"],
        [(case_id, "import", Case.State.DRAFT, Case.State.ACTIVE, today, user.pk, reason) for case_id in case_ids],
        user=user,
    )
    if case_ids and decision_ids[0] is None:  # SQLite: the decisions' ids are known only now
        bulk_update(Case, [Case(pk=c, decision_id=d) for c, d in zip(case_ids, taken, strict=True)], ["decision"])
    check_keys_now()
    return len(case_ids)


CASES_IMPORTER = register(
    Importer(
        kind="assistance-cases",
        label="在保救助对象（原台账）",
        columns=COLUMNS,
        permission=IMPORT_DATA,
        done_url="assistance:case_list",
        validate=validate_cases,
        save=save_cases,
        check=check_cases,
        write=write_cases,
        write_end=lambda *, user, state: 0,  # every case is written with its chunk
        example=[
            # the applicant is whoever is in the registry: no made-up ID a clerk could take for one
            [
                "最低生活保障",
                "",
                "（系统中已登记的申请人身份证号）",
                "3",
                "1725",
                "2024-03-15",
                "6228480000000000001",
                "12",
                "",
                "",
            ]
        ],
        notes=[
            "每行一个在保案件；申请人及其家庭须已在系统中（先用“人员与家庭”导入）。",
            "导入后案件为“在保”，认定结果按表中金额冻结，次月起纳入月度发放。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)
