"""Demo data for social assistance (called by `seed_demo` after core's households and people).

- Standards: the plan's 2020 rows (ensure_plan_standards) and yearly demo rows after them (dibao,
  the tekun standards kept in the plan's ratio to dibao, the local minimum wage for indicator 1, the
  temporary-assistance multiple); the 2025 public holidays of China as the working-day calendar.
- Cases: about 12 % of households in an active case (dibao ~75 %, tekun ~12 % — mostly old people
  living alone, 1/3 centralised — edge families ~8 %, temporary assistance ~5 %), confirmed over
  2020 to today and re-checked every 12 (or 6) months since, as the services would have done it;
  a few suspended, in gradual exit, ended or refused; pending cases in every township (more in
  洪濑镇, the demo officer's), accepted in the last 40 days so the queue shows every deadline badge.
- Vagrant rescue records 2020 to today (indicator 9), and the assistance payroll of the last two
  months built and approved through the payment engine (maker-checker: two demo users).

The rows are what the services write (members, income items, a frozen Decision from the real
arithmetic of assistance/calculation.py made by the services' own `decision_build`, one Transition
per step), written in bulk: the services
one case at a time would take hours for the 60,000 cases of the city-scale data set.

Idempotent: a household that has a case is never given another, so a second run adds nothing and a
larger --scale adds cases for the new households. Deterministic: a household's fate depends on its
id only."""

import bisect
import csv
import datetime
import io
import json
import random
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from assistance import calculation
from assistance.models import Case, CaseMember, Decision, Holiday, IncomeItem, Rescue, Standard, Transition
from assistance.services.cases import (
    DEFAULT_LIMIT_DAYS,
    EXTENDED_LIMIT_DAYS,
    INVESTIGATION_DAYS,
    NOTICE_DAYS,
    DecidedMember,
    add_months,
    decision_build,
    next_month_start,
)
from assistance.services.standards import ensure_plan_standards
from assistance.workdays import add_working_days, is_workday
from core.bulk import given_timestamps
from core.models import Division, Household, HouseholdMember, Person, User

DEMO_NOTE = "演示数据"
HONGLAI = "350583113"  # 洪濑镇: the demo township officer's
SHUITOU = "350583119"  # 水头镇: the second demo officer's
FIRST_DAY = datetime.date(2020, 1, 2)

#: Demo standards after the plan's 2020 rows. Dibao as the brief of the demo gives it; tekun kept in
#: the plan's 2020 ratio to dibao (940, 780 and 826 to 775).
DIBAO_DEMO = {2021: 800, 2022: 830, 2023: 860, 2024: 890, 2025: 920}
TEKUN_RATIO = {
    Standard.Kind.TEKUN_CENTRALISED: Decimal(940) / Decimal(775),
    Standard.Kind.TEKUN_DISPERSED: Decimal(780) / Decimal(775),
    Standard.Kind.TEKUN_DISPERSED_CARE: Decimal(826) / Decimal(775),
}
MINIMUM_WAGE = [(datetime.date(2020, 1, 1), 1720), (datetime.date(2022, 4, 1), 1870), (datetime.date(2025, 1, 1), 1960)]
MINIMUM_WAGE_NOTE = "演示数据，请以本地公布的最低工资标准为准"
TEMPORARY_MULTIPLE = Decimal("3")

#: Chance of an active case for an old person living alone and for any other household, tuned so
#: that ~12 % of the demo households are in one and tekun is ~12 % of them.
ACTIVE_SINGLE_OLD = 0.16
ACTIVE_OTHER = 0.113
#: The other fates, as shares of all households.
OTHER_FATES = [
    ("pending", 0.004),
    ("ended", 0.015),
    ("temporary_paid", 0.010),
    ("refused", 0.006),
    ("suspended", 0.0025),
    ("gradual_exit", 0.003),
]
#: Every township shows active and pending cases; the demo officer's township a real queue.
MIN_ACTIVE = 2
MIN_PENDING = 3
MIN_PENDING_HONGLAI = 30
#: Accepted in the last PENDING_WINDOW days: some overdue, some due soon, most on time.
PENDING_WINDOW = 40
#: Rescue records a year at scale ≥ 1 (the station's load does not grow with the registry).
RESCUES_PER_YEAR = (100, 150)

