"""Demo data for child welfare (called by `seed_demo` after core's people and assistance's cases).

- Children on file: about 12 per thousand demo households (≈6,000 at city scale, as the issue's
  benchmark says), at least MIN_CHILDREN at small scales, chosen among the registry's minors in
  every township: left-behind (under 16, parents working away), in distress (poverty, disability,
  guardianship), orphans and de-facto unsupported children; categories overlap (a left-behind child
  in distress) and change (parents coming home ends a left-behind period). Tekun recipients are
  never chosen as orphans or de-facto unsupported (the tekun conflict).
- Orphans and de-facto unsupported children come through the recognition workflow (application,
  verification within 15 working days, confirmation), plus a few applications still open.
- Visits at the configured interval, some children's lagging so that the overdue list is not empty.
- Allowance standards from 2020 (amounts invented for the demo: the bureau enters the real ones),
  and the allowance lists of every month from 2020-01, approved by a second person, next month's draft.
- Minor-protection stations (or designated officers) rising with the plan's indicator 6: 20 % in
  2021 to 60 % in 2025 (townships covered at each year end: 6, 8, 11, 13, 16 of 26).
- A few adoption registrations a year, through the service (every legal rule checked).

Files and categories are written in bulk exactly as the services write them (a test runs every demo
category through the services' checks). Idempotent: a second run adds nothing; a larger --scale adds
the difference. Deterministic: a child's story depends on the person's id only."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from childwelfare.models import (
    AllowanceStandard,
    Carer,
    Child,
    ChildCategory,
    ChildWorker,
    GuardianshipAssessment,
    Recognition,
    Station,
    Visit,
)
from childwelfare.models.children import CareSetting, CategoryCode, DistressReason, ParentSituation
from childwelfare.models.guardianship import RiskLevel
from childwelfare.services._common import add_working_days, birthday
from childwelfare.services.adoptions import adoption_check, adoption_register
from childwelfare.services.aging import aging_out_run
from childwelfare.services.allowances import FIRST_MONTH, PROGRAM
from childwelfare.services.children import child_visit_schedule, visit_intervals
from childwelfare.services.guardianship import NEEDS_CARER, child_risk_refresh
from core.categories import CATEGORIES
from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from core.models import Division, PaymentBatch, Person, User
from core.payments import month_start, next_month, payment_batch_approve, payment_batch_build
from core.roles import Role

DEPENDS_ON = ("assistance",)
CHILDREN_PER_THOUSAND_HOUSEHOLDS = 12
MIN_CHILDREN = 160
DEMO_NOTE = "演示数据"
#: Townships covered at each year end (plan Table 2 indicator 6: 20, 30, 40, 50, 60 % of 26).
COVERED_AT_YEAR_END = {2020: 3, 2021: 6, 2022: 8, 2023: 11, 2024: 13, 2025: 16, 2026: 18}
#: 洪濑镇 (the demo officer's) among the first; 水头镇 a little later.
FIRST_TOWNSHIPS = ("350583113", "350583002", "350583003", "350583119")
STANDARDS = [  # (effective from, institution, scattered, de facto) — invented for the demo
    (datetime.date(2020, 1, 1), "1600.00", "1200.00", "1200.00"),
    (datetime.date(2022, 1, 1), "1750.00", "1350.00", "1350.00"),
    (datetime.date(2024, 1, 1), "1900.00", "1450.00", "1450.00"),
]
START = datetime.date(2020, 1, 1)


def _rng(*key: int) -> random.Random:
    n = 1469598103934665603
    for k in key:
        n = ((n ^ k) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return random.Random(n)  # noqa: S311 (demo data, not security)


def _users():
    staff = User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk").first()
    checker = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).order_by("pk").first()
    return staff, checker


def _day_between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def seed(*, scale: float, log=print) -> None:
    today = datetime.date.today()
    staff, checker = _users()
    if staff is None:
        log("  childwelfare: no staff user to record the demo data with; skipped")
        return
    with transaction.atomic():
        _standards(staff)
        stations = _stations(today)
        _workers(today)
        added = _children(scale, today, staff)
        _demo_officers_queue(today)
    _analyze()
    batches = _allowance_lists(today, staff, checker)
    adoptions = _adoptions(scale, today, staff)
    result = aging_out_run(today=today)
    log(
        f"  childwelfare: {Child.objects.count():,} children on file (+{added:,}), {stations} station(s) added, "
        f"{batches} allowance list(s) built, {adoptions} adoption(s), aging-out flagged {result['flagged']}"
    )


def _analyze() -> None:
    """Bulk-loaded tables get their planner statistics now, not at autovacuum's next pass."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Child, ChildCategory, Visit, Recognition, Carer, GuardianshipAssessment):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _standards(user) -> None:
    kinds = (
        AllowanceStandard.Kind.ORPHAN_INSTITUTION,
        AllowanceStandard.Kind.ORPHAN_SCATTERED,
        AllowanceStandard.Kind.DE_FACTO,
    )
    existing = set(AllowanceStandard.objects.values_list("kind", "effective_from"))
    for day, *amounts in STANDARDS:
        for kind, amount in zip(kinds, amounts, strict=True):
            if (kind, day) not in existing:
                AllowanceStandard.objects.create(
                    kind=kind, amount=Decimal(amount), effective_from=day, note=DEMO_NOTE, created_by=user
                )


