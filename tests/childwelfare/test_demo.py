"""The child welfare demo data: idempotent, in every township, 2020 to now, made of rows the
services would have written, with indicator 6 following the plan and the allowance lists computed."""

import datetime
from decimal import Decimal

import pytest

from childwelfare import demo
from childwelfare.indicators import minor_protection_station_coverage
from childwelfare.models import Adoption, Child, ChildCategory, Recognition, Station, Visit
from childwelfare.services._common import birthday
from childwelfare.services.adoptions import adoption_check
from childwelfare.services.allowances import PROGRAM, entitlements
from childwelfare.services.children import CategoryInput, category_check
from core.demo.people import seed_households
from core.exceptions import FieldErrors
from core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from core.models import Division, PaymentBatch, PaymentLine, User
from core.payments import month_start, next_month
from core.services.users import user_create

SCALE = 0.3
TODAY = datetime.date.today()
PLAN = {2021: 20, 2022: 30, 2023: 40, 2024: 50, 2025: 60}

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    for username, role, township, name in DEMO_USERS:
        user_create(username=username, password=DEMO_PASSWORD, role=role, township_code=township, full_name=name)
    seed_households(int(SCALE * 1000), log=lambda _m: None)
    demo.seed(scale=SCALE, log=lambda _m: None)


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Child, ChildCategory, Recognition, Visit, Station, Adoption, PaymentBatch, PaymentLine)
    }


def test_second_seed_adds_nothing(seeded):
    before = _counts()
    demo.seed(scale=SCALE, log=lambda _m: None)
    assert _counts() == before
    assert before["Child"] >= 100 and before["Visit"] > before["Child"]


def test_children_are_on_file_in_every_township_from_2020(seeded):
    plan = set(Division.objects.filter(level="township", in_plan=True).values_list("code", flat=True))
    assert set(Child.objects.values_list("township_id", flat=True)) == plan
    starts = ChildCategory.objects.values_list("start", flat=True)
    assert min(starts).year == 2020 and max(starts).year == TODAY.year
    assert set(ChildCategory.objects.values_list("code", flat=True)) == {
        "orphan", "de_facto_unsupported", "distress", "left_behind"
    }  # fmt: skip
    assert Child.objects.filter(visit_due_on__lt=TODAY).exists()  # the overdue list has children
    assert Recognition.objects.filter(state__in=Recognition.OPEN_STATES).exists()  # the queue is not empty


def test_every_demo_category_passes_the_services_checks(seeded):
    """Bulk-written exactly as category_add would: each period checked against the child's others."""
    staff = User.objects.get(username="staff")
    for child in Child.objects.select_related("person").prefetch_related("categories"):
        assert child.opened_on < birthday(child.person.birth_date, 18)
        categories = list(child.categories.all())
        for category in categories:
            errors = FieldErrors()
            data = CategoryInput(
                code=category.code, start=category.start, end=category.end, father_situation=category.father_situation,
                mother_situation=category.mother_situation, distress_reason=category.distress_reason,
            )  # fmt: skip
            category_check(errors, person=child.person, data=data, existing=categories, user=staff,
                           exclude_pk=category.pk)  # fmt: skip
            assert not errors, (child.pk, category.code, dict(errors))


def test_indicator_6_follows_the_plan(seeded):
    for year, target in PLAN.items():
        actual = minor_protection_station_coverage(year, min(datetime.date(year, 12, 31), TODAY))
        assert Decimal(target) <= actual.value < Decimal(target + 10), (year, actual.value)


def test_the_allowance_lists_are_built_and_approved_every_month(seeded):
    batches = dict(PaymentBatch.objects.filter(program=PROGRAM).values_list("month", "state"))
    assert batches[month_start(TODAY)] == PaymentBatch.State.APPROVED
    assert batches[next_month(TODAY)] == PaymentBatch.State.DRAFT
    current = PaymentBatch.objects.get(program=PROGRAM, month=month_start(TODAY))
    assert current.line_count > 0
    assert current.total_amount == sum(e.amount for e in entitlements(month_start(TODAY)))


def test_demo_adoptions_keep_the_legal_rules(seeded):
    assert Adoption.objects.count() >= 1
    for a in Adoption.objects.select_related("child", "adopter"):
        errors = adoption_check(adopters=a.adopters, child=a.child, child_consent=a.child_consent,
                                existing_children=a.existing_children, registered_on=a.registered_on)  # fmt: skip
        assert not errors, dict(errors)


def test_every_township_has_a_supervisor_and_most_villages_a_director(seeded):
    from childwelfare.models import ChildWorker

    plan = set(Division.objects.filter(level="township", in_plan=True).values_list("code", flat=True))
    supervisors = set(
        ChildWorker.objects.filter(kind="supervisor", until__isnull=True).values_list("township_id", flat=True)
    )
    assert supervisors == plan
    villages = Division.objects.filter(level="village", parent_id__in=plan).count()
    directors = ChildWorker.objects.filter(kind="director", until__isnull=True).count()
    assert 0.85 * villages <= directors < villages  # a few vacancies for the page to name


def test_every_demo_carer_and_assessment_passes_the_services_checks_and_the_flags_have_children(seeded):
    """Carers and assessments are bulk-written exactly as carer_add and assessment_record would."""
    from childwelfare.models import Carer, GuardianshipAssessment
    from childwelfare.services.guardianship import assessment_check, carer_check, children_needing_carer

    for carer in Carer.objects.select_related("child__person"):
        errors = FieldErrors()
        data = {f: getattr(carer, f) for f in ("role", "name", "relation", "phone", "id_number", "start", "end",
                                               "agreement_signed_on", "agreement_term_end", "agreement_number")}  # fmt: skip
        carer_check(errors, child=carer.child, data=data)
        assert not errors, (carer.pk, dict(errors))
    for a in GuardianshipAssessment.objects.select_related("child__person"):
        errors = FieldErrors()
        assessment_check(errors, child=a.child, assessed_on=a.assessed_on, assessor_name=a.assessor_name,
                         risk_level=a.risk_level, findings=a.findings, measures=a.measures,
                         next_review_on=a.next_review_on)  # fmt: skip
        assert not errors, (a.pk, dict(errors))
    assert Carer.objects.filter(role="entrusted").exists()
    assert set(Child.objects.exclude(risk_level="").values_list("risk_level", flat=True)) == {"low", "medium", "high"}
    assert children_needing_carer(Child.objects.filter(closed_on__isnull=True), TODAY).exists()