INVESTIGATORS = [
    "黄秀英",
    "陈国华",
    "林美玲",
    "李建成",
    "王志强",
    "张丽华",
    "刘文杰",
    "苏雅婷",
    "洪少伟",
    "蔡淑芬",
    "傅金水",
    "戴春梅",
]
REASONS = {
    Case.Kind.DIBAO: [
        "家庭成员患重病，长期医疗支出大，收入低于低保标准",
        "户主残疾，无稳定收入，家庭生活困难",
        "主要劳动力丧失劳动能力，子女尚在上学",
        "家庭成员失业，收入低于低保标准",
        "年老体弱，无固定收入",
    ],
    Case.Kind.TEKUN: ["无劳动能力、无生活来源、无法定赡养抚养扶养义务人", "独居老人，无生活来源，无赡养人"],
    Case.Kind.EDGE: ["家庭收入略高于低保标准，因病支出较大", "家庭成员残疾，收入不稳定"],
    Case.Kind.TEMPORARY: ["突发火灾，住房受损", "家庭成员突发重病住院，医疗费用支出大", "遭遇交通事故，生活陷入困境"],
}
OPINION = "经入户调查和经济状况核对，情况属实，符合条件，同意上报。"
END_REASONS = [
    "家庭成员外出务工，收入超过低保标准",
    "本人申请退出",
    "户籍迁出本市",
    "核查发现家庭收入已超过标准",
]
REFUSAL_REASONS = [
    "家庭人均收入高于当地低保标准",
    "经济状况核对发现有未申报的存款，超过规定限额",
    "家庭拥有经营性车辆，不符合认定条件",
]


