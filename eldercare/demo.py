"""Demo data for elderly care (seed_demo), 2020 to the current month in every township.

- Institutions: the 19 the plan counts in 2020 (ch.1: 全市共有养老机构19所; the city welfare
  centre, township homes 敬老院, private homes), three township homes merged away in 2021 (the plan:
  乡镇敬老院转型升级, 整合乡镇片区资源), new homes each year and the 350-bed 南安市老年人养护院
  (Table 3) in 2025. Bed counts dated 31 December of every year (and mid-year in the current
  year), sized so that the year-end figures follow Table 2: nursing-bed share 34.2 % (2020) and
  56–60 % (2021–2025), nursing beds per 1000 older people 13 → 14 against the indicators app's
  demo 60+ population. These are city-wide figures that do not grow with --scale (the 60+ base
  statistics the indicator divides by do not either).
- Community facilities: comprehensive centres with 全托+日托+上门 in 10 townships in 2020 and 16 by
  2025 (Table 2 indicator 4: 38 % → 60 %), home-care stations, day-care centres, rural happiness
  homes in every town, elder canteens and meal points (at least one new a year, Table 3).
- Assessments: about 15 % of the demo registry's residents aged 60+ (scale-aware), one or two each,
  bulk-written exactly as eldercare.services.assessments.assessment_record writes them (total = sum
  of the parts, level by eldercare.assessment.assessed_level; tests/eldercare/test_demo.py checks).

- Subsidies (养老服务补贴): the bureau's standards through the service (illustrative amounts: the
  plan gives none; a 2023 raise of the 80+ band shows effective dating); a roster bulk-written
  exactly as eldercare.services.subsidies writes it (each entry eligible on the day it would have
  been recorded, a death ending it on the date of death as the person_died receiver does;
  tests/eldercare/test_demo.py checks): about 60 % of residents aged 80+ (高龄津贴 from the month
  they turned 80, or 2020-01), everyone whose latest assessment is moderate or worse (护理补贴 from
  the month after it) and the older dibao/tekun/edge-family members (服务补贴, asked of
  core.categories, so assistance seeds first; funeral too, so the deaths it records are
  known and no list pays a person already dead: DEPENDS_ON). This month's and the two before's lists are built
  and approved through the payment engine (maker-checker), next month's left a draft.

- Visits (探访): the bureau's interval per group through the service; the programme bulk-written as
  eldercare.services.visits.visit_target_add would (each person in the group on the day they
  joined, checked by tests/eldercare/test_demo.py): 80+ residents on the high-age allowance,
  older dibao and tekun members (asked of core.categories half a year ago, else today), those
  assessed moderately or worse, and a few living alone or left behind; visits from the later of
  joining and two years ago at about each group's interval, with about one person in seven
  lagging behind (so the overdue list is never empty nor everyone).

- Training (养老人才培训): through the service, care-worker courses each quarter from 2020 (about 600
  person-times a year in 2021–2025, so the plan's 3,000 is met in 2025) and one course for heads of
  institutions a year (4–5 each, 20+ by 2025). City-wide figures that do not grow with --scale.

- Home adaptations (适老化改造): through the services, about 5 % of the high-age allowance's
  recipients apply (from 2020), most surveyed, adapted and accepted within weeks, a few refused,
  the latest still in progress; counted by the year of acceptance.

Institutions, bed counts, facilities, standards, intervals, training and adaptations go through the
services. Idempotent (a second run adds
nothing; a larger scale adds assessments) and deterministic (seeded by ids and names only)."""

import datetime
import random

from stdnum.cn import uscc

from core.models import Division, Person, User
from core.roles import Role
from eldercare.assessment import PART_MAX, assessed_level
from eldercare.models import (
    Assessment,
    BedCount,
    CommunityFacility,
    Institution,
    Subsidy,
    SubsidyStandard,
    Visit,
    VisitInterval,
    VisitTarget,
)  # fmt: skip
from eldercare.services.facilities import facility_create
from eldercare.services.institutions import bed_count_record, institution_create
from eldercare.services.visits import visit_targets_refresh
from eldercare.townships import with_townships

