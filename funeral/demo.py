"""Demo data for funeral services (called by `seed_demo` after core's people and assistance's cases).

- Facilities: the city's funeral home, a county-level public-welfare cemetery and ash hall, an ash
  hall in each of the 26 townships (the plan inspects "26个乡镇（街道）骨灰堂"), a few township
  public cemeteries, a commercial cemetery and one still being built. Names of the township
  facilities and all capacities are invented for the demo.
- Deaths from 2020 to the current month at a crude death rate of about 6‰ a year among the demo households' people,
  each recorded in core through people_record_death, in one batch (so assistance stops payments and re-checks);
  the funeral home's ledger also holds residents outside the demo registry (topping a small demo up
  to MIN_LEDGER_PER_YEAR a year; created as people already deceased), a few of unknown identity.
- Placements with the eco share rising from 98 % (2020) to 99 % (2025) as in the plan's Table 2;
  fee waivers for the deceased who were in an eligible category on the date of death; a handful of
  illegal-tomb rectification cases.

Idempotent: a second run adds nothing; a larger --scale adds the difference. Deterministic: a
person's fate depends on their id only."""

import datetime
import random
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Ceil, Greatest
from django.utils import timezone

from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, Seeder
from core.models import Division, HouseholdMember, Person, User
from core.roles import Role
from core.services.people import people_record_death
from funeral.models import DeathRecord, Facility, FeeItem, Placement, TombCase, Waiver, WaiverLine
from funeral.services.configuration import waiver_category_add
from funeral.services.placements import slot_field
from funeral.services.records import DEATH_SOURCE
from funeral.services.waivers import waiver_compute, waiver_eligibility

#: 2020 to the current year: the ledger reaches the current month, as the other apps' demo data does.
YEARS = range(2020, datetime.date.today().year + 1)
DEATH_RATE = 0.006  # crude death rate per year
#: The ledger holds at least this many deceased a year: at small scales the demo registry's own deaths
#: (6‰ of 3,000 people is 18 a year) are too few for a 98 % share to mean anything, so residents from
#: outside the registry make up the difference. At city scale (9,000 deaths a year) none are added.
MIN_LEDGER_PER_YEAR = 120
#: Plan Table 2 indicator 7: 98 % in 2020 rising by 0.2 points a year to 99 % in 2025.
ECO_SHARE = {year: Decimal("0.98") + Decimal("0.002") * (year - 2020) for year in YEARS}
ECO_MIX = [
    (Placement.Form.HALL_NICHE, 70),
    (Placement.Form.WALL_NICHE, 10),
    (Placement.Form.TREE, 7),
    (Placement.Form.LAWN, 4),
    (Placement.Form.FLOWER, 3),
    (Placement.Form.DEEP, 4),
    (Placement.Form.SEA, 2),
]
URN_PRICES = [Decimal(p) for p in ("160", "180", "200", "200", "260", "380")]
FUNERAL_HOME = "南安市殡仪馆"
COUNTY_CEMETERY = "南安市梅岭古园（公益性公墓）"
COUNTY_HALL = "南安市公益性骨灰楼堂"
COMMERCIAL = "南安市福寿园（经营性公墓）"
TOWNSHIP_CEMETERIES = ("350583113", "350583119", "350583118", "350583106")  # 洪濑 水头 官桥 诗山
PLANNED_CEMETERY = "350583120"  # 石井
DEMO_NOTE = "演示数据"