def _stations(today: datetime.date) -> int:
    if Station.objects.exists():
        return 0
    townships = list(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code"))
    order = [t for code in FIRST_TOWNSHIPS for t in townships if t.code == code]
    rest = [t for t in townships if t not in order]
    _rng(6, 2021).shuffle(rest)
    order += rest
    new, covered = [], 0
    for year, target in sorted(COVERED_AT_YEAR_END.items()):
        if year > today.year:
            break
        for township in order[covered:target]:
            rng = _rng(int(township.code), year)
            opened = _day_between(rng, datetime.date(year, 2, 1), min(datetime.date(year, 11, 30), today))
            if rng.random() < 0.7:
                new.append(Station(township=township, kind=Station.Kind.STATION, name=f"{township.name}未成年人保护工作站",
                                   opened_on=opened, phone=f"0595-86{rng.randint(100000, 999999)}", note=DEMO_NOTE))  # fmt: skip
            else:
                officer = rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE) + rng.choice(GIVEN_FEMALE)
                new.append(Station(township=township, kind=Station.Kind.DESIGNATED_OFFICER, name=officer, opened_on=opened,
                                   phone=f"13{rng.randint(0, 999999999):09d}", note=DEMO_NOTE))  # fmt: skip
        covered = max(covered, target)
    # One township's first designated officer was replaced by a station (history in the register).
    first = order[1]
    new.append(Station(township=first, kind=Station.Kind.DESIGNATED_OFFICER, name="黄素珍", opened_on=datetime.date(2020, 6, 1),
                       closed_on=datetime.date(2021, 4, 30), status=Station.Status.CLOSED, note=DEMO_NOTE))  # fmt: skip
    Station.objects.bulk_create(new)
    return len(new)