DEMO_NOTE = "演示数据"
#: Table 2 targets the demo's year-end figures follow: (nursing share %, nursing beds per 1000 60+).
TARGETS = {2020: (34.2, 13.0), 2021: (56, 13.2), 2022: (57, 13.4), 2023: (58, 13.6), 2024: (59, 13.8), 2025: (60, 14.0)}
#: The indicators app's demo base statistics (indicators/demo.py): the 2020 census, +0.4 % people
#: and +0.4 points of 60+ share a year. Copied, not imported: apps do not import each other.
CENSUS_2020, SHARE_60_2020 = 1_517_514, 0.1426
#: Covered townships (a centre with all three functions) by the year it opened: with 眉山乡's
#: centre (2019 to 2022-08) 10 at the end of 2020, 14 in 2021 and 2022, 15 in 2023–2024, 16 in 2025
#: (Table 2 indicator 4: 38 → 60 %).
CENTRE_OPENED = {
    "350583001": 2016, "350583002": 2017, "350583003": 2018, "350583113": 2016, "350583119": 2017,
    "350583118": 2018, "350583106": 2019, "350583116": 2019, "350583120": 2019, "350583115": 2021,
    "350583105": 2021, "350583109": 2021, "350583111": 2021, "350583117": 2022, "350583100": 2023,
    "350583104": 2025,
}  # fmt: skip
ASSESSED_SHARE = 0.15
DEPENDS_ON = ("assistance", "funeral")
#: The demo's subsidy standards: (kind, threshold, 元/month, effective from). Illustrative only.
DEMO_STANDARDS = [
    ("high_age", 80, "100", datetime.date(2020, 1, 1)), ("high_age", 90, "200", datetime.date(2020, 1, 1)),
    ("high_age", 100, "500", datetime.date(2020, 1, 1)), ("high_age", 80, "120", datetime.date(2023, 1, 1)),
    ("care", 2, "150", datetime.date(2020, 1, 1)), ("care", 3, "250", datetime.date(2020, 1, 1)),
    ("care", 4, "400", datetime.date(2020, 1, 1)), ("service", 0, "100", datetime.date(2020, 1, 1)),
]  # fmt: skip
HIGH_AGE_SHARE = 0.6
#: The demo's visit intervals (days) per group. Illustrative: the bureau sets its own.
DEMO_INTERVALS = {"tekun": 30, "dibao": 90, "high_age": 90, "disabled": 30, "living_alone": 30, "left_behind": 60}
VISITORS = ["村协理员王丽", "村协理员陈强", "社工林芳", "网格员黄建", "志愿者李梅"]
FINDINGS = ["身体状况良好，生活能自理", "血压偏高，已提醒按时服药", "居住环境安全，已检查用电用气", "行动不便，需要助餐服务",
            "子女每周探望，情绪稳定", "独自居住，已留联系电话", "反映屋顶漏雨，已报村委会"]  # fmt: skip
FOLLOW_UPS = ["", "", "", "联系家庭医生上门", "转介助餐点", "申请适老化改造"]


