"""Demo data for social organisations and social work (called by `seed_demo` after core's people).

- The registry: 708 organisations standing at the end of 2020 (the plan's real figure), about 30
  registered and 10 deregistered a year after, so indicator 10 follows the plan's Table 2 (728 in
  2021 … 808 in 2025). Names, codes and dates are invented; codes carry valid check characters.
  Organisations are checked by the registry's own rule (check_organisation) and written as the
  registry import writes them; deregistrations go through organisation_change_status.
- Annual reports for every year owed, most on time, a few late or missing; the 1 June check runs
  for each past year (annual_report_check), and late reports are recorded through the service after
  it (so they take the organisation off the abnormal list, as in real life).
- Grade evaluations (about 120 evaluated, 64 at 3A or above, as the plan counted) through
  grade_record; random inspections through supervision_record.
- Social workers on record so that indicator 11 follows the plan (1.6‰ in 2020 to 2.1‰ in 2025 of
  the demo's resident population), chosen among the demo's adults and topped up with new people
  when the registry is small; a social-work station in every township by 2023 (Table 3 item 7).
- A community comprehensive service facility in every demo village, new ones each year, areas set
  so that indicator 5 follows the plan (35 m² per 100 households in 2021 … 40 in 2025), and the
  volunteer stations they host rising from 60 % (2021) to 80 % (2025) for indicator 12.

Idempotent: a second run adds nothing. Deterministic: the same data on every machine."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from stdnum.cn import uscc

from core.bulk import bulk_insert
from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, VILLAGE_WORDS, Seeder, ensure_villages
from core.exceptions import FieldErrors
from core.models import Division, Person, User
from orgs.models import (
    AnnualReport,
    CommunityFacility,
    Organisation,
    SocialWorker,
    SocialWorkStation,
    StatusChange,
    Supervision,
)
from orgs.services.grades import eligible_from, grade_record
from orgs.services.organisations import check_organisation, organisation_change_status, status_history_for_new
from orgs.services.reports import annual_report_check, annual_report_record, due_date, organisations_owing
from orgs.services.supervision import supervision_record

STANDING_2020 = 708
REGISTERED_A_YEAR, DEREGISTERED_A_YEAR = 30, 10
#: Table 2 targets the demo follows (indicators 5, 11, 12).
AREA_PER_100 = {2020: 33.4, 2021: 35, 2022: 36.5, 2023: 38, 2024: 39, 2025: 40}
WORKERS_PER_1000 = {2020: 1.6, 2021: 1.7, 2022: 1.8, 2023: 1.9, 2024: 2.0, 2025: 2.1}
STATION_SHARE = {2020: 0.55, 2021: 0.6, 2022: 0.65, 2023: 0.7, 2024: 0.75, 2025: 0.8}
#: Must match indicators.demo's base statistics (resident population and households per year).
CENSUS_2020 = 1_517_514
TYPE_WEIGHTS = [
    (Organisation.Type.ASSOCIATION, 0.45), (Organisation.Type.SOCIAL_SERVICE_AGENCY, 0.53),
    (Organisation.Type.FOUNDATION, 0.02),
]  # fmt: skip
WORDS = {
    Organisation.Type.ASSOCIATION: ["老年人协会", "商会", "篮球协会", "书法家协会", "慈善会", "志愿者协会", "茶文化研究会",
                                    "摄影家协会", "乡贤促进会", "宗亲联谊会", "红十字会", "武术协会", "石材行业协会"],
    Organisation.Type.SOCIAL_SERVICE_AGENCY: ["幼儿园", "社会工作服务中心", "养老服务中心", "培训学校", "文化艺术中心",
                                              "康复服务中心", "青少年活动中心", "社区服务中心", "体育俱乐部"],
    Organisation.Type.FOUNDATION: ["教育基金会", "慈善基金会", "助学基金会"],
}  # fmt: skip
SUPERVISING = ["南安市教育局", "南安市民政局", "南安市文体旅局", "南安市工商业联合会", "南安市卫生健康局"]


def _rng(n: int) -> random.Random:
    return random.Random(n)  # noqa: S311 (demo data, not security)


def _years():
    return range(2020, datetime.date.today().year + 1)


def seed(*, scale: float, log) -> None:
    staff = User.objects.filter(username="staff").first()
    today = datetime.date.today()
    if Organisation.objects.exists():
        log("  orgs: demo data already present")
        return
    with transaction.atomic():
        orgs = _organisations(staff, today)
        reports = _reports_and_checks(staff, today)
        grades = _grades(staff, today)
        workers = _workers(today)
        stations = _stations(today)
        facilities = _facilities(today)
    log(
        f"  orgs: {orgs} organisations, {reports} annual reports, {grades} grades, {workers} social workers, "
        f"{stations} stations, {facilities} community facilities"
    )


def _code(rng: random.Random, org_type: str, used: set) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        body = (
            "5" + Organisation.TYPE_CHARACTER[org_type] + "350583" + "MJ" + "".join(rng.choice(chars) for _ in range(7))
        )
        code = body + uscc.calc_check_digit(body)
        if code not in used:
            used.add(code)
            return code


def _organisations(staff, today) -> int:
    rng = _rng(3501)
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    # The city centre's streets hold more organisations than the mountain townships.
    weights = [3 if t.kind == Division.Kind.STREET else 1 for t in townships]
    used_codes, used_names = set(), set()
    plan = [(datetime.date(2020, 12, 31), STANDING_2020 + 60)]  # 60 of them deregistered before 2021
    for year in _years():
        if year > 2020:
            end = min(datetime.date(year, 12, 31), today)
            plan.append((end, REGISTERED_A_YEAR if end.year < today.year else REGISTERED_A_YEAR * today.month // 12))
    new = []
    for end, count in plan:
        for _i in range(count):
            org_type = rng.choices([t for t, _w in TYPE_WEIGHTS], [w for _t, w in TYPE_WEIGHTS])[0]
            township = rng.choices(townships, weights)[0]
            if end.year == 2020:
                registered = datetime.date(1995, 1, 1) + datetime.timedelta(
                    days=rng.randrange((end - datetime.date(1995, 1, 1)).days)
                )
            else:
                registered = datetime.date(end.year, 1, 1) + datetime.timedelta(
                    days=rng.randrange((end - datetime.date(end.year, 1, 1)).days + 1)
                )
            while True:
                word = rng.choice(WORDS[org_type])
                name = f"南安市{township.name}{rng.choice(VILLAGE_WORDS)}{rng.choice(VILLAGE_WORDS)}{word}"
                if name not in used_names:
                    used_names.add(name)
                    break
            party = rng.random() < 0.35
            org = Organisation(
                name=name, credit_code=_code(rng, org_type, used_codes), type=org_type, registered_on=registered,
                township=township, address=f"{township.name}{rng.choice(VILLAGE_WORDS)}{rng.choice(VILLAGE_WORDS)}路{rng.randrange(1, 300)}号",
                legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN_MALE + GIVEN_FEMALE) + rng.choice(GIVEN_MALE),
                business_scope="依照章程开展公益服务、交流与培训活动",
                supervising_unit=rng.choice(SUPERVISING) if org_type == Organisation.Type.ASSOCIATION else "",
                registered_capital=Decimal(rng.choice([30000, 50000, 100000, 2000000 if org_type == "foundation" else 30000])),
                party_organisation=party,
                party_organisation_on=max(registered, datetime.date(2018, 1, 1)) + datetime.timedelta(days=rng.randrange(700)) if party else None,
                charity=org_type == Organisation.Type.FOUNDATION or rng.random() < 0.03,
            )  # fmt: skip
            if org.party_organisation_on and org.party_organisation_on > today:
                org.party_organisation_on = today
            org.public_fundraising = org.charity and rng.random() < 0.3
            errors = FieldErrors()
            check_organisation(errors, org)
            errors.raise_if_any()  # the demo holds only what the registry's rule accepts
            new.append(org)
    created = bulk_insert(Organisation, new, user=staff, reason="演示数据")
    StatusChange.objects.bulk_create([c for org in created for c in status_history_for_new(org, staff)])
    # Deregistrations: 60 before 2021 (so 708 stand at its end), then about ten a year.
    standing = sorted(created, key=lambda o: (o.registered_on, o.pk))
    plan_out = [(datetime.date(2020, 12, 31), 60)] + [
        (min(datetime.date(y, 12, 31), today), DEREGISTERED_A_YEAR) for y in _years() if y > 2020
    ]
    gone = set()
    for end, count in plan_out:
        candidates = [o for o in standing if o.pk not in gone and o.registered_on < datetime.date(end.year, 1, 1)]
        for org in rng.sample(candidates, count):
            day = datetime.date(end.year, 1, 1) + datetime.timedelta(
                days=rng.randrange((end - datetime.date(end.year, 1, 1)).days + 1)
            )
            if end.year == 2020:
                day = max(org.registered_on, datetime.date(2016, 1, 1)) + datetime.timedelta(days=rng.randrange(300))
                day = min(day, end)
            day = max(day, org.registered_on)
            status = Organisation.Status.REVOKED if rng.random() < 0.2 else Organisation.Status.DEREGISTERED
            organisation_change_status(user=staff, organisation=org, status=status, changed_on=day,
                                       reason="长期未开展活动，依法撤销登记" if status == "revoked" else "自行申请注销")  # fmt: skip
            gone.add(org.pk)
    return len(created)


def _reports_and_checks(staff, today) -> int:
    """Each past year: the on-time reports (written as annual_report_record writes them), the 1 June
    check, then the late reports through the service."""
    rng = _rng(3502)
    total = 0
    for year in range(2020, today.year):
        due = due_date(year)
        owing = list(organisations_owing(year, min(due, today)).order_by("pk"))
        on_time, late = [], []
        for org in owing:
            fate = rng.random()
            if fate < 0.93:
                on_time.append(org)
            elif fate < 0.96:
                late.append(org)
        AnnualReport.objects.bulk_create(
            [AnnualReport(organisation=o, year=year, submitted_on=datetime.date(year + 1, 3, 1) + datetime.timedelta(days=rng.randrange(91)),
                          result=rng.choices(["passed", "basic", "failed"], [0.9, 0.08, 0.02])[0], recorded_by=staff)
             for o in on_time]
        )  # fmt: skip
        total += len(on_time)
        check_day = datetime.date(year + 1, 6, 1)
        if check_day > today:
            continue
        annual_report_check(year=year, run_on=check_day)
        for org in late:
            submitted = check_day + datetime.timedelta(days=rng.randrange(1, 120))
            if submitted <= today:
                annual_report_record(user=staff, organisation=org, year=year, submitted_on=submitted, result="basic")
                total += 1
    return total


def _grades(staff, today) -> int:
    """About 120 evaluated, 64 at 3A or above (the plan's count at the end of 2020 was 64 of 116)."""
    rng = _rng(3503)
    pool = [o for o in Organisation.objects.filter(status=Organisation.Status.REGISTERED).order_by("pk")
            if eligible_from(o) <= today - datetime.timedelta(days=30)]  # fmt: skip
    chosen = rng.sample(pool, min(120, len(pool)))
    grades = ["5A"] * 8 + ["4A"] * 20 + ["3A"] * 36 + ["2A"] * 34 + ["1A"] * 22
    for org, grade in zip(chosen, grades, strict=False):
        start = max(eligible_from(org), datetime.date(2021, 1, 1))
        day = start + datetime.timedelta(days=rng.randrange(max(1, (today - start).days)))
        grade_record(user=staff, organisation=org, grade=grade, evaluated_on=day)
    for org in rng.sample(pool, min(40, len(pool))):
        start = max(org.registered_on, datetime.date(2021, 1, 1))
        day = start + datetime.timedelta(days=rng.randrange(max(1, (today - start).days)))
        supervision_record(user=staff, organisation=org, kind=Supervision.Kind.RANDOM_INSPECTION, done_on=day,
                           result=rng.choice(["no_issue", "no_issue", "rectify", "rectified"]))  # fmt: skip
    return min(120, len(chosen))


def _population(year: int) -> int:
    return round(CENSUS_2020 * (1 + 0.004 * (year - 2020)))


def _workers(today) -> int:
    rng = _rng(3504)
    townships = list(
        Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).values_list("code", flat=True)
    )
    need = {y: round(WORKERS_PER_1000[y] * _population(y) / 1000) for y in _years() if y in WORKERS_PER_1000}
    total = max(need.values())
    adults = list(
        Person.objects.filter(date_of_death__isnull=True, birth_date__lte=datetime.date(2000, 1, 1),
                              birth_date__gte=datetime.date(1965, 1, 1)).order_by("pk").values_list("pk", "township_id")[: total]
    )  # fmt: skip
    seeder = Seeder.start(today)
    villages = ensure_villages()
    extra = []
    # A small demo registry has too few adults: the rest are residents outside the demo households,
    # each with a village of their township, as a registry import of the workers would give.
    for _i in range(total - len(adults)):
        male = rng.random() < 0.3
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(30 * 365))
        township = rng.choice(townships)
        extra.append(Person(name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_MALE if male else GIVEN_FEMALE) for _ in range(2)),
                            id_number=seeder.id_number(birth, male), birth_date=birth, sex="M" if male else "F",
                            township_id=township,
                            village_id=rng.choice(villages[township]) if villages.get(township) else None))  # fmt: skip
    Person.objects.bulk_create(extra, batch_size=2000)
    people = adults + [(p.pk, p.township_id) for p in extra]
    rng.shuffle(people)
    workers, index = [], 0
    for year, count in sorted(need.items()):
        while index < count and index < len(people):
            pk, township = people[index]
            level = rng.choices(list(SocialWorker.Level), [0.7, 0.28, 0.02])[0]
            workers.append(SocialWorker(person_id=pk, level=level, certificate_no=f"NA{year}{index:06d}",
                                        certified_year=year if year > 2020 else rng.randrange(2008, 2021),
                                        employer="南安市社会工作服务中心", township_id=township or rng.choice(townships)))  # fmt: skip
            index += 1
    SocialWorker.objects.bulk_create(workers, batch_size=2000)
    return len(workers)