def _workers(today: datetime.date) -> int:
    """A supervisor per township and a director in nearly every village (a few vacancies and a few
    not yet trained, so the coverage page has something to show)."""
    if ChildWorker.objects.exists():
        return 0
    new = []
    townships = Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code")
    villages = Division.objects.filter(level=Division.Level.VILLAGE, parent__in=townships, is_active=True).order_by(
        "code"
    )
    for township in townships:
        rng = _rng(int(township.code), 21)
        new.append(ChildWorker(
            kind=ChildWorker.Kind.SUPERVISOR, township=township, since=_day_between(rng, datetime.date(2019, 6, 1), datetime.date(2020, 12, 31)),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE) + rng.choice(GIVEN_FEMALE), phone=f"13{rng.randint(0, 999999999):09d}",
            last_trained_on=_day_between(rng, datetime.date(2024, 3, 1), today) if rng.random() < 0.95 else None,
        ))  # fmt: skip
    for village in villages:
        rng = _rng(int(village.code), 22)
        if rng.random() < 0.05:
            continue  # vacant
        new.append(ChildWorker(
            kind=ChildWorker.Kind.DIRECTOR, township_id=village.parent_id, village=village,
            since=_day_between(rng, datetime.date(2019, 6, 1), today - datetime.timedelta(days=30)),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE) + rng.choice(GIVEN_FEMALE), phone=f"13{rng.randint(0, 999999999):09d}",
            last_trained_on=_day_between(rng, datetime.date(2024, 3, 1), today) if rng.random() < 0.9 else None,
        ))  # fmt: skip
    ChildWorker.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _candidates(today: datetime.date, target: int) -> list[Person]:
    """Minors of the demo registry without a file, in a fixed pseudo-random order by id, taken
    township by township in turn so that every township has children on file."""
    try:
        adult_cut = today.replace(year=today.year - 18)
    except ValueError:
        adult_cut = today.replace(year=today.year - 18, day=28)
    by_township: dict[str, list[int]] = {}
    rows = (
        Person.objects.filter(birth_date__gt=adult_cut, date_of_death__isnull=True, township__in_plan=True,
                              child_file__isnull=True)
        .exclude(id_number=None)
        .values_list("id", "township_id")
    )  # fmt: skip
    for pid, township in rows:
        by_township.setdefault(township, []).append(pid)
    ranked = []
    for ids in by_township.values():
        ids.sort(key=lambda pid: _rng(pid, 11).random())
        ranked.extend((rank, _rng(pid, 11).random(), pid) for rank, pid in enumerate(ids))
    ranked.sort()
    chosen = [pid for _rank, _r, pid in ranked[:target]]
    return list(Person.objects.filter(pk__in=chosen).order_by("id"))


def _children(scale: float, today: datetime.date, user) -> int:
    from core.models import Household  # noqa: F401 (households exist before people are chosen)

    target = max(int(scale * CHILDREN_PER_THOUSAND_HOUSEHOLDS), MIN_CHILDREN)
    missing = target - Child.objects.count()
    if missing <= 0:
        return 0
    people = _candidates(today, missing)
    tekun = CATEGORIES.get("tekun")
    tekun_ids = tekun.members([p.pk for p in people], today) if tekun else set()
    intervals = visit_intervals()
    files, plans = [], []
    for person in people:
        plan = _plan(person, today, tekun=person.pk in tekun_ids)
        if plan is None:
            continue
        opened = min(c["start"] for c in plan["categories"])
        if plan.get("recognition"):
            opened = min(opened, plan["recognition"]["applied_on"])
        rng = _rng(person.pk, 12)
        files.append(
            Child(
                person=person, township_id=person.township_id, village_id=person.village_id, care_setting=plan["care"],
                guardian_name=rng.choice(SURNAMES) + rng.choice(GIVEN_MALE) + rng.choice(GIVEN_MALE),
                guardian_relation=rng.choice(["祖父", "祖母", "外祖母", "伯父", "姑母"]),
                guardian_phone=f"13{rng.randint(0, 999999999):09d}", bank_account=f"6217{rng.randint(0, 10**14 - 1):014d}",
                opened_on=opened, created_by=user,
            )
        )  # fmt: skip
        plans.append(plan)
    Child.objects.bulk_create(files, batch_size=2000)
    recognitions, categories, visits = [], [], []
    for child, plan in zip(files, plans, strict=True):
        rec = plan.get("recognition")
        if rec:
            recognitions.append(Recognition(child=child, created_by=user, verified_by=user if rec.get("verified_on") else None,
                                            decided_by=user if rec.get("decided_on") else None, **rec))  # fmt: skip
    Recognition.objects.bulk_create(recognitions, batch_size=2000)
    by_child = {r.child_id: r for r in recognitions}
    for child, plan in zip(files, plans, strict=True):
        for c in plan["categories"]:
            rec = (
                by_child.get(child.pk)
                if c["code"] in (CategoryCode.ORPHAN, CategoryCode.DE_FACTO_UNSUPPORTED)
                else None
            )
            categories.append(
                ChildCategory(
                    child=child, created_by=user, recognition=rec if rec and rec.state == "confirmed" else None, **c
                )
            )
        visits.extend(_visits(child, plan, today, intervals, user))
    ChildCategory.objects.bulk_create(categories, batch_size=5000)
    Visit.objects.bulk_create(visits, batch_size=5000)
    last = {}
    for v in visits:
        last[v.child_id] = max(last.get(v.child_id, v.visited_on), v.visited_on)
    for child in files:
        child.last_visit_on = last.get(child.pk)
    Child.objects.bulk_update(files, ["last_visit_on"], batch_size=2000)
    child_visit_schedule([c.pk for c in files], today=today)
    _guardianship(files, plans, today, user)
    return len(files)