def _rng(*key: int) -> random.Random:
    n = 1469598103934665603
    for k in key:
        n = ((n ^ k) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return random.Random(n)  # noqa: S311 (demo data, not security)


def _older(year: int) -> int:
    population = round(CENSUS_2020 * (1 + 0.004 * (year - 2020)))
    return round(population * (SHARE_60_2020 + 0.004 * (year - 2020)))


def _code(prefix: str, n: int) -> str:
    body = f"{prefix}350583{n:09d}"
    return body + uscc.calc_check_digit(body)


def _institutions(townships: dict[str, str]) -> list[dict]:
    """(name, ownership, township, opened, closed, size weight, functions) of every demo institution."""
    rows = [
        ("南安市社会福利中心养老院", "public", "350583001", datetime.date(2012, 9, 1), None, 10, (1, 1, 1)),
    ]
    homes = ["350583113", "350583119", "350583118", "350583106", "350583105", "350583109", "350583103", "350583107",
             "350583110"]  # fmt: skip
    for i, code in enumerate(homes):
        ownership = "public_private" if i % 3 == 2 else "public"
        closed = datetime.date(2021, 6, 30) if code in ("350583103", "350583107", "350583110") else None
        rows.append(
            (f"南安市{townships[code]}敬老院", ownership, code, datetime.date(2008 + i, 3, 1), closed, 4, (1, 0, 0))
        )
    private = ["350583002", "350583003", "350583116", "350583120", "350583115", "350583117", "350583111",
               "350583112", "350583100"]  # fmt: skip
    for i, code in enumerate(private):
        rows.append(
            (f"南安市{townships[code]}颐养院", "private", code, datetime.date(2014 + i % 6, 5, 1), None, 6, (1, 1, 0))
        )
    new = [("350583104", 2021), ("350583114", 2021), ("350583102", 2022), ("350583101", 2022), ("350583108", 2023),
           ("350583200", 2023), ("350583201", 2024), ("350583116", 2024)]  # fmt: skip
    for i, (code, year) in enumerate(new):
        rows.append((f"南安市{townships[code]}康养中心" + ("二院" if code == "350583116" else ""), "private", code,
                     datetime.date(year, 4 + i % 6, 1), None, 5, (1, 1, 1 if code == "350583116" else 0)))  # fmt: skip
    rows.append(("南安市老年人养护院", "public", "350583002", datetime.date(2025, 9, 1), None, 14, (1, 1, 1)))
    return [
        {"name": n, "ownership": o, "township": t, "opened_on": op, "closed_on": cl, "weight": w, "functions": f}
        for n, o, t, op, cl, w, f in rows
    ]


def _beds_for_year(specs, year: int, day: datetime.date) -> dict[str, tuple[int, int]]:
    """Year-end beds per operating institution: totals in proportion to the weights, the nursing
    share the same in each (so each count keeps nursing ≤ total)."""
    share, per_1000 = TARGETS[min(max(year, 2020), 2025)]
    nursing_target = per_1000 * _older(min(year, 2025)) / 1000
    total_target = nursing_target * 100 / share
    operating = [s for s in specs if s["opened_on"] <= day and (s["closed_on"] is None or s["closed_on"] > day)]
    weights = sum(s["weight"] for s in operating)
    out = {}
    for s in operating:
        total = round(total_target * s["weight"] / weights)
        out[s["name"]] = (total, min(total, round(total * share / 100)))
    return out


def seed_institutions(user, today: datetime.date) -> tuple[int, int]:
    townships = dict(Division.objects.filter(level=Division.Level.TOWNSHIP).values_list("code", "name"))
    specs = _institutions(townships)
    existing = {i.name: i for i in Institution.objects.filter(name__in=[s["name"] for s in specs])}
    created = 0
    for n, s in enumerate(specs, start=1):
        if s["name"] in existing or s["opened_on"] > today:
            continue
        rng = _rng(n, 11)
        grade = rng.choice([None, 2, 3, 3, 4, 5]) if s["opened_on"].year < 2022 else None
        full, day_care, home = s["functions"]
        existing[s["name"]] = institution_create(
            user=user, name=s["name"], credit_code=_code("12" if s["ownership"] != "private" else "52", n),
            ownership=s["ownership"], township=Division.objects.get(code=s["township"]),
            address=f"{townships[s['township']]}{rng.choice('东西南北')}街{rng.randint(1, 200)}号",
            opened_on=s["opened_on"], closed_on=s["closed_on"], status="closed" if s["closed_on"] else "operating",
            star_grade=grade, graded_on=datetime.date(2021, 11, 30) if grade else None, medical_care=rng.random() < 0.4,
            full_time_care=bool(full), day_care=bool(day_care), home_visits=bool(home), note=DEMO_NOTE,
        )  # fmt: skip
        created += 1
    have = set(BedCount.objects.filter(institution__in=existing.values()).values_list("institution__name", "as_of"))
    counts = 0
    for year in range(2020, today.year + 1):
        # 31 December of each past year; mid-year in the current one (once it has passed).
        day = datetime.date(year, 12, 31) if year < today.year else datetime.date(year, 6, 30)
        if day > today:
            continue
        for name, (total, nursing) in _beds_for_year(specs, year, day).items():
            institution = existing.get(name)
            if institution is None or (name, day) in have:
                continue
            bed_count_record(user=user, institution=institution, as_of=day, total_beds=total, nursing_beds=nursing)
            counts += 1
    return created, counts


def _facility_specs(townships: dict[str, str], today: datetime.date) -> list[dict]:
    specs = []
    for code, year in CENTRE_OPENED.items():
        specs.append({"name": f"{townships[code]}综合养老服务中心", "kind": "centre", "township": code,
                      "opened_on": datetime.date(year, 7, 1), "functions": (1, 1, 1)})  # fmt: skip
    # A centre whose operator withdrew (公建民营 exit): closed in 2022, its township not covered since.
    specs.append({"name": "眉山乡区域性养老服务中心", "kind": "centre", "township": "350583200",
                  "opened_on": datetime.date(2019, 3, 1), "closed_on": datetime.date(2022, 8, 31), "functions": (1, 1, 1)})  # fmt: skip
    for i, code in enumerate(sorted(townships)):
        rng = _rng(int(code), 12)
        if code.startswith("3505830") or i % 2 == 0:
            specs.append({"name": f"{townships[code]}居家社区养老服务站", "kind": "station", "township": code,
                          "opened_on": datetime.date(rng.randint(2016, 2020), rng.randint(1, 12), 1), "functions": (0, 0, 1)})  # fmt: skip
        if (
            code.startswith("35058310")
            or code.startswith("35058311")
            or code.startswith("35058312")
            or code.startswith("3505832")
        ):
            for k in range(rng.randint(5, 8)):
                specs.append({"name": f"{townships[code]}第{k + 1}农村幸福院", "kind": "happiness", "township": code,
                              "opened_on": datetime.date(rng.randint(2012, 2020), rng.randint(1, 12), 1), "functions": (0, 1, 0)})  # fmt: skip
    for code in ("350583001", "350583002", "350583003", "350583113", "350583119"):
        specs.append({"name": f"{townships[code]}日间照料中心", "kind": "day_care", "township": code,
                      "opened_on": datetime.date(2018, 10, 1), "functions": (0, 1, 1)})  # fmt: skip
    # Plan Table 3: at least one new elder canteen or meal point a year.
    meal_towns = sorted(townships)
    for year in range(2020, today.year + 1):
        for k in range(2):
            code = meal_towns[(year * 2 + k) % len(meal_towns)]
            kind = "canteen" if k == 0 else "meal_point"
            opened = datetime.date(year, 3 + 4 * k, 15)
            if opened <= today:
                label = "长者食堂" if kind == "canteen" else "老年人助餐点"
                specs.append({"name": f"{townships[code]}{label}（{year}）", "kind": kind, "township": code,
                              "opened_on": opened, "functions": (0, 0, 0)})  # fmt: skip
    return specs


def seed_facilities(user, today: datetime.date) -> int:
    townships = dict(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).values_list("code", "name"))
    divisions = Division.objects.in_bulk(list(townships))
    existing = set(CommunityFacility.objects.values_list("township_id", "name"))
    created = 0
    for s in _facility_specs(townships, today):
        if (s["township"], s["name"]) in existing or s["opened_on"] > today:
            continue
        full, day_care, home = s["functions"]
        closed = s.get("closed_on")
        facility_create(
            user=user, name=s["name"], kind=s["kind"], township=divisions[s["township"]], opened_on=s["opened_on"],
            closed_on=closed, status="closed" if closed else "operating", full_time_care=bool(full),
            day_care=bool(day_care), home_visits=bool(home), note=DEMO_NOTE,
        )  # fmt: skip
        created += 1
    return created