def _rng(*key: int) -> random.Random:
    """A generator seeded by integers only (hash() of strings changes between processes)."""
    n = 1469598103934665603
    for k in key:
        n = ((n ^ k) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return random.Random(n)  # noqa: S311 (demo data, not security)


# ---------------------------------------------------------------- writing rows in bulk


def _defaults(model) -> dict:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def _copy_value(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _row(instance) -> dict:
    """An unsaved model instance as a row for `_insert` (column attnames)."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _insert(model, rows: list[dict]) -> None:
    """COPY on PostgreSQL (a hundred thousand rows a second); bulk_create elsewhere. Rows carry
    their ids, so cases, decisions and their children can point at each other before they exist."""
    if not rows:
        return
    defaults = _defaults(model)
    columns = list(defaults)
    if connection.vendor == "postgresql":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for row in rows:
            writer.writerow([_copy_value(row[c] if c in row else defaults[c]) for c in columns])
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf
            )
    else:
        with given_timestamps(model):  # the dates the rows carry, as COPY keeps them
            model.objects.bulk_create([model(**{**defaults, **row}) for row in rows], batch_size=500)


class _Ids:
    def __init__(self, *models):
        self.next = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for m in models}

    def __call__(self, model) -> int:
        n = self.next[model]
        self.next[model] = n + 1
        return n


# ---------------------------------------------------------------- standards and calendar


def _seed_standards(staff) -> int:
    ensure_plan_standards()
    wanted = []
    for year, amount in DIBAO_DEMO.items():
        day = datetime.date(year, 1, 1)
        wanted.append((Standard.Kind.DIBAO, Decimal(amount), day, DEMO_NOTE))
        for kind, ratio in TEKUN_RATIO.items():
            wanted.append(
                (kind, (amount * ratio).quantize(Decimal("1")), day, f"{DEMO_NOTE}（按规划2020年与低保标准的比例）")
            )
    for day, amount in MINIMUM_WAGE:
        wanted.append((Standard.Kind.MINIMUM_WAGE, Decimal(amount), day, MINIMUM_WAGE_NOTE))
    wanted.append((Standard.Kind.TEMPORARY_MULTIPLE, TEMPORARY_MULTIPLE, datetime.date(2020, 1, 1), DEMO_NOTE))
    existing = set(Standard.objects.values_list("kind", "effective_from"))
    new = [
        Standard(kind=kind, amount=amount, effective_from=day, note=note, created_by=staff)
        for kind, amount, day, note in wanted
        if (kind, day) not in existing
    ]
    Standard.objects.bulk_create(new)
    return len(new)


def _seed_holidays() -> int:
    """The State Council's holidays and make-up working days (chinesecalendar), as `seed_holidays`."""
    from assistance.management.commands.seed_holidays import official_calendar

    days = official_calendar(FIRST_DAY.year, timezone.localdate().year + 1)
    existing = set(Holiday.objects.values_list("date", flat=True))
    new = [Holiday(date=d, name=n, is_workday=w) for d, (n, w) in sorted(days.items()) if d not in existing]
    Holiday.objects.bulk_create(new)
    return len(new)


class _StandardCache:
    """The standards in memory: compute() asks for the one in force two or three times a case."""

    def __init__(self):
        self.rows: dict[str, list[Standard]] = defaultdict(list)
        for s in Standard.objects.order_by("kind", "effective_from"):
            self.rows[s.kind].append(s)
        self.dates = {kind: [s.effective_from for s in rows] for kind, rows in self.rows.items()}
        self.original = calculation.require_standard

    def require(self, kind: str, on: datetime.date) -> Standard:
        i = bisect.bisect_right(self.dates.get(kind, []), on) - 1
        if i < 0:
            return self.original(kind, on)  # raises the clerk's message
        return self.rows[kind][i]

    def amount(self, kind: str, on: datetime.date) -> Decimal:
        return self.require(kind, on).amount


@contextmanager
def _cached_standards():
    """calculation.compute with the standards looked up in memory: the same arithmetic and the same
    steps as the services, without three queries per decision."""
    cache = _StandardCache()
    calculation.require_standard = cache.require
    try:
        yield cache
    finally:
        calculation.require_standard = cache.original


# ---------------------------------------------------------------- cases


@dataclass
class _Actors:
    staff: User
    officer: User
    assistant: User
    approver: User
    by_township: dict = field(default_factory=dict)

    def local(self, township: str) -> User:
        """Who reviews and confirms in the township: its demo officer, or bureau staff."""
        return self.by_township.get(township, self.staff)

    def recorder(self, township: str) -> User:
        """Who takes the application and records the home visit: the village assistant in 洪濑镇."""
        return self.assistant if township == HONGLAI else self.local(township)

    def checker(self, township: str) -> User:
        """Who confirms: never who recorded the visit or the township's opinion (审核与调查分离,
        services.cases._check_maker_checker): bureau staff where the township's demo officer reviews,
        the admin where bureau staff stand in for a township without a demo officer."""
        return self.staff if self.local(township) != self.staff else self.approver


@dataclass
class _Household:
    id: int
    head_id: int
    township: str
    village: str | None
    size: int
    head_birth: datetime.date | None
    head_dead: bool


@dataclass
class _Member:
    person_id: int
    relation: str
    name: str
    birth: datetime.date | None
    disability_grade: int | None


class _Builder:
    """Rows for one batch of households, as the services would have written them."""

    def __init__(self, *, today, actors: _Actors, standards: _StandardCache, holidays: dict, ids: _Ids):
        self.today = today
        self.actors = actors
        self.standards = standards
        self.holidays = holidays
        self.ids = ids
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.reset()

    def reset(self):
        self.cases, self.members, self.income, self.decisions, self.transitions = [], [], [], [], []
        self.states: Counter = Counter()

    # dates
    def wd(self, day: datetime.date, n: int) -> datetime.date:
        return add_working_days(day, n, self.holidays)

    def workday_on_or_after(self, day: datetime.date) -> datetime.date:
        while not is_workday(day, self.holidays):
            day += datetime.timedelta(days=1)
        return day

    def workday_on_or_before(self, day: datetime.date) -> datetime.date:
        while not is_workday(day, self.holidays):
            day -= datetime.timedelta(days=1)
        return day

    def at(self, day: datetime.date, seq: int) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=self.tz) + datetime.timedelta(minutes=seq)

    def historical_day(self, r: random.Random, latest: datetime.date) -> datetime.date:
        """A day from 2020 to `latest`, more of them in later years (the caseload grows)."""
        years = list(range(FIRST_DAY.year, latest.year + 1))
        weights = []
        for y in years:
            first = max(FIRST_DAY, datetime.date(y, 1, 1))
            last = min(latest, datetime.date(y, 12, 31))
            weights.append(max(0, (last - first).days + 1) * (1 + 0.12 * (y - FIRST_DAY.year)))
        year = r.choices(years, weights)[0]
        first = max(FIRST_DAY, datetime.date(year, 1, 1))
        last = min(latest, datetime.date(year, 12, 31))
        return self.workday_on_or_after(first + datetime.timedelta(days=r.randrange((last - first).days + 1)))

    # one case
    def case(self, hh: _Household, members: list[_Member], fate: str, kind: str) -> None:
        r = _rng(hh.id, 53)
        township = hh.township
        local, recorder = self.actors.local(township), self.actors.recorder(township)
        case_id = self.ids(Case)
        subtype, self_care, requested = "", "", None
        if kind == Case.Kind.TEKUN:
            subtype = Case.Subtype.CENTRALISED if r.random() < 1 / 3 else Case.Subtype.DISPERSED
            if subtype == Case.Subtype.DISPERSED:
                self_care = r.choices([Case.SelfCare.ABLE, Case.SelfCare.PARTLY, Case.SelfCare.FULLY], [6, 3, 1])[0]
        elif kind == Case.Kind.TEMPORARY:
            subtype = Case.Subtype.EMERGENCY if r.random() < 0.6 else Case.Subtype.EXPENDITURE
            requested = Decimal(r.randrange(5, 61) * 100).quantize(Decimal("0.01"))
        c = {
            "id": case_id, "kind": kind, "subtype": subtype, "household_id": hh.id, "applicant_id": hh.head_id,
            "township_id": township, "village_id": hh.village, "reason": r.choice(REASONS[kind]),
            "bank_account": f"62178{hh.id:08d}{r.randrange(10**6):06d}", "self_care": self_care,
            "requested_amount": requested, "recheck_months": 6 if r.random() < 0.1 else 12,
            "limit_days": DEFAULT_LIMIT_DAYS, "created_by_id": recorder.pk, "updated_at": self.now,
        }  # fmt: skip
        case_members = []
        for m in members:
            covered = m.person_id == hh.head_id if kind == Case.Kind.TEKUN else True
            row = {"id": self.ids(CaseMember), "case_id": case_id, "person_id": m.person_id}
            case_members.append({**row, "relation": m.relation, "covered": covered})
        seq = iter(range(1000))
        transitions = []

        def step(action, from_state, to_state, on, user, comment=""):
            transitions.append(
                {"id": self.ids(Transition), "case_id": case_id, "action": action, "from_state": from_state,
                 "to_state": to_state, "on_date": on, "user_id": user.pk if user else None, "comment": comment,
                 "entered_at": self.at(on, next(seq))}
            )  # fmt: skip

        # The timeline first (every date on or before today), then the income it has to fit.
        if fate == "pending":
            accepted = self.workday_on_or_before(self.today - datetime.timedelta(days=r.randrange(PENDING_WINDOW)))
        elif fate == "temporary_active":
            back = r.randrange(75) if subtype == Case.Subtype.EMERGENCY else 35 + r.randrange(70)
            accepted = self.workday_on_or_before(self.today - datetime.timedelta(days=back))
        else:
            accepted = self.historical_day(r, self.today - datetime.timedelta(days=120))
        applied = accepted - datetime.timedelta(days=r.choice([0, 0, 0, 1, 2, 3]))
        c.update(applied_on=applied, accepted_on=accepted, created_at=self.at(applied, 0))
        c["investigation_due"] = self.wd(accepted, INVESTIGATION_DAYS)
        c["decision_due"] = self.wd(accepted, DEFAULT_LIMIT_DAYS)
        step("create", Case.State.DRAFT, Case.State.DRAFT, applied, recorder, c["reason"])
        step("accept", Case.State.DRAFT, Case.State.ACCEPTED, accepted, recorder)
        state = Case.State.ACCEPTED

        # Where the clock stops for a pending case; the steps' dates, each a working day after the last.
        target = r.choices(["accepted", "investigated", "reviewed", "notice"], [3, 3, 2, 2])[0]
        emergency = kind == Case.Kind.TEMPORARY and subtype == Case.Subtype.EMERGENCY and fate != "pending"
        names = "、".join(r.sample(INVESTIGATORS, 2))
        dates: dict[str, datetime.date] = {}
        if emergency:  # 先行救助: paid first, the home visit follows
            dates["confirm"] = accepted
            paperwork = self.wd(accepted, r.randint(2, 8))
            if paperwork <= self.today:
                dates["paperwork"] = paperwork
        else:
            stages = ["investigated", "reviewed", "notice"]
            if fate == "pending":
                stages = stages[: stages.index(target) + 1] if target in stages else []
            elif fate == "refused":
                stages = stages[: r.randint(1, 2)]
            gaps = {
                "investigated": r.randint(1, INVESTIGATION_DAYS),
                "reviewed": r.randint(1, 4),
                "notice": r.randint(0, 2),
            }
            day = accepted
            for stage in stages:
                day = self.wd(day, gaps[stage]) if gaps[stage] else day
                if day > self.today:
                    break
                dates[stage] = day
            if fate == "refused":
                dates["refuse"] = min(self.today, self.wd(max(dates.values(), default=accepted), r.randint(1, 5)))
            elif fate != "pending" and "notice" in dates:
                notice_end = dates["notice"] + datetime.timedelta(days=NOTICE_DAYS - 1)
                confirm = self.workday_on_or_after(notice_end + datetime.timedelta(days=r.randint(1, 3)))
                if confirm <= self.today:
                    dates["confirm"] = confirm
        if fate not in ("pending", "refused") and "confirm" not in dates:
            fate = "pending"  # too recent to have been decided yet (a recent temporary case)
        decided = dates.get("confirm")

        # Re-checks (Art. 31) from the confirmation to today or to the case's end.
        stop, end_action = self.today, None
        if fate in ("ended", "suspended", "gradual_exit"):
            span = (self.today - decided).days
            if fate == "ended":
                stop = decided + datetime.timedelta(days=60 + r.randrange(max(1, span - 60)))
            else:
                stop = self.today - datetime.timedelta(days=r.randrange(10, 150 if fate == "gradual_exit" else 300))
                stop = max(stop, decided + datetime.timedelta(days=30))
            stop = self.workday_on_or_before(min(stop, self.today))
            end_action = stop
        rechecks = []
        if decided and kind != Case.Kind.TEMPORARY:
            due = add_months(decided, c["recheck_months"])
            while True:
                on = self.workday_on_or_after(due + datetime.timedelta(days=r.randint(-12, 15)))
                # Re-checks are done on time, except a few recent ones deliberately late (up to three months):
                # the re-checks-due page has overdue rows, and no case has waited years for its re-check.
                late = self.today - datetime.timedelta(days=90) <= due <= self.today and r.random() < 0.05
                if on > stop or on >= (end_action or self.today) or late:
                    break
                rechecks.append(on)
                due = add_months(on, c["recheck_months"])

        # The household's living members and its income, to fit every decision.
        decision_days = [d for d in [decided, *rechecks] if d]
        standard_days = decision_days or [dates.get("reviewed") or dates.get("refuse") or accepted]
        dibao_low = min(self.standards.amount(Standard.Kind.DIBAO, d) for d in standard_days)
        dibao_high = max(self.standards.amount(Standard.Kind.DIBAO, d) for d in standard_days)
        if fate == "refused":
            band = "above"
        elif kind == Case.Kind.EDGE:
            band = "edge"
        else:
            band = "below"
        income = self._income(r, members, band, dibao_low, dibao_high, on=standard_days[0])
        for item in income:
            item.update(id=self.ids(IncomeItem), case_id=case_id)

        case_obj = Case(id=case_id, kind=kind, subtype=subtype, self_care=self_care, requested_amount=requested)
        items = [
            IncomeItem(kind=i["kind"], monthly_amount=i["monthly_amount"], person_id=i["person_id"]) for i in income
        ]
        covered = sum(1 for m in case_members if m["covered"])
        decided_members = [
            DecidedMember(m.person_id, m.name, m.relation, cm["covered"])
            for m, cm in zip(members, case_members, strict=True)
        ]

        def decide(on, user, action, from_state, to_state):
            calc = calculation.compute(case=case_obj, members=len(members), covered=covered, income_items=items, on=on)
            if not calc.eligible:
                raise RuntimeError(f"demo case for household {hh.id} is not eligible on {on}: {calc.steps[-1]}")
            decision = decision_build(
                case=case_obj, calc=calc, user=user, on=on, members=decided_members, income_items=items
            )
            decision_id = self.ids(Decision)
            self.decisions.append({**_row(decision), "id": decision_id, "created_at": self.at(on, 500)})
            c.update(decision_id=decision_id, decided_on=on, recheck_reason="")
            if kind != Case.Kind.TEMPORARY:
                c["next_recheck"] = add_months(on, c["recheck_months"])
            step(action, from_state, to_state, on, user)

        if emergency:
            decide(accepted, local, "emergency_confirm", Case.State.ACCEPTED, Case.State.ACTIVE)
            transitions[-1]["comment"] = c["reason"] + "，先行救助"
            state = Case.State.ACTIVE
            c["paperwork_pending"] = "paperwork" not in dates
            if "paperwork" in dates:
                c.update(investigated_on=dates["paperwork"], investigators=names, investigated_by_id=recorder.pk,
                         verification=Case.Verification.PASSED, investigation_note="补办入户调查，情况属实")  # fmt: skip
                step("complete_paperwork", state, state, dates["paperwork"], recorder)
        else:
            if "investigated" in dates:
                verification = (
                    Case.Verification.FAILED if band == "above" and r.random() < 0.5 else Case.Verification.PASSED
                )
                c.update(investigated_on=dates["investigated"], investigators=names, investigated_by_id=recorder.pk,
                         verification=verification, investigation_note="入户调查，家庭成员、收入和财产情况已核实")  # fmt: skip
                step("investigate", state, Case.State.INVESTIGATED, dates["investigated"], recorder)
                state = Case.State.INVESTIGATED
            if "reviewed" in dates:
                calc = calculation.compute(case=case_obj, members=len(members), covered=covered, income_items=items,
                                           on=dates["reviewed"])  # fmt: skip
                c.update(opinion=OPINION, reviewed_on=dates["reviewed"], proposed_amount=calc.amount)
                step("review", state, Case.State.REVIEWED, dates["reviewed"], local)
                state = Case.State.REVIEWED
            if "notice" in dates:
                c.update(
                    notice_start=dates["notice"], notice_end=dates["notice"] + datetime.timedelta(days=NOTICE_DAYS - 1)
                )
                step("publish_notice", state, Case.State.NOTICE, dates["notice"], local)
                state = Case.State.NOTICE
            if "refuse" in dates:
                reason = r.choice(REFUSAL_REASONS)
                c.update(refusal_reason=reason, decided_on=dates["refuse"], ended_on=dates["refuse"])
                step("refuse", state, Case.State.REFUSED, dates["refuse"], self.actors.local(township), reason)
                state = Case.State.REFUSED
            if decided:
                decide(decided, self.actors.checker(township), "confirm", Case.State.NOTICE, Case.State.ACTIVE)
                state = Case.State.ACTIVE
        for on in rechecks:
            decide(on, local, "recheck", state, state)
            transitions[-1]["comment"] = "定期核查"

        if fate == "ended" and kind != Case.Kind.TEMPORARY:
            reason = r.choice(END_REASONS)
            c.update(end_reason=reason, ended_on=end_action, next_recheck=None)
            step("end", state, Case.State.ENDED, end_action, local, reason)
            state = Case.State.ENDED
        elif fate == "temporary_paid":
            # Paid in the next month's batch; the engine ends one-off cases when it is approved.
            paid = next_month_start(decided) + datetime.timedelta(days=r.randint(3, 9))
            c.update(ended_on=paid, end_reason="临时救助已发放")
            step("paid", state, Case.State.ENDED, paid, self.actors.approver, f"{paid:%Y-%m}")
            state = Case.State.ENDED
        elif fate == "suspended":
            reason = "外出务工，待核实收入，暂停发放"
            c["end_reason"] = reason
            step("suspend", state, Case.State.SUSPENDED, end_action, local, reason)
            state = Case.State.SUSPENDED
        elif fate == "gradual_exit":
            reason = "家庭成员就业，收入已超过低保标准，渐退"
            c.update(end_reason=reason, exit_until=add_months(end_action, r.randint(3, 6)))
            step("gradual_exit", state, Case.State.GRADUAL_EXIT, end_action, local, reason)
            state = Case.State.GRADUAL_EXIT
        if fate == "pending" and (self.today - accepted).days > 20 and r.random() < 0.15:
            # Art. 22 and the 2022 notice: extended to 45 working days, with a reason.
            on = min(self.today, self.wd(accepted, r.randint(8, 15)))
            c.update(limit_days=EXTENDED_LIMIT_DAYS, extension_reason="需异地核对收入，延长办理期限")
            c["decision_due"] = self.wd(accepted, EXTENDED_LIMIT_DAYS)
            step("extend", state, state, on, local, c["extension_reason"])
        c["state"] = state
        self.states[(kind, state)] += 1
        self.cases.append(c)
        self.members += case_members
        self.income += income
        self.transitions += transitions

    def _income(self, r, members: list[_Member], band: str, dibao_low, dibao_high, on) -> list[dict]:
        """Monthly income items: wages of working-age members, support from relatives, and the items
        that do not count (basic pension, disability allowances) — the counted per-capita income
        below the dibao standard ("below"), between it and 1.5 × it ("edge") or above ("above")."""
        n = len(members)
        if band == "below":
            per_capita = Decimal(r.choice([0, 0, r.uniform(0.1, 0.85)])) * dibao_low
        elif band == "edge":
            low, high = dibao_high * Decimal("1.02"), dibao_low * Decimal("1.45")
            per_capita = low + (high - low) * Decimal(r.random())
        else:
            per_capita = dibao_high * Decimal(r.uniform(1.1, 2.2))
        counted = int(per_capita * n / 10) * 10  # whole tens of yuan, so always inside the band's bounds
        items = []
        ages = {m.person_id: (on - m.birth).days // 365 if m.birth else 40 for m in members}
        earners = [m for m in members if 18 <= ages[m.person_id] < 60]
        if counted:
            if earners:
                shares = [r.random() + 0.2 for _ in earners]
                total = sum(shares)
                left = counted
                for i, (m, share) in enumerate(zip(earners, shares, strict=True)):
                    amount = left if i == len(earners) - 1 else int(counted * share / total / 10) * 10
                    left -= amount
                    if amount:
                        kind = r.choice([IncomeItem.Kind.WAGES, IncomeItem.Kind.WAGES, IncomeItem.Kind.BUSINESS])
                        items.append({"kind": kind, "monthly_amount": Decimal(amount), "person_id": m.person_id,
                                      "note": "灵活就业" if kind == IncomeItem.Kind.WAGES else "种养殖"})  # fmt: skip
            else:
                items.append({"kind": IncomeItem.Kind.TRANSFER, "monthly_amount": Decimal(counted), "person_id": None,
                              "note": "子女赡养费"})  # fmt: skip
        for m in members:
            if ages[m.person_id] >= 60:
                items.append({"kind": IncomeItem.Kind.BASIC_PENSION, "monthly_amount": Decimal(r.randint(150, 230)),
                              "person_id": m.person_id, "note": "城乡居民基础养老金"})  # fmt: skip
            if m.disability_grade and m.disability_grade <= 2:
                items.append({"kind": IncomeItem.Kind.DISABILITY_ALLOWANCE, "monthly_amount": Decimal(r.choice([80, 90, 100])),
                              "person_id": m.person_id, "note": "重度残疾人护理补贴"})  # fmt: skip
        return [{**i, "monthly_amount": i["monthly_amount"].quantize(Decimal("0.01"))} for i in items]

    def flush(self) -> None:
        with transaction.atomic():
            _insert(Case, self.cases)  # points at decisions inserted just below (deferred constraint)
            _insert(CaseMember, self.members)
            _insert(IncomeItem, self.income)
            _insert(Decision, self.decisions)
            _insert(Transition, self.transitions)
        self.reset()


def _fate(hh: _Household, today: datetime.date) -> tuple[str, str] | None:
    """(fate, kind) of a household, from its id: None for most."""
    if hh.head_dead:
        return None
    r = _rng(hh.id, 11)
    age = (today - hh.head_birth).days // 365 if hh.head_birth else 40
    single_old = hh.size == 1 and age >= 60
    u = r.random()
    k = r.random()
    if u < (ACTIVE_SINGLE_OLD if single_old else ACTIVE_OTHER):
        if single_old:
            kind = Case.Kind.TEKUN if k < 0.70 else Case.Kind.DIBAO if k < 0.97 else Case.Kind.TEMPORARY
        else:
            kind = Case.Kind.DIBAO if k < 0.848 else Case.Kind.EDGE if k < 0.945 else Case.Kind.TEMPORARY
        return ("temporary_active" if kind == Case.Kind.TEMPORARY else "active"), kind
    u = r.random()
    for fate, share in OTHER_FATES:
        if u < share:
            return fate, _kind_for(fate, single_old, k)
        u -= share
    return None


def _kind_for(fate: str, single_old: bool, k: float) -> str:
    if fate == "temporary_paid":
        return Case.Kind.TEMPORARY
    if fate in ("suspended", "gradual_exit"):
        return Case.Kind.DIBAO
    if fate == "pending" and k < 0.14:
        return Case.Kind.TEMPORARY
    if single_old and k > 0.6:
        return Case.Kind.TEKUN
    return Case.Kind.EDGE if k > 0.9 and fate != "refused" else Case.Kind.DIBAO


def _households() -> list[_Household]:
    rows = (
        Household.objects.annotate(size=Count("members"))
        .values_list("id", "head_id", "township_id", "village_id", "size", "head__birth_date", "head__date_of_death")
        .order_by("id")
    )
    return [_Household(i, h, t, v, n, b, d is not None) for i, h, t, v, n, b, d in rows.iterator(chunk_size=20000)]


def _members(household_ids: list[int]) -> dict[int, list[_Member]]:
    """The living members of these households, in the order case_create takes them (by id)."""
    out: dict[int, list[_Member]] = defaultdict(list)
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        rows = (
            HouseholdMember.objects.filter(household_id__in=chunk, person__date_of_death__isnull=True)
            .order_by("household_id", "id")
            .values_list(
                "household_id",
                "person_id",
                "relation",
                "person__name",
                "person__birth_date",
                "person__disability_grade",
            )
        )
        for household_id, person_id, relation, name, birth, grade in rows:
            out[household_id].append(_Member(person_id, relation, name, birth, grade))
    return out


def _plan(households: list[_Household], today: datetime.date) -> list[tuple[_Household, str, str]]:
    """The cases to create: each household's fate, topped up so that every township has active and
    pending cases (counting the cases already there, so a second run tops up nothing)."""
    have = set(Case.objects.values_list("household_id", flat=True))
    counts: Counter = Counter()
    # Temporary cases end when paid, so the floors count the others only.
    for township, state, kind in Case.objects.values_list("township_id", "state", "kind"):
        if state == Case.State.ACTIVE and kind != Case.Kind.TEMPORARY:
            counts[(township, "active")] += 1
        elif state in Case.PENDING_STATES:
            counts[(township, "pending")] += 1
    planned, spare = [], defaultdict(list)
    for hh in households:
        if hh.id in have:
            continue
        fate = _fate(hh, today)
        if fate is None:
            if not hh.head_dead:
                spare[hh.township].append(hh)
            continue
        planned.append((hh, *fate))
        counts[(hh.township, fate[0])] += 1
    for township in sorted({hh.township for hh in households}):
        wanted = {"active": MIN_ACTIVE, "pending": MIN_PENDING_HONGLAI if township == HONGLAI else MIN_PENDING}
        for fate, minimum in wanted.items():
            while counts[(township, fate)] < minimum and spare[township]:
                hh = spare[township].pop(0)
                planned.append((hh, fate, Case.Kind.DIBAO))
                counts[(township, fate)] += 1
    planned.sort(key=lambda p: p[0].id)
    return planned


def _seed_cases(*, scale: float, actors: _Actors, log) -> Counter:
    today = timezone.localdate()
    households = _households()
    planned = _plan(households, today)
    if not planned:
        return Counter()
    holidays = dict(Holiday.objects.values_list("date", "is_workday"))
    ids = _Ids(Case, CaseMember, IncomeItem, Decision, Transition)
    made: Counter = Counter()
    with _cached_standards() as standards:
        builder = _Builder(today=today, actors=actors, standards=standards, holidays=holidays, ids=ids)
        for start in range(0, len(planned), 10_000):
            chunk = planned[start : start + 10_000]
            members = _members([hh.id for hh, _f, _k in chunk])
            for hh, fate, kind in chunk:
                if members.get(hh.id):
                    builder.case(hh, members[hh.id], fate, kind)
            made.update(builder.states)
            builder.flush()
            log(f"  assistance: cases {start + len(chunk):,} / {len(planned):,}")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, CaseMember, IncomeItem, Decision, Transition]):
            cursor.execute(sql)
    return made