ASSESSMENT_FINDINGS = {
    RiskLevel.LOW: ["监护人履责到位，生活学习正常", "照料人身体健康，家庭关系和睦"],
    RiskLevel.MEDIUM: ["照料人年迈，日常照料有一定困难", "家庭经济困难，学习辅导不足"],
    RiskLevel.HIGH: ["照料人重病，儿童基本无人照料", "儿童多次独自在家，存在安全隐患"],
}
ASSESSMENT_MEASURES = {
    RiskLevel.LOW: ["", "按期走访"],
    RiskLevel.MEDIUM: ["儿童主任每月走访", "链接社工开展家庭支持"],
    RiskLevel.HIGH: ["联系其他亲属临时照料，每周走访", "协调村委会落实临时监护，报乡镇备案"],
}


def _guardianship(files: list[Child], plans: list[dict], today: datetime.date, user) -> None:
    """Each new file's guardian as child_file_open records it; an entrusted carer with the written care
    agreement for half of the left-behind children (from the left-behind period's start); a few
    guardians who left with no one recorded after them (the registry's no-carer flag); guardianship
    assessments of the children whose care is in question, most low, some high (a recent high one
    not yet visited is flagged). Each row as carer_add / assessment_record would check it."""
    carers, assessments = [], []
    levels = [RiskLevel.LOW] * 6 + [RiskLevel.MEDIUM] * 3 + [RiskLevel.HIGH]
    for child, plan in zip(files, plans, strict=True):
        rng = _rng(child.person_id, 15)
        codes = {c["code"] for c in plan["categories"]}
        needs = bool(codes & set(NEEDS_CARER))
        guardian_end = None
        if needs and rng.random() < 0.04 and child.opened_on < today - datetime.timedelta(days=2):
            guardian_end = _day_between(rng, child.opened_on, today - datetime.timedelta(days=1))
        carers.append(
            Carer(child=child, role=Carer.Role.GUARDIAN, name=child.guardian_name, relation=child.guardian_relation,
                  phone=child.guardian_phone, start=child.opened_on, end=guardian_end,
                  end_reason="监护人外出务工" if guardian_end else "", created_by=user)
        )  # fmt: skip
        left = next((c for c in plan["categories"] if c["code"] == CategoryCode.LEFT_BEHIND), None)
        if left is not None and guardian_end is None and rng.random() < 0.5:
            # Three-year agreements, renewed while the child is left behind: the one in force covers
            # the care to its end (or today), as carer_add requires.
            term, cared_to = datetime.timedelta(days=3 * 365), left.get("end") or today
            renewals = max(0, (cared_to - left["start"]).days - 1) // term.days
            signed = left["start"] + renewals * term
            carers.append(
                Carer(child=child, role=Carer.Role.ENTRUSTED, relation=rng.choice(["邻居", "姨母", "舅父", "堂叔"]),
                      name=rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE) + rng.choice(GIVEN_FEMALE),
                      phone=f"13{rng.randint(0, 999999999):09d}", start=left["start"], end=left.get("end"),
                      end_reason="父母返乡" if left.get("end") else "", agreement_signed_on=signed,
                      agreement_term_end=signed + term,
                      agreement_number=f"WT{signed.year}-{child.pk:06d}", created_by=user)
            )  # fmt: skip
        # Assessed while the child's care is in question: the left-behind, de-facto unsupported or
        # guardianship-distress periods (from shortly after the file opens, then yearly).
        periods = [
            c for c in plan["categories"] if c["code"] in NEEDS_CARER or c.get("distress_reason") == "guardianship"
        ]
        if not periods:
            continue
        last = today if any(c.get("end") is None for c in periods) else max(c["end"] for c in periods)
        on = min(child.opened_on + datetime.timedelta(days=rng.randint(10, 60)), last)
        days = []
        while on <= last:
            days.append(on)
            on += datetime.timedelta(days=365)
        if last == today and rng.random() < 0.3:
            days.append(max(today - datetime.timedelta(days=rng.randint(0, 40)), days[-1] + datetime.timedelta(days=1)))
        for day in days:
            if day > today:
                continue
            level = rng.choice(levels)
            assessments.append(
                GuardianshipAssessment(
                    child=child, assessed_on=day, assessor_name=rng.choice(SURNAMES) + rng.choice(GIVEN_MALE),
                    risk_level=level, findings=rng.choice(ASSESSMENT_FINDINGS[level]),
                    measures=rng.choice(ASSESSMENT_MEASURES[level]), next_review_on=day + datetime.timedelta(days=365),
                    created_by=user,
                )
            )  # fmt: skip
    Carer.objects.bulk_create(carers, batch_size=5000)
    GuardianshipAssessment.objects.bulk_create(assessments, batch_size=5000)
    child_risk_refresh([c.pk for c in files])