def _scores(rng: random.Random) -> dict[str, int]:
    """Part scores of a plausible older person: most intact or mildly impaired, some severely."""
    ability = rng.choice([1.0, 1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.35, 0.2])
    return {
        part: max(0, min(maximum, round(maximum * ability + rng.randint(-2, 1)))) for part, maximum in PART_MAX.items()
    }


def seed_assessments(user, today: datetime.date) -> int:
    """About 15 % of the living residents aged 60+ get an assessment (some a second, a year later)."""
    cutoff = datetime.date(today.year - 60, today.month, 1)
    assessed = set(Assessment.objects.values_list("person_id", flat=True).distinct())
    # The registry's household members only (not the funeral ledger's deceased outsiders): the
    # result does not depend on which app seeded first.
    people = Person.objects.filter(
        birth_date__lte=cutoff, township__isnull=False, membership__isnull=False
    ).values_list("id", "birth_date", "date_of_death", "township_id")
    new = []
    for person_id, birth, died, township_id in people.iterator(5000):
        rng = _rng(person_id, 13)
        if rng.random() >= ASSESSED_SHARE or person_id in assessed:
            continue
        earliest = max(datetime.date(2020, 1, 1), datetime.date(birth.year + 60, birth.month, 1))
        latest = min(today, died) if died else today
        if earliest > latest:
            continue
        day = earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))
        days = [day]
        second = day + datetime.timedelta(days=365)
        if rng.random() < 0.4 and second <= latest:
            days.append(second)
        for d in days:
            scores = _scores(rng)
            coma = rng.random() < 0.01
            dementia = rng.random() < 0.06
            risk = rng.choice([0] * 12 + [1, 2, 3])
            total = sum(scores.values())
            new.append(
                Assessment(
                    person_id=person_id, township_id=township_id, assessed_on=d, total=total, coma=coma, dementia_or_mental_disorder=dementia,
                    risk_events_30d=risk, level=assessed_level(total=total, coma=coma, dementia_or_mental_disorder=dementia,
                    risk_events_30d=risk), assessor=rng.choice(["王丽华", "陈志强", "林美玲", "黄建平"]), note=DEMO_NOTE,
                    created_by=user, **scores,
                )
            )  # fmt: skip
    Assessment.objects.bulk_create(new, batch_size=5000)
    return len(new)