def _rng(*key: int) -> random.Random:
    """A generator seeded by integers only (hash() of strings changes between processes)."""
    n = 1469598103934665603
    for k in key:
        n = ((n ^ k) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return random.Random(n)  # noqa: S311 (demo data, not security)


def ensure_facilities() -> dict[str, Facility]:
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    wanted = [
        {"name": FUNERAL_HOME, "kind": Facility.Kind.FUNERAL_HOME, "level": Facility.Level.COUNTY, "township_id": "350583002",
             "opened_on": datetime.date(1998, 6, 1)},
        {"name": COUNTY_CEMETERY, "kind": Facility.Kind.PUBLIC_CEMETERY, "level": Facility.Level.COUNTY,
             "township_id": "350583003", "grave_capacity": 12000, "graves_used": 7400, "niche_capacity": 6000, "niches_used": 3100,
             "opened_on": datetime.date(2006, 4, 1), "note": "规划：梅岭古园扩建项目"},
        {"name": COUNTY_HALL, "kind": Facility.Kind.ASH_HALL, "level": Facility.Level.COUNTY, "township_id": "350583002",
             "niche_capacity": 30000, "niches_used": 16500, "opened_on": datetime.date(2012, 10, 1)},
        {"name": COMMERCIAL, "kind": Facility.Kind.COMMERCIAL_CEMETERY, "level": Facility.Level.COUNTY,
             "township_id": "350583116", "grave_capacity": 5000, "graves_used": 3900, "opened_on": datetime.date(2003, 3, 1)},
    ]  # fmt: skip
    for t in townships:
        rng = _rng(int(t.code), 1)
        capacity = rng.choice([3000, 4000, 5000, 6000, 8000])
        wanted.append(
            {"name": f"{t.name}骨灰堂", "kind": Facility.Kind.ASH_HALL, "level": Facility.Level.TOWNSHIP, "township_id": t.code,
                 "niche_capacity": capacity, "niches_used": int(capacity * rng.uniform(0.35, 0.7)),
                 "opened_on": datetime.date(rng.randint(2008, 2014), rng.randint(1, 12), 1)}
        )  # fmt: skip
    names = {t.code: t.name for t in townships}
    for code in TOWNSHIP_CEMETERIES:
        wanted.append(
            {"name": f"{names[code]}公益性公墓", "kind": Facility.Kind.PUBLIC_CEMETERY, "level": Facility.Level.TOWNSHIP,
                 "township_id": code, "grave_capacity": 2500, "graves_used": 1100, "niche_capacity": 1000, "niches_used": 200,
                 "opened_on": datetime.date(2015, 5, 1)}
        )  # fmt: skip
    wanted.append(
        {"name": f"{names[PLANNED_CEMETERY]}公益性公墓（在建）", "kind": Facility.Kind.PUBLIC_CEMETERY,
             "level": Facility.Level.TOWNSHIP, "township_id": PLANNED_CEMETERY, "grave_capacity": 3000,
             "status": Facility.Status.PLANNED}
    )  # fmt: skip
    existing = set(Facility.objects.values_list("name", flat=True))
    new = []
    for row in wanted:
        if row["name"] not in existing:
            row.setdefault("note", DEMO_NOTE)
            new.append(Facility(**row))
    Facility.objects.bulk_create(new)
    return {f.name: f for f in Facility.objects.all()}


def _demo_user() -> User:
    user = User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk").first()
    return user or User.objects.filter(is_superuser=True).order_by("pk").first()


def _date_in(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def _household_deaths(today: datetime.date) -> list[tuple[int, datetime.date]]:
    """(person id, date of death) for the demo registry's people: the older ones (born 1965 or
    earlier) die with a fixed chance per person, so that deaths are ~6‰ of everyone a year."""
    everyone = HouseholdMember.objects.count()
    # Those already dead through a funeral record stay candidates, so a second run draws the same.
    candidates = list(
        HouseholdMember.objects.filter(person__birth_date__year__lte=1965)
        .filter(Q(person__date_of_death__isnull=True) | Q(person__death_record__isnull=False))
        .values_list("person_id", "person__birth_date")
    )
    if not candidates:
        return []
    chance = min(1.0, DEATH_RATE * len(YEARS) * everyone / len(candidates))
    out = []
    for person_id, birth in candidates:
        rng = _rng(person_id, 2)
        if rng.random() >= chance:
            continue
        died = _date_in(rng, rng.choice(list(YEARS)))
        if birth and died > birth and died < today:
            out.append((person_id, died))
    return out


def _placement_plan(records: list[DeathRecord], facilities: dict[str, Facility], existing: Counter):
    """Placements for new records: per year, enough traditional graves to keep the eco share at
    the year's target counting the placements already there."""
    by_year: dict[int, list[DeathRecord]] = defaultdict(list)
    for r in records:
        by_year[r.date_of_death.year].append(r)
    township_halls = {
        f.township_id: f
        for f in facilities.values()
        if f.kind == Facility.Kind.ASH_HALL and f.level == Facility.Level.TOWNSHIP
    }
    township_cemeteries = {
        f.township_id: f
        for f in facilities.values()
        if f.kind == Facility.Kind.PUBLIC_CEMETERY and f.level == Facility.Level.TOWNSHIP and f.opened_on
    }
    placements = []
    today = datetime.date.today()
    forms, weights = zip(*ECO_MIX, strict=True)
    for year, rows in by_year.items():
        rows.sort(key=lambda r: (r.date_of_death, r.certificate_no))
        total = existing[(year, "all")] + len(rows)
        non_eco_target = round(total * (1 - ECO_SHARE.get(year, Decimal("0.99"))))
        non_eco_new = max(0, non_eco_target - existing[(year, "non_eco")])
        rng = _rng(year, 3, len(rows))
        traditional = set(rng.sample(range(len(rows)), min(non_eco_new, len(rows))))
        for i, record in enumerate(rows):
            r = _rng(record.date_of_death.toordinal(), i, 4)
            if record.date_of_death > today - datetime.timedelta(days=30) and r.random() < 0.3:
                continue  # ashes still kept at the funeral home
            base = record.cremation_date or record.date_of_death
            placed_on = min(base + datetime.timedelta(days=r.randint(1, 20)), datetime.date(year, 12, 31), today)
            if i in traditional:
                form = Placement.Form.TRADITIONAL
                facility = township_cemeteries.get(record.township_id) or facilities[COMMERCIAL]
                place = f"{r.choice('ABCD')}区{r.randint(1, 40)}排{r.randint(1, 30)}号"
            else:
                form = r.choices(forms, weights)[0]
                if form == Placement.Form.SEA:
                    facility, place = None, "泉州湾海域"
                elif form == Placement.Form.HALL_NICHE:
                    facility = township_halls.get(record.township_id) if r.random() < 0.8 else None
                    facility = facility or facilities[COUNTY_HALL]
                    place = f"{r.randint(1, 6)}楼{r.randint(1, 40)}排{r.randint(1, 60)}号"
                elif form == Placement.Form.WALL_NICHE:
                    facility = facilities[COUNTY_CEMETERY]
                    place = f"纪念墙{r.randint(1, 12)}区{r.randint(1, 300)}号"
                else:
                    facility = township_cemeteries.get(record.township_id) or facilities[COUNTY_CEMETERY]
                    place = f"生态园{r.randint(1, 8)}区"
            placements.append(Placement(record=record, form=form, facility=facility, place=place, placed_on=placed_on))
    return placements


def _existing_placements() -> Counter:
    counts: Counter = Counter()
    for placed_on, form in Placement.objects.values_list("placed_on", "form"):
        counts[(placed_on.year, "all")] += 1
        if form not in Placement.ECO_FORMS:
            counts[(placed_on.year, "non_eco")] += 1
    return counts


def _extra_people(today, seeder: Seeder, townships, villages, target_per_year: int):
    """Deceased residents outside the demo registry, keyed by a certificate number per year."""
    existing = set(DeathRecord.objects.filter(certificate_no__startswith="HZ").values_list("certificate_no", flat=True))
    people, specs = [], []
    for year in YEARS:
        for i in range(target_per_year):
            cert = f"HZ{year}9{i:05d}"
            if cert in existing:
                continue
            rng = _rng(year, i, 5)
            died = _date_in(rng, year)
            if died >= today:
                continue
            township = rng.choice(townships)
            unknown = i % 97 == 13
            if unknown:
                specs.append((cert, None, township, died))
                continue
            male = rng.random() < 0.55
            age = min(100, max(30, int(rng.gauss(78, 11))))
            birth = died - datetime.timedelta(days=age * 365 + rng.randrange(365))
            grade = rng.choice([1, 2]) if rng.random() < 0.05 else None
            person = Person(
                name=rng.choice(SURNAMES)
                + "".join(rng.choice(GIVEN_MALE if male else GIVEN_FEMALE) for _ in range(rng.choice([1, 2]))),
                id_number=seeder.id_number(birth, male),
                birth_date=birth,
                sex="M" if male else "F",
                township_id=township,
                village_id=rng.choice(villages[township]) if villages.get(township) else None,
                disability_category="physical" if grade else "",
                disability_grade=grade,
                date_of_death=died,
            )
            people.append(person)
            specs.append((cert, person, township, died))
    return people, specs


@transaction.atomic
def seed(*, scale: float, log=print) -> None:
    today = datetime.date.today()
    user = _demo_user()
    if user is None:
        log("  funeral: no staff user to record the demo data with; skipped")
        return
    facilities = ensure_facilities()
    home = facilities[FUNERAL_HOME]
    # The bureau's configuration for the demo: severely disabled residents are waived too.
    waiver_category_add(user=user, code="severe_disability")

    # Deaths of the demo registry's people, recorded in core (every app hears of them).
    new_records = []
    deaths = _household_deaths(today)
    recorded = set(
        DeathRecord.objects.filter(person_id__in=[pid for pid, _d in deaths]).values_list("person_id", flat=True)
    )
    deaths = [(pid, d) for pid, d in deaths if pid not in recorded]
    people = Person.objects.in_bulk([pid for pid, _d in deaths])
    for person_id, died in deaths:
        rng = _rng(person_id, 6)
        person = people[person_id]
        new_records.append(
            DeathRecord(
                person=person, township_id=person.township_id, date_of_death=died,
                cremation_date=min(died + datetime.timedelta(days=rng.randint(1, 4)), today),
                funeral_home=home, certificate_no=f"HZ{died.year}{person_id:06d}",
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN_MALE) + rng.choice(GIVEN_MALE),
                contact_phone=f"13{rng.randint(0, 999999999):09d}", created_by=user,
            )
        )  # fmt: skip
    DeathRecord.objects.bulk_create(new_records)
    # One batch (core's people_record_death, one people_died event): at --scale 500 these are
    # thousands of deaths, which one at a time cost some fifty queries each.
    people_record_death(user=user, deaths=[(r.person, r.date_of_death) for r in new_records], source=DEATH_SOURCE)

    # The rest of the funeral home's ledger.
    everyone = HouseholdMember.objects.count()
    per_year = max(0, MIN_LEDGER_PER_YEAR - round(everyone * DEATH_RATE))
    townships = list(
        Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    villages: dict[str, list[str]] = defaultdict(list)
    for code, parent in Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", "parent_id"):
        villages[parent].append(code)
    extra_people, specs = _extra_people(today, Seeder.start(today), townships, villages, per_year)
    Person.objects.bulk_create(extra_people)
    extra_records = []
    for cert, person, township, died in specs:
        rng = _rng(died.toordinal(), int(cert[2:]), 7)
        extra_records.append(
            DeathRecord(
                person=person, identity_unknown=person is None, township_id=township, date_of_death=died,
                unknown_description="" if person else rng.choice(["无名男性，约60岁", "无名女性，约70岁", "无名男性，约45岁"]),
                cremation_date=min(died + datetime.timedelta(days=rng.randint(1, 4 if person else 30)), today),
                funeral_home=home, certificate_no=cert,
                contact_name="" if person is None else rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE),
                contact_phone="" if person is None else f"15{rng.randint(0, 999999999):09d}", created_by=user,
            )
        )  # fmt: skip
    DeathRecord.objects.bulk_create(extra_records)
    records = new_records + extra_records

    # Placements, and the facilities' used counts with them.
    placements = _placement_plan(records, facilities, _existing_placements())
    Placement.objects.bulk_create(placements)
    used: Counter = Counter()
    for p in placements:
        field = slot_field(p.form)
        if p.facility_id and field:
            used[(p.facility_id, field)] += 1
    capacity_of = {"graves_used": "grave_capacity", "niches_used": "niche_capacity"}
    for (facility_id, field), n in used.items():
        # The demo's capacities are invented for a small city; at city scale (9,000 deaths a year)
        # a facility grows to hold what the demo places in it, leaving 10 % room.
        cap = capacity_of[field]
        Facility.objects.filter(pk=facility_id).update(
            **{field: F(field) + n, cap: Greatest(F(cap), Ceil((F(field) + n) * 1.1))}, updated_at=timezone.now()
        )

    # Fee waivers for those who were in an eligible category when they died (the registry says).
    # Only registry people can be in assistance's categories; others only through a disability.
    registry = {r.pk for r in new_records}
    candidates = [r for r in records if r.person_id and (r.pk in registry or r.person.disability_grade in (1, 2))]
    waivers, lines = [], []
    for record in candidates:
        codes = waiver_eligibility(record=record)
        if not codes:
            continue
        rng = _rng(record.pk, 8)
        items = [FeeItem.TRANSPORT, FeeItem.BODY_BAG, FeeItem.CREMATION, FeeItem.URN]
        if rng.random() < 0.8:
            items.append(FeeItem.COLD_STORAGE)
        record_lines = waiver_compute(record=record, items=items, urn_price=rng.choice(URN_PRICES))
        waiver = Waiver(
            record=record, granted_on=record.cremation_date or record.date_of_death, categories=codes,
            total=sum((line.amount for line in record_lines), Decimal(0)), granted_by=user,
        )  # fmt: skip
        waivers.append(waiver)
        lines.append(record_lines)
    Waiver.objects.bulk_create(waivers)
    for waiver, record_lines in zip(waivers, lines, strict=True):
        for line in record_lines:
            line.waiver = waiver
    WaiverLine.objects.bulk_create([line for record_lines in lines for line in record_lines])

    tombs = _seed_tombs(user, townships, villages, target=min(60, max(8, round(12 * scale))))
    log(
        f"  funeral: {len(facilities)} facilities, +{len(records):,} death records "
        f"({len(new_records)} of registry people), +{len(placements):,} placements, +{len(waivers)} waivers, "
        f"+{tombs} tomb cases"
    )


TOMB_PLACES = ["后山林地", "村道旁坡地", "水库上游山坡", "耕地边", "溪边荒地", "公路可视范围山体"]
TOMB_NOTES = {
    TombCase.Action.DEMOLISHED: "已拆除并清理墓体",
    TombCase.Action.REDUCED: "按标准缩小墓穴占地，拆除超标构筑物",
    TombCase.Action.RELOCATED: "骨灰迁入公益性公墓",
    TombCase.Action.GREENED: "拆除后植树复绿",
}


def _seed_tombs(user, townships, villages, *, target: int) -> int:
    existing = TombCase.objects.count()
    cases = []
    for i in range(existing, target):
        rng = _rng(i, 9)
        township = rng.choice(townships)
        found = datetime.date(rng.choice([2021, 2022, 2023, 2024, 2025]), rng.randint(1, 12), rng.randint(1, 28))
        closed = found + datetime.timedelta(days=rng.randint(20, 200)) if rng.random() < 0.7 else None
        if closed and closed >= datetime.date.today():
            closed = None
        action = rng.choice(list(TOMB_NOTES)) if closed else TombCase.Action.PENDING
        cases.append(
            TombCase(
                township_id=township, village_id=rng.choice(villages[township]) if villages.get(township) else None,
                location=rng.choice(TOMB_PLACES), kind=rng.choice(TombCase.Kind.values), found_on=found,
                action=action, action_note=TOMB_NOTES.get(action, "已约谈当事人，限期整改"),
                closed_on=closed, created_by=user,
            )
        )  # fmt: skip
    TombCase.objects.bulk_create(cases)
    return len(cases)