def _plan(person: Person, today: datetime.date, *, tekun: bool) -> dict | None:
    """One child's categories (and recognition) as the services would record them."""
    rng = _rng(person.pk, 13)
    birth = person.birth_date
    earliest = max(START, birth)
    sixteen = birthday(birth, 16)
    roll = rng.random()
    categories, recognition = [], None
    care = CareSetting.KINSHIP
    if roll < 0.15 and not tekun:
        # Orphan or de-facto unsupported, recognised through the workflow.
        kind = CategoryCode.ORPHAN if rng.random() < 0.4 else CategoryCode.DE_FACTO_UNSUPPORTED
        if kind == CategoryCode.ORPHAN:
            father, mother = ParentSituation.DECEASED, rng.choice([ParentSituation.DECEASED, ParentSituation.MISSING])
            care = (
                CareSetting.INSTITUTION if rng.random() < 0.3 else rng.choice([CareSetting.KINSHIP, CareSetting.FOSTER])
            )
        else:
            father = rng.choice(
                [ParentSituation.IMPRISONED, ParentSituation.DECEASED, ParentSituation.COMPULSORY_REHAB]
            )
            mother = rng.choice(
                [ParentSituation.MISSING, ParentSituation.SEVERE_DISABILITY, ParentSituation.GRAVE_ILLNESS]
            )
        still_open = rng.random() < 0.15  # the queue the township and the bureau work on now
        if still_open:
            applied = _day_between(
                rng, max(earliest, today - datetime.timedelta(days=25)), today - datetime.timedelta(days=1)
            )
        else:
            applied = _day_between(rng, max(earliest, START), today - datetime.timedelta(days=10))
        verified = min(add_working_days(applied, rng.randint(3, 14)), today)
        recognition = {
            "kind": kind, "applied_on": applied, "applicant_name": "", "applicant_relation": "祖父母",
            "father_situation": father, "mother_situation": mother, "evidence": "户籍证明、父母情况证明（演示）",
            "verify_due": add_working_days(applied, 15),
        }  # fmt: skip
        recognition["applicant_name"] = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE) + rng.choice(GIVEN_MALE)
        if still_open and rng.random() < 0.5:
            recognition["state"] = Recognition.State.APPLIED
        else:
            recognition.update(state=Recognition.State.VERIFIED, verified_on=verified, verify_opinion="经入户核查，情况属实",
                               confirm_due=add_working_days(verified, 15))  # fmt: skip
            decided = min(add_working_days(verified, rng.randint(2, 14)), today)
            if not still_open and birthday(birth, 18) > decided:
                recognition.update(state=Recognition.State.CONFIRMED, decided_on=decided, decision_opinion="同意认定")
                categories.append({"code": kind, "start": decided, "father_situation": father, "mother_situation": mother,
                                   "evidence": recognition["evidence"]})  # fmt: skip
        if rng.random() < 0.4:
            reason = rng.choice([DistressReason.DISABILITY, DistressReason.POVERTY])
            categories.append(
                {"code": CategoryCode.DISTRESS, "start": _day_between(rng, earliest, today), "distress_reason": reason}
            )
    elif roll < 0.65 and sixteen > earliest:
        start = _day_between(rng, earliest, min(today, sixteen - datetime.timedelta(days=1)))
        end = None
        if rng.random() < 0.2 and start < today - datetime.timedelta(days=120):
            end = _day_between(
                rng, start + datetime.timedelta(days=90), min(today, sixteen - datetime.timedelta(days=1))
            )
        elif sixteen <= today:
            end = sixteen - datetime.timedelta(days=1)
        mother = ParentSituation.WORKING_AWAY if rng.random() < 0.8 else ParentSituation.UNABLE_TO_GUARD
        categories.append({"code": CategoryCode.LEFT_BEHIND, "start": start, "end": end,
                           "end_reason": ("父母返乡" if end and end < sixteen - datetime.timedelta(days=1) else "年满16周岁") if end else "",
                           "father_situation": ParentSituation.WORKING_AWAY, "mother_situation": mother})  # fmt: skip
        if rng.random() < 0.3:
            categories.append({"code": CategoryCode.DISTRESS, "start": _day_between(rng, start, today),
                               "distress_reason": DistressReason.GUARDIANSHIP})  # fmt: skip
    else:
        reason = rng.choices(list(DistressReason.values), [5, 3, 2])[0]
        care = CareSetting.FAMILY if reason != DistressReason.GUARDIANSHIP else CareSetting.KINSHIP
        categories.append(
            {"code": CategoryCode.DISTRESS, "start": _day_between(rng, earliest, today), "distress_reason": reason}
        )
    if not categories and recognition is None:
        return None
    if not categories:
        categories = [
            {
                "code": CategoryCode.DISTRESS,
                "start": recognition["applied_on"],
                "distress_reason": DistressReason.GUARDIANSHIP,
            }
        ]
    for c in categories:
        c.setdefault("end", None)
        c.setdefault("end_reason", "")
    return {"categories": categories, "recognition": recognition, "care": care}


