"""Realistic demo people and households for Nan'an: Minnan surnames, valid ID numbers with the
region code in force in the birth year (352423 to 1984, 350523 1985–1992, 350583 from 1993),
households spread over the 26 townships. Deterministic: household i is always the same family,
so growing the data set (a larger --scale) adds families and never changes existing ones."""

import csv
import datetime
import io
import random
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from core.identifiers import id_number_with_check_digit
from core.models import Division, Household, HouseholdMember, Person

SURNAMES = (
    "陈陈陈陈林林林黄黄黄李李王王吴吴张张刘蔡蔡杨许郑洪洪苏傅戴潘叶庄谢周颜萧卓柯施曾郭"
    "胡徐高何罗梁宋唐韩邱侯龚潘白彭尤骆石廖"
)
GIVEN_MALE = "志明建国伟强文杰俊华辉永福金水荣发清德宏振东海峰锦泉伯阳家豪子涵宇轩浩然天佑世昌国平"
GIVEN_FEMALE = "秀英美玲丽华淑芬雅婷惠珍月娥春梅碧霞丽娟燕玉琴雪芳佳怡欣妍紫涵诗琪思彤晓敏丽红"
VILLAGE_WORDS = "东西南北上下前后新旧金玉梅溪山湖桥埔坑林厝头尾洋田美丰安宁和兴盛"
VILLAGES_PER_TOWNSHIP = 8
PEOPLE_COLUMNS = (
    "id", "name", "id_number", "id_note", "birth_date", "sex", "phone", "township_id", "village_id",
    "hukou", "disability_category", "disability_grade", "date_of_death", "created_at", "updated_at",
)  # fmt: skip


def region_for(year: int) -> str:
    if year <= 1984:
        return "352423"
    if year <= 1992:
        return "350523"
    return "350583"


@dataclass
class Seeder:
    today: datetime.date
    used: dict  # (region, yyyymmdd, sex) -> next sequence number

    @classmethod
    def start(cls, today: datetime.date) -> "Seeder":
        used: dict = {}
        for number in Person.objects.exclude(id_number=None).values_list("id_number", flat=True).iterator(20000):
            sex = int(number[16]) % 2
            key = (number[:6], number[6:14], sex)
            used[key] = max(used.get(key, 0), int(number[14:17]) // 2 + 1)
        return cls(today, used)

    def id_number(self, birth: datetime.date, male: bool) -> str:
        while True:
            region, day, sex = region_for(birth.year), birth.strftime("%Y%m%d"), 1 if male else 0
            n = self.used.get((region, day, sex), 0)
            if n < 500:
                self.used[(region, day, sex)] = n + 1
                return id_number_with_check_digit(f"{region}{day}{n * 2 + sex:03d}")
            birth += datetime.timedelta(days=1)


def ensure_villages() -> dict[str, list[str]]:
    """Eight demo villages or communities per township (codes township + 3 digits)."""
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    rng = random.Random(2260)
    existing = set(Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", flat=True))
    new = []
    for t in townships:
        for i in range(VILLAGES_PER_TOWNSHIP):
            community = t.kind == Division.Kind.STREET or i == 0
            code = f"{t.code}{(i + 1):03d}" if community else f"{t.code}{200 + i:03d}"
            if code in existing:
                continue
            word = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS)
            name = f"{word}社区" if community else f"{word}村"
            kind = Division.Kind.COMMUNITY if community else Division.Kind.VILLAGE
            new.append(Division(code=code, name=name, level=Division.Level.VILLAGE, kind=kind, parent=t))
    Division.objects.bulk_create(new)
    villages: dict[str, list[str]] = {}
    for code, parent in Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", "parent_id"):
        villages.setdefault(parent, []).append(code)
    return villages


def _name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    chars = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.8 else "")
    return (surname or rng.choice(SURNAMES)) + given


def _birth(rng: random.Random, today: datetime.date, min_age: int, max_age: int) -> datetime.date:
    age_days = rng.randint(min_age * 365 + 1, max_age * 365 + 300)
    return today - datetime.timedelta(days=age_days)


