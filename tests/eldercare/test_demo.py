"""The demo data computes the plan's Table 2 figures (indicators 2–4 near their targets), covers every
township, is idempotent, and its bulk-written assessments are exactly what the service writes."""

import datetime
from decimal import Decimal

import pytest

from core.models import Division, PaymentBatch
from eldercare import demo
from eldercare.assessment import assessed_level
from eldercare.models import Assessment, CommunityFacility, Institution, Subsidy, SubsidyStandard
from eldercare.services.subsidies import PROGRAM, facts_for, standards_in_force, subsidy_amount
from indicators.models import BaseStatistic
from indicators.providers import PROVIDERS
from tests.factories import HouseholdFactory, PersonFactory, make_id_number

D = datetime.date


@pytest.fixture
def seeded(staff, admin_user, honglai):
    for i in range(40):  # older residents of the demo registry
        HouseholdFactory(
            head=PersonFactory(township=honglai, id_number=make_id_number(D(1940 + i % 20, 1 + i % 12, 3)))
        )
    for year in range(2020, 2026):
        population = round(demo.CENSUS_2020 * (1 + 0.004 * (year - 2020)))
        BaseStatistic.objects.update_or_create(
            year=year,
            township=None,
            defaults={"population_60_plus": round(population * (demo.SHARE_60_2020 + 0.004 * (year - 2020)))},
        )
    demo.seed(scale=0.1, log=lambda *_: None)


TABLE_2 = {  # year: (indicator 2 %, indicator 3 per 1000, indicator 4 %)
    2020: (34.2, 13, 38), 2021: (56, 13.2, 52), 2022: (57, 13.4, 54), 2023: (58, 13.6, 56), 2024: (59, 13.8, 58),
    2025: (60, 14, 60),
}  # fmt: skip


def test_the_demo_computes_indicators_2_to_4_near_the_plans_values_covers_every_township_and_is_idempotent(
    seeded,
):
    for year, (share, per_1000, coverage) in TABLE_2.items():
        day = D(year, 12, 31)
        assert abs(PROVIDERS[2](year, day).value - Decimal(str(share))) < 1, year
        assert abs(PROVIDERS[3](year, day).value - Decimal(str(per_1000))) < Decimal("0.2"), year
        assert abs(PROVIDERS[4](year, day).value - Decimal(str(coverage))) < 4, year
    townships = set(Division.objects.filter(level="township", in_plan=True).values_list("code", flat=True))
    assert set(CommunityFacility.objects.values_list("township_id", flat=True)) == townships
    counts = (Institution.objects.count(), CommunityFacility.objects.count(), Assessment.objects.count())
    demo.seed(scale=0.1, log=lambda *_: None)
    assert (Institution.objects.count(), CommunityFacility.objects.count(), Assessment.objects.count()) == counts
    assert counts[2] > 0


def test_the_demo_assessments_are_what_the_service_would_write(seeded):
    for a in Assessment.objects.select_related("person"):
        assert a.total == a.self_care + a.basic_motion + a.mental_state + a.perception_social
        assert a.level == assessed_level(
            total=a.total, coma=a.coma, dementia_or_mental_disorder=a.dementia_or_mental_disorder,
            risk_events_30d=a.risk_events_30d,
        )  # fmt: skip
        a.full_clean()
        assert a.assessed_on.year - a.person.birth_date.year >= 60
        assert a.assessed_on <= datetime.date.today()


def test_the_demo_subsidy_roster_is_what_the_service_would_write_and_is_paid_through_the_engine(seeded):
    today = datetime.date.today()
    assert SubsidyStandard.objects.count() == len(demo.DEMO_STANDARDS)
    entries = list(Subsidy.objects.select_related("person"))
    assert entries and {e.kind for e in entries} >= {"high_age"}
    for entry in entries:
        entry.full_clean()
        # Eligible on the day the service would have checked it: the start month, or today.
        day = max(entry.starts_on, today) if entry.status != "ended" else entry.starts_on
        facts = facts_for([entry.person_id], day)[entry.person_id]
        assert subsidy_amount(entry.kind, facts, day, standards_in_force(day)).eligible, (entry, day)
        died = entry.person.date_of_death
        if died is not None:  # as the person_died receiver ends it
            assert (entry.status, entry.ended_on) == ("ended", max(died, entry.starts_on))
    batches = {b.month: b for b in PaymentBatch.objects.filter(program=PROGRAM)}
    this_month = today.replace(day=1)
    assert batches[this_month].state == "approved" and batches[this_month].line_count > 0
    assert batches[this_month].built_by_id != batches[this_month].approved_by_id
    assert len(batches) == 4 and sum(b.state == "draft" for b in batches.values()) == 1
    count = Subsidy.objects.count()
    demo.seed(scale=0.1, log=lambda *_: None)
    assert Subsidy.objects.count() == count and PaymentBatch.objects.filter(program=PROGRAM).count() == 4


def test_the_demo_visit_programme_is_what_the_services_would_write(seeded, staff):
    from eldercare.models import Visit, VisitInterval, VisitTarget
    from eldercare.selectors import visit_due_list
    from eldercare.services.visits import group_reason

    today = datetime.date.today()
    assert dict(VisitInterval.objects.values_list("group", "days")) == demo.DEMO_INTERVALS
    targets = list(VisitTarget.objects.select_related("person"))
    assert targets
    for target in targets:
        target.full_clean()
        assert group_reason(target.person, target.group, target.since) == "", target
    first_joined = {}
    for target in targets:
        first_joined[target.person_id] = min(first_joined.get(target.person_id, target.since), target.since)
    visits = list(Visit.objects.select_related("person"))
    assert visits
    for v in visits:
        v.full_clean()
        assert first_joined[v.person_id] <= v.visited_on <= today
        assert v.person.date_of_death is None or v.visited_on <= v.person.date_of_death
    on_programme = {t.person_id for t in targets if t.ended_on is None and t.person.date_of_death is None}
    assert {r["person_id"] for r in visit_due_list(user=staff)} == on_programme
    counts = (VisitTarget.objects.count(), Visit.objects.count())
    demo.seed(scale=0.1, log=lambda *_: None)
    assert (VisitTarget.objects.count(), Visit.objects.count()) == counts


def test_the_demo_training_meets_the_plans_aims_by_2025(seeded, staff):
    from eldercare.selectors import training_progress

    progress = training_progress(user=staff)
    if datetime.date.today().year >= 2026:
        assert progress["care_worker"]["done"] >= 3000 and progress["institution_head"]["done"] >= 20
    assert all(n > 0 for y, n in progress["care_worker"]["years"] if y <= datetime.date.today().year)


def test_the_demo_adaptations_go_through_the_services_and_are_idempotent(seeded):
    from eldercare.models import HomeAdaptation

    count = HomeAdaptation.objects.count()
    for a in HomeAdaptation.objects.all():
        a.full_clean()
    demo.seed(scale=0.1, log=lambda *_: None)
    assert HomeAdaptation.objects.count() == count