def _demo_officers_queue(today: datetime.date) -> None:
    """The demo township officer (洪濑镇) finds an application to verify on the first login."""
    township = "350583113"
    if Recognition.objects.filter(child__township_id=township, state__in=Recognition.OPEN_STATES).exists():
        return
    assistant = (
        User.objects.filter(role=Role.VILLAGE_ASSISTANT, township_id=township, is_active=True).order_by("pk").first()
    )
    child = (
        Child.objects.filter(township_id=township, closed_on__isnull=True, recognitions__isnull=True)
        .exclude(categories__code__in=[CategoryCode.ORPHAN, CategoryCode.DE_FACTO_UNSUPPORTED])
        .select_related("person")
        .order_by("id")
        .first()
    )
    if assistant is None or child is None:
        return
    from childwelfare.services.recognitions import recognition_apply

    recognition_apply(
        user=assistant, child=child, kind=CategoryCode.DE_FACTO_UNSUPPORTED, applied_on=today - datetime.timedelta(days=3),
        applicant_name=child.guardian_name or "陈伯阳", applicant_relation=child.guardian_relation or "祖父",
        father_situation=ParentSituation.IMPRISONED, mother_situation=ParentSituation.MISSING,
        evidence="父亲服刑通知书、母亲失联报案回执（演示）",
    )  # fmt: skip


