"""One world for the access matrix: the same kinds of records in 洪濑镇 and 水头镇, built once per
module (inside a transaction rolled back at the module's end, so nothing leaks into other tests),
and one signed-in client per role.

Every text a leader or an API client must never read in full (names, ID numbers, phone numbers of
people) is collected in `World.secrets`, so the matrix can look for it in every response."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from core.models import Division
from core.roles import Role
from core.services.users import user_create
from tests.factories import HONGLAI, SHUITOU, HouseholdFactory, PersonFactory, make_id_number

D = datetime.date
TODAY = datetime.date.today()
TOWNSHIPS = (HONGLAI, SHUITOU)
#: Unusual given names, so a full name found in a response is never a coincidence.
GIVEN = iter(["鑫淼", "焱垚", "犇骉", "淼鑫", "垚焱", "骉犇", "森焱", "晶磊", "磊晶", "鑫森", "焱晶", "淼磊", "垚鑫", "犇森",
              "骉晶", "森磊", "晶鑫", "磊焱", "鑫骉", "焱犇", "淼垚", "垚淼", "犇晶", "骉磊", "森鑫", "晶焱", "磊犇",
              "鑫晶", "焱磊", "淼森", "垚骉", "犇淼", "骉垚", "森晶", "晶森", "磊鑫"])  # fmt: skip
PHONES = iter(f"139059{n:05d}" for n in range(10_000, 99_999, 37))

#: The roles the matrix walks: (key, role, township).
ROLES = [
    ("anonymous", None, None),
    ("admin", Role.ADMIN, None),
    ("staff", Role.STAFF, None),
    ("officer_honglai", Role.TOWNSHIP_OFFICER, HONGLAI),
    ("officer_shuitou", Role.TOWNSHIP_OFFICER, SHUITOU),
    ("assistant_honglai", Role.VILLAGE_ASSISTANT, HONGLAI),
    ("assistant_shuitou", Role.VILLAGE_ASSISTANT, SHUITOU),
    ("leader", Role.LEADER, None),
    ("api_client", Role.API_CLIENT, None),
]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    #: model label -> township code -> [pk, ...]
    objects: dict = field(default_factory=dict)
    #: full names, ID numbers and phone numbers of people (what masking hides)
    names: set = field(default_factory=set)
    id_numbers: set = field(default_factory=set)
    phones: set = field(default_factory=set)
    #: files written to the media storage, deleted at the end
    files: list = field(default_factory=list)

    def add(self, obj, township):
        self.objects.setdefault(obj._meta.label, {}).setdefault(township, []).append(obj.pk)
        return obj

    def pk(self, label, township):
        return self.objects[label][township][0]


def _name(surname: str) -> str:
    return surname + next(GIVEN)


def _person(world, township, surname, **kwargs):
    phone = next(PHONES)
    person = PersonFactory(name=_name(surname), township=township, phone=phone, **kwargs)
    world.names.add(person.name)
    world.id_numbers.add(person.id_number)
    world.phones.add(phone)
    return world.add(person, township.code)


def _secret_name(world, surname: str) -> str:
    name = _name(surname)
    world.names.add(name)
    return name


def _secret_phone(world) -> str:
    phone = next(PHONES)
    world.phones.add(phone)
    return phone


def build_world() -> World:
    from django.core.files.base import ContentFile

    from assistance.models import Case, CaseDocument, Rescue
    from childwelfare.models import (
        Adoption,
        Carer,
        Child,
        ChildCategory,
        ChildWorker,
        GuardianshipAssessment,
        Recognition,
        Station,
        Visit,
    )
    from core.models import HouseholdMember, ImportJob, PaymentBatch, PaymentLine
    from core.payments import PROGRAMS
    from eldercare.models import (
        Assessment,
        BedCount,
        HomeAdaptation,
        Institution,
        InstitutionListing,
        Subsidy,
        SubsidyStandard,
        TrainingSession,
        VisitInterval,
        VisitTarget,
    )
    from eldercare.models import CommunityFacility as ElderFacility
    from eldercare.models import Visit as ElderVisit
    from funeral.models import DeathRecord, Facility, Placement, TombCase, Waiver
    from indicators.models import BaseStatistic, RecomputeRun, YearApproval
    from orgs.models import (
        AnnualReport,
        CommunityFacility,
        GradeEvaluation,
        ListEntry,
        Organisation,
        SocialWorker,
        SocialWorkStation,
        StatusChange,
        Supervision,
        VolunteerRecord,
    )
    from tests.eldercare.conftest import credit_code as home_code
    from tests.orgs.conftest import credit_code as org_code

    world = World()
    for key, role, township in ROLES[1:]:
        world.users[key] = user_create(username=key, password="Correct-horse-9", role=role, township_code=township)
    staff = world.users["staff"]
    # One batch per payment programme (each app's payroll pages show its own programme's batches).
    batches = [PaymentBatch.objects.create(program=code, month=D(2025, 1, 1)) for code in sorted(PROGRAMS)]
    batch = next(b for b in batches if b.program == "assistance")
    run = RecomputeRun.objects.create(year=2024, as_of=D(2024, 12, 31))
    YearApproval.objects.create(year=2024, run=run, approved_by=world.users["admin"])
    BaseStatistic.objects.get_or_create(year=2024)
    VisitInterval.objects.get_or_create(group="high_age", defaults={"days": 30})
    SubsidyStandard.objects.create(kind="high_age", threshold=80, amount=Decimal("100"), effective_from=D(2020, 1, 1))
    for n, code in enumerate(TOWNSHIPS, start=1):
        t = Division.objects.get(code=code)
        village = Division.objects.filter(parent=t, level=Division.Level.VILLAGE).order_by("code").first()
        if village is None:
            village = Division.objects.create(code=f"{code}299", name=f"{t.name[:2]}测试村", level="village",
                                              kind="village", parent=t)  # fmt: skip
        mark = t.name[:2]  # 洪濑 / 水头: the names of things (not people) say their township
        head = _person(world, t, "甄")
        member = _person(world, t, "贾")
        household = HouseholdFactory(head=head, township=t)
        world.add(household, code)
        world.add(HouseholdMember.objects.create(household=household, person=member, relation="spouse"), code)
        world.add(
            Case.objects.create(kind="dibao", household=household, applicant=head, township=t,
                                applied_on=TODAY - datetime.timedelta(days=20), created_by=staff,
                                state=Case.State.REFUSED), code,
        )  # fmt: skip
        document = CaseDocument(case=Case.objects.get(township=t), title="收入证明", uploaded_by=staff)
        document.file.save(f"matrix-{code}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.save()
        world.add(document, code)
        world.files.append(document.file.name)
        world.add(
            Rescue.objects.create(found_township=t, intake_date=TODAY - datetime.timedelta(days=3), created_by=staff,
                                  provisional_name=_secret_name(world, "闻")), code,
        )  # fmt: skip
        world.add(
            ImportJob.objects.create(kind="people", file=f"imports/{mark}.xlsx", original_name=f"{mark}.xlsx",
                                     created_by=staff, township=t), code,
        )  # fmt: skip
        world.add(
            PaymentLine.objects.create(batch=batch, source_type="case", source_id=n, payee=head, township=t,
                                       category="dibao", members=2, amount=Decimal("800")), code,
        )  # fmt: skip
        # Child welfare
        child_person = _person(world, t, "童", id_number=make_id_number(TODAY.replace(year=TODAY.year - 10)))
        child = world.add(
            Child.objects.create(person=child_person, township=t, care_setting="kinship", opened_on=TODAY -
                                 datetime.timedelta(days=30), created_by=staff, guardian_name=_secret_name(world, "监"),
                                 guardian_phone=_secret_phone(world)), code,
        )  # fmt: skip
        world.add(
            ChildCategory.objects.create(child=child, code="left_behind", start=TODAY - datetime.timedelta(days=30),
                                         father_situation="present", mother_situation="present", created_by=staff),
            code,
        )  # fmt: skip
        world.add(
            Recognition.objects.create(child=child, kind="orphan", applied_on=TODAY - datetime.timedelta(days=5),
                                       applicant_name=_secret_name(world, "申"), applicant_relation="祖父",
                                       applicant_phone=_secret_phone(world), father_situation="deceased",
                                       mother_situation="deceased", verify_due=TODAY + datetime.timedelta(days=10),
                                       created_by=staff), code,
        )  # fmt: skip
        world.add(
            Visit.objects.create(child=child, visited_on=TODAY - datetime.timedelta(days=2),
                                 visitor_name="民政专干", findings="一切正常", created_by=staff), code,
        )  # fmt: skip
        carer = Carer(child=child, role="entrusted", name=_secret_name(world, "托"), relation="邻居",
                      phone=_secret_phone(world), id_number=make_id_number(D(1960, 1, 1 + n)),
                      start=TODAY - datetime.timedelta(days=20), agreement_signed_on=TODAY - datetime.timedelta(days=20),
                      agreement_term_end=TODAY + datetime.timedelta(days=300), agreement_number=f"WT-{n}",
                      created_by=staff)  # fmt: skip
        carer.agreement_file.save(f"matrix-{code}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        carer.save()
        world.add(carer, code)
        world.files.append(carer.agreement_file.name)
        world.id_numbers.add(carer.id_number)
        world.add(
            GuardianshipAssessment.objects.create(
                child=child, assessed_on=TODAY - datetime.timedelta(days=3), assessor_name="民政专干", risk_level="high",
                findings="照料不足", measures="每周走访", next_review_on=TODAY + datetime.timedelta(days=90),
                created_by=staff), code,
        )  # fmt: skip
        world.add(
            ChildWorker.objects.create(
                kind="director", name="儿童主任", township=t, village=village, since=D(2022, 1, 1)
            ),
            code,
        )
        world.add(
            Station.objects.create(township=t, kind="station", name=f"{mark}儿童之家", opened_on=D(2020, 1, 1),
                                   phone=_secret_phone(world)), code,
        )  # fmt: skip
        adopted = _person(world, t, "收", id_number=make_id_number(TODAY.replace(year=TODAY.year - 5)))
        adopter = _person(world, t, "养")
        world.add(
            Adoption.objects.create(child=adopted, adopter=adopter, township=t, existing_children=0,
                                    registration_no=f"TEST-{n}", registered_on=D(2024, 5, 1), created_by=staff), code,
        )  # fmt: skip
        # Elderly care
        institution = world.add(
            Institution.objects.create(name=f"{mark}测试养老院", credit_code=home_code(n), ownership="private",
                                       township=t, opened_on=D(2015, 1, 1)), code,
        )  # fmt: skip
        world.add(
            BedCount.objects.create(institution=institution, as_of=D(2024, 12, 31), total_beds=50, nursing_beds=30),
            code,
        )  # fmt: skip
        world.add(
            ElderFacility.objects.create(name=f"{mark}照料中心", kind="centre", township=t, opened_on=D(2018, 1, 1)),
            code,
        )
        elder = _person(world, t, "寿", id_number=make_id_number(D(1945, 3, 8)))
        world.objects.setdefault("elder", {})[code] = [elder.pk]  # the older person's pages
        world.add(
            Assessment.objects.create(person=elder, assessed_on=D(2024, 6, 1), self_care=10, basic_motion=10,
                                      mental_state=10, perception_social=10, total=40, level=2,
                                      assessor="评估员", created_by=staff), code,
        )  # fmt: skip
        world.add(HomeAdaptation.objects.create(person=elder, applied_on=D(2024, 5, 1), created_by=staff), code)
        world.add(
            InstitutionListing.objects.create(institution=institution, kind="red", reason="服务优良", listed_on=D(2024, 5, 1),
                                              created_by=staff), code,
        )  # fmt: skip
        world.add(
            TrainingSession.objects.create(title=f"{mark}护理员培训", audience="care_worker", held_on=D(2024, 4, 1),
                                           trainees=20, created_by=staff, township=t), code,
        )  # fmt: skip
        world.add(
            VisitTarget.objects.create(person=elder, group="high_age", since=D(2024, 1, 1), created_by=staff), code
        )
        world.add(
            ElderVisit.objects.create(person=elder, visited_on=D(2024, 6, 2), visitor="探访员", findings="身体尚好",
                                      created_by=staff), code,
        )  # fmt: skip
        world.add(
            Subsidy.objects.create(person=elder, kind="high_age", starts_on=D(2024, 1, 1), created_by=staff), code
        )
        # Social organisations
        org = world.add(
            Organisation.objects.create(name=f"南安市{mark}测试协会", credit_code=org_code("association", n),
                                        type="association", registered_on=D(2015, 3, 1), township=t,
                                        legal_representative=_secret_name(world, "法")), code,
        )  # fmt: skip
        world.add(StatusChange.objects.create(organisation=org, status="registered", changed_on=D(2015, 3, 1)), code)
        world.add(AnnualReport.objects.create(organisation=org, year=2023, submitted_on=D(2024, 3, 1)), code)
        world.add(
            GradeEvaluation.objects.create(organisation=org, grade="3A", evaluated_on=D(2023, 1, 1),
                                           valid_until=D(2027, 12, 31)), code,
        )  # fmt: skip
        world.add(
            Supervision.objects.create(organisation=org, kind="audit", done_on=D(2024, 1, 1), result="no_issue"), code
        )
        for kind in ("abnormal", "dishonest"):
            world.add(
                ListEntry.objects.create(
                    organisation=org,
                    kind=kind,
                    listed_on=D(2024, 2, 1),
                    reason="未按时年检",
                    confirmed_on=D(2024, 2, 1) if kind == "dishonest" else None,
                ),
                code,
            )
        worker = _person(world, t, "社")
        world.add(
            SocialWorker.objects.create(person=worker, level="assistant", certificate_no=f"C{n}", certified_year=2020,
                                        township=t), code,
        )  # fmt: skip
        world.add(SocialWorkStation.objects.create(township=t, name=f"{mark}社工站", opened_on=D(2021, 1, 1)), code)
        facility = world.add(
            CommunityFacility.objects.create(village=village, township=t, name=f"{mark}党群服务中心",
                                             floor_area_m2=500, in_use_from=D(2019, 1, 1)), code,
        )  # fmt: skip
        volunteer = _person(world, t, "志")
        world.add(
            VolunteerRecord.objects.create(volunteer=volunteer, township=t, activity="敬老院陪护", served_on=D(2024, 3, 2),
                                           hours=4, organiser="志愿者协会", facility=facility), code,
        )  # fmt: skip
        # Funeral
        home = world.add(
            Facility.objects.create(
                name=f"{mark}殡仪馆", kind="funeral_home", level="township", township=t, opened_on=D(2000, 1, 1)
            ),
            code,
        )
        deceased = _person(world, t, "逝")
        record = world.add(
            DeathRecord.objects.create(township=t, person=deceased, date_of_death=D(2024, 3, 1), funeral_home=home,
                                       created_by=staff, contact_name=_secret_name(world, "亲"),
                                       contact_phone=_secret_phone(world)), code,
        )  # fmt: skip
        world.add(Placement.objects.create(record=record, form="tree", placed_on=D(2024, 3, 5)), code)
        world.add(Waiver.objects.create(record=record, granted_on=D(2024, 3, 6), total=Decimal("1200"),
                                        granted_by=staff), code)  # fmt: skip
        world.add(
            TombCase.objects.create(township=t, location=f"{mark}后山", kind="luxury", found_on=D(2024, 1, 1),
                                    created_by=staff), code,
        )  # fmt: skip
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        built = None
        try:
            built = build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            if built is not None:
                from django.core.files.storage import default_storage

                for name in built.files:
                    default_storage.delete(name)


@pytest.fixture(scope="module")
def clients(world):
    """Per role: (api client, page client). The API client of a user signs in the way REST clients do,
    the page client with a session. The anonymous ones are not signed in."""
    from django.test import Client

    made = {}
    for key, _role, _township in ROLES:
        api, page = APIClient(), Client()
        user = world.users.get(key)
        if user is not None:
            api.force_authenticate(user)
            page.force_login(user)
        made[key] = (api, page)
    return made