def seed_subsidy_standards(user) -> int:
    from eldercare.services.subsidies import standard_add

    have = set(SubsidyStandard.objects.values_list("kind", "threshold", "effective_from"))
    n = 0
    for kind, threshold, amount, day in DEMO_STANDARDS:
        if (kind, threshold, day) not in have:
            standard_add(user=user, kind=kind, threshold=threshold, amount=amount, effective_from=day,
                         note="演示数据：示例金额，非南安市公布标准")  # fmt: skip
            n += 1
    return n


def _add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_after(day: datetime.date) -> datetime.date:
    return _add_months(day, 1)


def _ended(entry: Subsidy, died: datetime.date | None) -> Subsidy:
    """As eldercare.services.subsidies.on_people_died writes a death onto an open entry."""
    if died is not None:
        entry.status, entry.ended_on, entry.end_reason = (
            Subsidy.Status.ENDED,
            max(died, entry.starts_on),
            f"死亡 {died}",
        )
    return entry


def seed_subsidies(user, today: datetime.date) -> int:
    """The roster, bulk-written as the service writes it (see the module's note)."""
    from eldercare.services.subsidies import FIRST_MONTH, birth_of, category_members

    this_month = today.replace(day=1)
    have = set(Subsidy.objects.values_list("person_id", "kind"))
    people = Person.objects.filter(township__isnull=False, membership__isnull=False, birth_date__isnull=False)
    new = []
    # 高龄津贴: about 60 % of those who reached 80 by this month (alive then).
    cutoff = datetime.date(today.year - 80, today.month, 1)
    for pk, birth, number, died in (
        people.filter(birth_date__lte=cutoff)
        .values_list("pk", "birth_date", "id_number", "date_of_death")
        .iterator(5000)
    ):
        if (pk, "high_age") in have or _rng(pk, 21).random() >= HIGH_AGE_SHARE:
            continue
        have.add((pk, "high_age"))
        birth = birth_of(birth, number)
        eighty = (
            birth.replace(year=birth.year + 80)
            if (birth.month, birth.day) != (2, 29)
            else birth.replace(year=birth.year + 80, day=28)
        )
        start = max(FIRST_MONTH, eighty if eighty.day == 1 else _month_after(eighty))
        if start > this_month or (died is not None and died < start):
            continue
        new.append(_ended(Subsidy(person_id=pk, kind="high_age", starts_on=start, note=DEMO_NOTE, created_by=user),
                          died))  # fmt: skip
    # 护理补贴: the latest assessment moderate or worse, from the month after it.
    latest: dict[int, tuple] = {}
    for pk, day, level in Assessment.objects.order_by("person_id", "assessed_on", "id").values_list(
        "person_id", "assessed_on", "level"
    ):
        latest[pk] = (day, level)
    died_on = dict(Person.objects.filter(pk__in=list(latest)).values_list("pk", "date_of_death"))
    for pk, (day, level) in latest.items():
        start = max(FIRST_MONTH, _month_after(day))
        if level < 2 or (pk, "care") in have or start > this_month:
            continue
        died = died_on.get(pk)
        if died is not None and died < start:
            continue
        new.append(_ended(Subsidy(person_id=pk, kind="care", starts_on=start, note=DEMO_NOTE, created_by=user), died))
    # 服务补贴: living residents aged 60+ in a low-income category today.
    sixty = datetime.date(today.year - 60, today.month, 1)
    older = list(people.filter(birth_date__lte=sixty, date_of_death__isnull=True).values_list("pk", flat=True))
    for pk in sorted(category_members(older, today)):
        if (pk, "service") in have:
            continue
        have.add((pk, "service"))
        start = this_month.replace(year=this_month.year - _rng(pk, 22).randint(0, 2))
        new.append(Subsidy(person_id=pk, kind="service", starts_on=max(FIRST_MONTH, start), note=DEMO_NOTE,
                           created_by=user))  # fmt: skip
    Subsidy.objects.bulk_create(with_townships(new), batch_size=5000)
    return len(new)