def _visits(child: Child, plan: dict, today: datetime.date, intervals: dict, user) -> list[Visit]:
    rng = _rng(child.person_id, 14)
    interval = min(intervals[c["code"]] for c in plan["categories"])
    lagging = rng.random() < 0.1  # the overdue list
    stop = today - datetime.timedelta(days=interval + rng.randint(5, 60)) if lagging else today
    out, day = [], child.opened_on + datetime.timedelta(days=rng.randint(3, max(4, interval)))
    visitor = rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE) + rng.choice(GIVEN_FEMALE)
    findings = [
        "生活照料良好，按时上学",
        "身体健康，学习情况一般",
        "照料人年迈，需加强关爱",
        "家庭经济困难，已协助申请救助",
        "情绪稳定，与照料人关系良好",
    ]
    follow = ["", "", "联系学校关注学习", "链接社工开展心理疏导", "协助申请临时救助"]
    while day <= stop:
        out.append(Visit(child=child, visited_on=day, visitor_name=visitor, findings=rng.choice(findings),
                         follow_up=rng.choice(follow), created_by=user))  # fmt: skip
        day += datetime.timedelta(days=max(7, interval - rng.randint(0, 10)))
    return out


def _allowance_lists(today: datetime.date, maker, checker) -> int:
    """Every month from the programme's first to this one built and approved (maker-checker), next
    month's left as a draft."""
    if checker is None or checker.pk == maker.pk:
        return 0
    built = set(PaymentBatch.objects.filter(program=PROGRAM).values_list("month", flat=True))
    month, last, n = FIRST_MONTH, month_start(today), 0
    while month <= last:
        if month not in built:
            batch = payment_batch_build(program=PROGRAM, month=month, user=maker)
            if batch.line_count:
                payment_batch_approve(batch=batch, user=checker)
            n += 1
        month = next_month(month)
    if next_month(today) not in built:
        payment_batch_build(program=PROGRAM, month=next_month(today), user=maker)
        n += 1
    return n


def _adoptions(scale: float, today: datetime.date, user) -> int:
    from childwelfare.models import Adoption

    wanted = max(6, int(scale * 0.5))
    have = Adoption.objects.count()
    if have >= wanted:
        return 0
    years = list(range(2020, today.year + 1))
    infants = list(
        Person.objects.filter(birth_date__gt=today - datetime.timedelta(days=365 * 7), date_of_death__isnull=True,
                              child_file__isnull=True, township__isnull=False).exclude(id_number=None).order_by("id")[: wanted * 6]
    )  # fmt: skip
    adults = list(
        Person.objects.filter(birth_date__lt=today - datetime.timedelta(days=365 * 36),
                              birth_date__gt=today - datetime.timedelta(days=365 * 55), date_of_death__isnull=True)
        .exclude(id_number=None).order_by("id")[: wanted * 6]
    )  # fmt: skip
    used, added = set(Adoption.objects.values_list("child_id", flat=True)), 0
    for i, child in enumerate(infants):
        if have + added >= wanted or not adults:
            break
        if child.pk in used:
            continue
        rng = _rng(child.pk, 15)
        adopter = adults[(i * 7) % len(adults)]
        year = years[(have + added) % len(years)]
        registered = _day_between(rng, max(datetime.date(year, 1, 1), child.birth_date + datetime.timedelta(days=60)),
                                  min(datetime.date(year, 12, 31), today))  # fmt: skip
        if registered < child.birth_date or registered > today:
            continue
        kwargs = {"adopters": [adopter], "child": child, "child_consent": True, "existing_children": rng.choice([0, 0, 1]),
                  "registered_on": registered, "assessment_result": "suitable"}  # fmt: skip
        if adoption_check(**kwargs):
            continue  # this pair breaks a rule: the demo does not register it
        adoption_register(user=user, assessed_on=registered - datetime.timedelta(days=20), **kwargs)
        used.add(child.pk)
        added += 1
    return added