# ---------------------------------------------------------------- rescue


def _seed_rescues(*, scale: float, staff: User, today: datetime.date) -> int:
    """流浪乞讨人员救助 2020 to today: 100–150 stays a year (fewer below scale 1), most identified and
    93–99 % of those returned home (plan indicator 9); a few never identified."""
    townships = list(
        Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    max_person = Person.objects.aggregate(m=Max("id"))["m"] or 0
    if not townships or not max_person:
        return 0
    new = []
    for year in range(2020, today.year + 1):
        r = _rng(year, 71)
        per_year = max(3, round(r.randint(*RESCUES_PER_YEAR) * min(1.0, scale)))
        last = min(today - datetime.timedelta(days=1), datetime.date(year, 12, 31))
        days = (last - datetime.date(year, 1, 1)).days + 1
        per_year = max(1, per_year * days // 365)
        existing = Rescue.objects.filter(intake_date__year=year, note=DEMO_NOTE).count()
        return_rate = r.uniform(0.93, 0.99)
        for i in range(per_year):
            rr = _rng(year, i, 73)
            intake = datetime.date(year, 1, 1) + datetime.timedelta(days=rr.randrange(days))
            if i < existing:
                continue
            township = rr.choice(townships)
            identified = rr.random() < 0.9
            rescue = Rescue(intake_date=intake, found_township_id=township, note=DEMO_NOTE, created_by=staff,
                            description=rr.choice(["在车站附近露宿", "公安机关护送来站", "群众报警发现", "在街头流浪乞讨"]))  # fmt: skip
            stay = rr.randint(1, 12)
            if identified:
                person = (
                    Person.objects.filter(pk__gte=rr.randint(1, max_person), date_of_death__isnull=True)
                    .order_by("pk")
                    .only("pk", "sex")
                    .first()
                )
                if person is None:
                    identified = False
                else:
                    rescue.person, rescue.sex = person, person.sex
                    rescue.identity_established_on = intake + datetime.timedelta(days=rr.randint(0, min(stay, 5)))
                    rescue.identity_method = rr.choice(
                        [Rescue.IdentityMethod.SELF_REPORTED] * 6 + [Rescue.IdentityMethod.POLICE] * 3
                        + [Rescue.IdentityMethod.FAMILY, Rescue.IdentityMethod.DNA]
                    )  # fmt: skip
            if not identified:
                rescue.sex = rr.choice(["M", "M", "F"])
                rescue.provisional_name = f"无名氏{intake:%Y%m%d}-{i + 1:03d}"
            leaves = intake + datetime.timedelta(days=stay)
            if leaves < today:
                if identified and rescue.identity_established_on <= leaves:
                    returned = rr.random() < return_rate
                    rescue.outcome = (
                        rr.choice([Rescue.Outcome.ESCORTED] * 7 + [Rescue.Outcome.RETURNED_SELF] * 3)
                        if returned
                        else rr.choice([Rescue.Outcome.LONG_TERM, Rescue.Outcome.OTHER])
                    )
                else:
                    rescue.outcome = Rescue.Outcome.LONG_TERM if rr.random() < 0.7 else Rescue.Outcome.OTHER
                rescue.outcome_date = leaves
            new.append(rescue)
    Rescue.objects.bulk_create(new)
    return len(new)


# ---------------------------------------------------------------- payroll


def _seed_payroll(*, actors: _Actors, today: datetime.date) -> list[str]:
    """The last two months' batches, built by bureau staff and approved by another user."""
    from core.models import PaymentBatch
    from core.payments import payment_batch_approve, payment_batch_build

    done = []
    this_month = today.replace(day=1)
    for month in (add_months(this_month, -2), add_months(this_month, -1)):
        if PaymentBatch.objects.filter(program="assistance", month=month).exists():
            continue
        batch = payment_batch_build(program="assistance", month=month, user=actors.staff)
        if batch.line_count:
            batch = payment_batch_approve(batch=batch, user=actors.approver)
        done.append(f"{month:%Y-%m} {batch.line_count:,} 户 {batch.total_amount:,} 元")
    return done


# ---------------------------------------------------------------- entry point


def _actors() -> _Actors | None:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["staff", "officer", "officer_shuitou", "assistant", "admin"])
    }
    if not {"staff", "officer", "assistant"} <= set(users):
        return None
    by_township = {HONGLAI: users["officer"]}
    if "officer_shuitou" in users:
        by_township[SHUITOU] = users["officer_shuitou"]
    approver = users.get("admin") or users["officer"]
    return _Actors(staff=users["staff"], officer=users["officer"], assistant=users["assistant"], approver=approver,
                   by_township=by_township)  # fmt: skip


def seed(*, scale: float, log=print) -> None:
    started = time.perf_counter()
    actors = _actors()
    if actors is None:
        log("  assistance: the demo users (staff, officer, assistant) are missing; skipped")
        return
    today = timezone.localdate()
    with transaction.atomic():
        standards = _seed_standards(actors.staff)
        holidays = _seed_holidays()
    made = _seed_cases(scale=scale, actors=actors, log=log)
    with transaction.atomic():
        rescues = _seed_rescues(scale=scale, staff=actors.staff, today=today)
    if connection.vendor == "postgresql" and made and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for model in (Case, CaseMember, IncomeItem, Decision, Transition):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    batches = _seed_payroll(actors=actors, today=today) if made else []
    by_state = Counter()
    for (_kind, state), n in made.items():
        by_state[state] += n
    states = f" ({', '.join(f'{s} {n:,}' for s, n in sorted(by_state.items()))})" if by_state else ""
    log(
        f"  assistance: {standards} standards, {holidays} holidays, {sum(made.values()):,} cases{states}, "
        f"{rescues} rescue records, payroll {'; '.join(batches) or 'unchanged'} in {time.perf_counter() - started:.1f} s"
    )