def seed_subsidy_lists(today: datetime.date, maker, checker) -> list[str]:
    """The last three months built and approved (maker-checker), next month's a draft."""
    from core.models import PaymentBatch
    from core.payments import next_month, payment_batch_approve, payment_batch_build
    from eldercare.services.subsidies import PROGRAM

    if checker is None or checker.pk == maker.pk:
        return []
    built = set(PaymentBatch.objects.filter(program=PROGRAM).values_list("month", flat=True))
    this_month = today.replace(day=1)
    months = [_add_months(this_month, -k) for k in (2, 1, 0)]
    done = []
    for month in [*months, next_month(today)]:
        if month in built:
            continue
        batch = payment_batch_build(program=PROGRAM, month=month, user=maker)
        if batch.line_count and month <= this_month:
            batch = payment_batch_approve(batch=batch, user=checker)
        done.append(f"{month:%Y-%m} {batch.line_count:,} 人 {batch.total_amount:,} 元")
    return done


def seed_visit_intervals(user) -> int:
    from eldercare.services.visits import visit_interval_set

    have = set(VisitInterval.objects.values_list("group", flat=True))
    for group, days in DEMO_INTERVALS.items():
        if group not in have:
            visit_interval_set(user=user, group=group, days=days)
    return len(set(DEMO_INTERVALS) - have)