def family(index: int, seeder: Seeder, townships: list[str], villages: dict[str, list[str]]):
    """Household `index`: a list of (person fields, relation)."""
    rng = random.Random(index * 7919 + 17)
    today = seeder.today
    township = townships[index % len(townships)] if rng.random() < 0.5 else rng.choice(townships)
    village = rng.choice(villages[township])
    hukou = "urban" if township.endswith(("001", "002", "003")) or rng.random() < 0.15 else "rural"
    surname = rng.choice(SURNAMES)
    head_male = rng.random() < 0.82
    head_birth = _birth(rng, today, 24, 88)
    members = []

    def person(name, birth, male, relation, death=None):
        disability = ("", None)
        if rng.random() < 0.045:
            disability = (
                rng.choice(["physical", "visual", "hearing", "intellectual", "mental", "speech"]),
                rng.randint(1, 4),
            )
        phone = (
            f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
            if today.year - birth.year >= 16 and rng.random() < 0.8
            else ""
        )
        members.append(
            (
                {
                    "name": name,
                    "id_number": seeder.id_number(birth, male),
                    "birth_date": birth,
                    "sex": "M" if male else "F",
                    "phone": phone,
                    "township_id": township,
                    "village_id": village,
                    "hukou": hukou,
                    "disability_category": disability[0],
                    "disability_grade": disability[1],
                    "date_of_death": death,
                },
                relation,
            )
        )

    person(_name(rng, head_male, surname), head_birth, head_male, "head")
    head_age = today.year - head_birth.year
    if head_age < 80 and rng.random() < 0.78:
        spouse_birth = head_birth + datetime.timedelta(days=rng.randint(-1500, 1500))
        person(
            _name(rng, not head_male),
            min(spouse_birth, today - datetime.timedelta(days=20 * 365)),
            not head_male,
            "spouse",
        )
    if 24 <= head_age <= 70:
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 2, 3])):
            youngest = max(0, head_age - 45)
            oldest = max(youngest, min(head_age - 20, 45))
            male = rng.random() < 0.53
            person(_name(rng, male, surname), _birth(rng, today, youngest, oldest), male, "child")
    if head_age < 55 and rng.random() < 0.3:
        male = rng.random() < 0.4
        person(
            _name(rng, male, surname if male else None),
            _birth(rng, today, head_age + 22, min(head_age + 38, 99)),
            male,
            "parent",
        )
    if head_age >= 65 and rng.random() < 0.25:
        male = rng.random() < 0.5
        person(_name(rng, male, surname), _birth(rng, today, 1, 15), male, "grandchild")
    return township, village, members


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (a million rows in seconds); bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        _copy(model._meta.db_table, columns, rows)
    else:
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=False))) for row in rows], batch_size=500)


def seed_households(target: int, *, batch: int = 20_000, log=print) -> int:
    """Grow the data set to `target` households; returns how many were added."""
    existing = Household.objects.count()
    if existing >= target:
        return 0
    villages = ensure_villages()
    townships = sorted(villages)
    seeder = Seeder.start(datetime.date(2025, 12, 31))
    now = datetime.datetime.now(datetime.UTC)
    next_person = (Person.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_household = (Household.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    next_member = (HouseholdMember.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    added = 0
    for start in range(existing, target, batch):
        people, households, members = [], [], []
        for index in range(start, min(start + batch, target)):
            township, village, fam = family(index, seeder, townships, villages)
            household_id = next_household
            next_household += 1
            head_id = next_person
            for fields, relation in fam:
                people.append(
                    (
                        next_person,
                        fields["name"],
                        fields["id_number"],
                        "",
                        fields["birth_date"],
                        fields["sex"],
                        fields["phone"],
                        township,
                        village,
                        fields["hukou"],
                        fields["disability_category"],
                        fields["disability_grade"],
                        fields["date_of_death"],
                        now,
                        now,
                    )
                )
                members.append((next_member, household_id, next_person, relation))
                next_member += 1
                next_person += 1
            households.append((household_id, head_id, township, village, "", now, now))
        with transaction.atomic():
            _insert(Person, PEOPLE_COLUMNS, people)
            _insert(
                Household,
                ("id", "head_id", "township_id", "village_id", "address", "created_at", "updated_at"),
                households,
            )
            _insert(HouseholdMember, ("id", "household_id", "person_id", "relation"), members)
        added += len(households)
        log(f"  households {start + len(households):,} / {target:,}, people +{len(people):,}")
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Household, HouseholdMember]):
            cursor.execute(sql)
    return added