def _stations(today) -> int:
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    stations = []
    for i, t in enumerate(townships):
        opened = datetime.date(2021 + (i * 3) // len(townships), 3 + i % 9, 1)
        if opened > today:
            continue
        stations.append(SocialWorkStation(township=t, name=f"{t.name}社会工作服务站", opened_on=opened,
                                          staff_count=2 + i % 4, operator="南安市社会工作服务中心"))  # fmt: skip
    SocialWorkStation.objects.bulk_create(stations)
    return len(stations)


def _facilities(today) -> int:
    """A facility in every demo village before 2020 and new ones each year, the areas following
    indicator 5's targets; volunteer stations following indicator 12's."""
    rng = _rng(3505)
    villages_by_township = ensure_villages()
    villages = sorted((code, township) for township, codes in villages_by_township.items() for code in codes)
    names = dict(Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", "name"))
    facilities = []
    households = {y: _population(y) / 3.1 for y in _years()}
    area_so_far = Decimal(0)
    for year in _years():
        if year not in AREA_PER_100:
            break
        target = Decimal(str(AREA_PER_100[year])) * Decimal(households[year]) / 100
        if year == 2020:
            count, start, span = len(villages), datetime.date(2008, 1, 1), 12 * 365
        else:
            count, start, span = max(1, len(villages) // 10), datetime.date(year, 1, 1), 300
            if start > today:
                break
        added = target - area_so_far
        for i in range(count):
            code, township = villages[(i * 7 + year) % len(villages)] if year > 2020 else villages[i]
            area = (added / count).quantize(Decimal("0.01"))
            day = start + datetime.timedelta(days=rng.randrange(span))
            if day > today:
                day = today
            name = f"{names[code]}综合服务中心" if year == 2020 else f"{names[code]}党群服务中心（{year}年新建）"
            facilities.append(CommunityFacility(village_id=code, township_id=township, name=name, floor_area_m2=area,
                                                in_use_from=day))  # fmt: skip
        area_so_far += (added / count).quantize(Decimal("0.01")) * count
    # Volunteer stations: by the end of each year the target share of the facilities in use hosts one.
    hosted = 0
    for year in _years():
        if year not in STATION_SHARE:
            break
        end = min(datetime.date(year, 12, 31), today)
        in_use = [f for f in facilities if f.in_use_from <= end]
        goal = round(STATION_SHARE[year] * len(in_use))
        for f in in_use:
            if hosted >= goal:
                break
            if f.volunteer_station_since is None:
                since = max(f.in_use_from, datetime.date(year, 1, 1) if year > 2020 else f.in_use_from)
                f.volunteer_station_since = min(since + datetime.timedelta(days=rng.randrange(60)), end)
                hosted += 1
    CommunityFacility.objects.bulk_create(facilities, batch_size=2000)
    return len(facilities)