def seed_visit_targets(user, today: datetime.date) -> int:
    """The programme, bulk-written as visit_target_add writes it (see the module's note)."""
    from eldercare.services.subsidies import category_members

    have = set(VisitTarget.objects.values_list("person_id", "group"))
    new: list[VisitTarget] = []

    def add(pk, group, since, died=None):
        if (pk, group) in have or since > today or (died is not None and died <= since):
            return
        have.add((pk, group))
        target = VisitTarget(person_id=pk, group=group, since=since, note=DEMO_NOTE, created_by=user)
        if died is not None:  # as the person_died receiver ends it
            target.ended_on, target.end_reason = max(died, since), f"死亡 {died}"
        new.append(target)

    # 高龄: those on the high-age allowance, from the day it began (80 by then).
    for pk, start, died in Subsidy.objects.filter(kind="high_age").values_list(
        "person_id", "starts_on", "person__date_of_death"
    ):
        add(pk, "high_age", start, died)
    # 失能: the latest assessment moderate or worse, from the day after it.
    latest: dict[int, tuple] = {}
    for pk, day, level in Assessment.objects.order_by("person_id", "assessed_on", "id").values_list(
        "person_id", "assessed_on", "level"
    ):
        latest[pk] = (day, level)
    died_on = dict(Person.objects.filter(pk__in=list(latest)).values_list("pk", "date_of_death"))
    for pk, (day, level) in latest.items():
        if level >= 2:
            add(pk, "disabled", day, died_on.get(pk))
    # 特困、低保: living residents aged 60+ in the category half a year ago (from then) or today.
    half_year = today - datetime.timedelta(days=182)
    sixty = datetime.date(half_year.year - 60, half_year.month, 1)
    older = Person.objects.filter(
        township__isnull=False, membership__isnull=False, birth_date__lte=sixty, date_of_death__isnull=True
    )
    older_ids = list(older.values_list("pk", flat=True).distinct())
    for day in (half_year, today):
        for pk, codes in category_members(older_ids, day).items():
            for code in codes & {"tekun", "dibao"}:
                add(pk, code, day)
    # 独居、留守: what the townships found, a few of the older residents.
    for pk in older_ids:
        rng = _rng(pk, 31)
        roll = rng.random()
        if roll < 0.03:
            add(pk, "living_alone", today - datetime.timedelta(days=rng.randint(30, 900)))
        elif roll < 0.05:
            add(pk, "left_behind", today - datetime.timedelta(days=rng.randint(30, 900)))
    VisitTarget.objects.bulk_create(with_townships(new), batch_size=5000)
    return len(new)


def seed_visits(user, today: datetime.date) -> int:
    """Visits of everyone on the programme not yet visited in the demo, at about the shortest of
    their groups' intervals, from the later of joining and two years ago."""
    visited = set(Visit.objects.values_list("person_id", flat=True).distinct())
    plan: dict[int, list] = {}
    for pk, group, since, ended, died in VisitTarget.objects.values_list(
        "person_id", "group", "since", "ended_on", "person__date_of_death"
    ):
        if pk in visited:
            continue
        row = plan.setdefault(pk, [since, DEMO_INTERVALS[group], ended or died])
        row[0], row[1] = min(row[0], since), min(row[1], DEMO_INTERVALS[group])
    new = []
    for pk, (since, interval, stop) in plan.items():
        rng = _rng(pk, 32)
        last = min(today, stop) if stop else today
        if rng.random() < 0.15:  # lagging behind: the last visits were missed
            last -= datetime.timedelta(days=interval + rng.randint(5, 60))
        day = max(since, today - datetime.timedelta(days=730)) + datetime.timedelta(days=rng.randint(3, 20))
        while day <= last:
            new.append(Visit(person_id=pk, visited_on=day, way=rng.choice(["home", "home", "home", "phone", "video"]),
                             visitor=rng.choice(VISITORS), findings=rng.choice(FINDINGS),
                             follow_up=rng.choice(FOLLOW_UPS), created_by=user))  # fmt: skip
            day += datetime.timedelta(days=max(7, interval - rng.randint(0, 10)))
    Visit.objects.bulk_create(new, batch_size=5000)
    visit_targets_refresh()  # written in bulk: each entry's latest visit read once for all
    return len(new)


def seed_training(user, today: datetime.date) -> int:
    from eldercare.models import TrainingSession
    from eldercare.services.training import training_record

    have = set(TrainingSession.objects.values_list("title", "held_on"))
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    n = 0
    for year in range(2020, today.year + 1):
        rng = _rng(year, 41)
        courses = [(f"{year}年第{q}季度养老护理员职业技能培训", "care_worker", datetime.date(year, 3 * q, 15),
                    rng.randint(130, 170)) for q in range(1, 5)]  # fmt: skip
        courses.append((f"{year}年养老院院长培训班", "institution_head", datetime.date(year, 9, 20), rng.randint(4, 5)))
        for k, (title, audience, day, trainees) in enumerate(courses):
            if (title, day) in have or day > today:
                continue
            township = townships[(year + k) % len(townships)] if audience == "care_worker" and k % 2 else None
            training_record(user=user, title=title, audience=audience, held_on=day, trainees=trainees,
                            organiser="南安市民政局" if township is None else f"{township.name}人民政府",
                            township=township, note=DEMO_NOTE)  # fmt: skip
            n += 1
    return n


def seed_adaptations(user, today: datetime.date) -> int:
    from eldercare.models import HomeAdaptation
    from eldercare.services.adaptations import adaptation_advance, adaptation_apply

    have = set(HomeAdaptation.objects.values_list("person_id", flat=True))
    entries = Subsidy.objects.filter(kind="high_age").select_related("person").order_by("id")
    devices = ["grab_bar", "anti_slip", "ramp", "shower_chair", "toilet", "walker", "alarm", "night_light", "bed"]
    n = 0
    for entry in entries.iterator(2000):
        rng = _rng(entry.person_id, 51)
        if entry.person_id in have or rng.random() >= 0.05:
            continue
        person = entry.person
        stop = min(today, person.date_of_death - datetime.timedelta(days=1)) if person.date_of_death else today
        span = (stop - entry.starts_on).days
        if span < 0:
            continue
        applied = entry.starts_on + datetime.timedelta(days=rng.randint(0, span))
        a = adaptation_apply(user=user, person=person, applied_on=applied, note=DEMO_NOTE)
        n += 1
        day = applied + datetime.timedelta(days=rng.randint(3, 15))
        if day > stop:
            continue
        if rng.random() < 0.08:
            adaptation_advance(user=user, adaptation=a, action="refuse", on=day, reason="家属不同意改造")
            continue
        a = adaptation_advance(user=user, adaptation=a, action="survey", on=day,
                               findings=rng.choice(["卫生间无扶手、地面湿滑", "门槛高差大，夜间照明不足",
                                                    "行动不便，需助行器和紧急呼叫装置"]))  # fmt: skip
        day += datetime.timedelta(days=rng.randint(10, 40))
        if day > stop:
            continue
        chosen = rng.sample(devices, rng.randint(1, 4))
        cost = f"{rng.randint(800, 6000)}.{rng.choice(['00', '50'])}"
        a = adaptation_advance(user=user, adaptation=a, action="complete_works", on=day, cost=cost, devices=chosen)
        day += datetime.timedelta(days=rng.randint(3, 15))
        if day <= stop:
            adaptation_advance(user=user, adaptation=a, action="accept", on=day)
    return n


def seed(*, scale: float, log=print) -> None:
    today = datetime.date.today()
    user = User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk").first()
    if user is None:
        log("  eldercare: no staff user to record the demo data with; skipped")
        return
    institutions, counts = seed_institutions(user, today)
    facilities = seed_facilities(user, today)
    assessments = seed_assessments(user, today)
    standards = seed_subsidy_standards(user)
    subsidies = seed_subsidies(user, today)
    checker = (
        User.objects.filter(role__in=[Role.ADMIN, Role.STAFF], is_active=True)
        .exclude(pk=user.pk)
        .order_by("pk")
        .first()
    )
    lists = seed_subsidy_lists(today, user, checker)
    intervals = seed_visit_intervals(user)
    targets = seed_visit_targets(user, today)
    visits = seed_visits(user, today)
    training = seed_training(user, today)
    adaptations = seed_adaptations(user, today)
    log(
        f"  eldercare: {institutions} institutions, {counts} bed counts, {facilities} facilities, {assessments} assessments, "
        f"{standards} subsidy standards, {subsidies} subsidy entries, lists: {'; '.join(lists) or '-'}; "
        f"{intervals} visit intervals, {targets} visit targets, {visits} visits, {training} training sessions, "
        f"{adaptations} home adaptations"
    )
