"""The assistance demo data: idempotent, spread over every township, and made of rows the services
would have written (each active case's frozen amount is what the real arithmetic gives)."""

import pytest
from django.db.models import Count
from django.utils import timezone

from assistance import demo
from assistance.models import Case, CaseMember, Decision, Holiday, IncomeItem, Rescue, Standard, Transition
from assistance.selectors import review_queue
from assistance.services.cases import case_calculate, next_month_start
from core.demo.people import seed_households
from core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from core.models import Division, PaymentBatch, PaymentLine, User
from core.payments import payment_batch_build
from core.services.users import user_create

SCALE = 0.2

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    for username, role, township, name in DEMO_USERS:
        user_create(username=username, password=DEMO_PASSWORD, role=role, township_code=township, full_name=name)
    seed_households(int(SCALE * 1000), log=lambda _m: None)
    demo.seed(scale=SCALE, log=lambda _m: None)


def _counts() -> dict:
    models = (Case, CaseMember, IncomeItem, Decision, Transition, Rescue, Standard, Holiday, PaymentBatch, PaymentLine)
    return {m.__name__: m.objects.count() for m in models}


def test_second_seed_adds_nothing(seeded):
    before = _counts()
    demo.seed(scale=SCALE, log=lambda _m: None)
    assert _counts() == before
    assert before["Case"] > 0 and before["Rescue"] > 0


def test_every_township_has_active_and_pending_cases(seeded):
    townships = set(Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).values_list("code", flat=True))
    assert len(townships) == 26
    active = set(Case.objects.filter(state=Case.State.ACTIVE).values_list("township_id", flat=True))
    pending = set(Case.objects.filter(state__in=Case.PENDING_STATES).values_list("township_id", flat=True))
    assert active == townships
    assert pending == townships
    officer = User.objects.get(username="officer")
    honglai_pending = Case.objects.filter(township_id="350583113", state__in=Case.PENDING_STATES).count()
    assert review_queue(user=officer).count() == honglai_pending


def test_active_cases_obey_the_real_arithmetic(seeded):
    cases = Case.objects.filter(state=Case.State.ACTIVE).select_related("decision__standard")
    assert cases.count() > 20
    kinds = set()
    for case in cases:
        calc = case_calculate(case, case.decided_on)
        decision = case.decision
        assert decision.decided_on == case.decided_on
        assert (decision.amount, decision.per_member_amount, decision.covered_count) == (
            calc.amount,
            calc.per_member_amount,
            calc.covered_count,
        ), case.pk
        assert decision.standard == calc.standard
        assert decision.snapshot["steps"] == calc.steps
        month = case.decided_on.replace(day=1)
        assert decision.pay_from == (month if case.kind == Case.Kind.TEMPORARY else next_month_start(month))
        if case.kind == Case.Kind.TEKUN:
            assert decision.covered_count == 1  # 特困: support is for the applicant only
        kinds.add(case.kind)
    assert {Case.Kind.DIBAO, Case.Kind.TEKUN} <= kinds


def test_each_step_is_a_recorded_transition_and_confirmers_did_not_investigate(seeded):
    confirmed = Case.objects.filter(state=Case.State.ACTIVE).exclude(subtype=Case.Subtype.EMERGENCY)
    steps = dict(confirmed.annotate(n=Count("transitions")).values_list("pk", "n"))
    assert min(steps.values()) >= 6  # create, accept, investigate, review, notice, confirm
    makers = set(Transition.objects.filter(action__in=("investigate", "review")).values_list("case_id", "user_id"))
    for t in Transition.objects.filter(action="confirm").select_related("case", "user"):
        assert t.user.first_name not in t.case.investigators.split("、")
        assert (t.case_id, t.user_id) not in makers  # 审核与调查分离: who recorded a step never confirms
        assert t.on_date > t.case.notice_end  # 公示期满后才能确认
        assert not t.case.notice_backfilled and timezone.localtime(t.entered_at).date() == t.on_date


def test_the_payroll_over_the_demo_finds_lines(seeded):
    approved = PaymentBatch.objects.filter(program="assistance", state=PaymentBatch.State.APPROVED)
    assert approved.count() == 2
    assert all(b.built_by_id != b.approved_by_id for b in approved)
    staff = User.objects.get(username="staff")
    batch = payment_batch_build(program="assistance", month=timezone.localdate(), user=staff)
    assert batch.line_count > 20
    assert batch.total_amount > 0


def test_demo_rechecks_are_on_time_but_for_a_few_recent_ones(seeded):
    """Issue 16, item 12: no active case has waited years for its re-check; the overdue list holds
    only recently late ones."""
    import datetime

    today = timezone.localdate()
    active = Case.objects.filter(state__in=(Case.State.ACTIVE, Case.State.SUSPENDED, Case.State.GRADUAL_EXIT))
    active = active.exclude(kind=Case.Kind.TEMPORARY)
    assert active.exists()
    assert not active.filter(next_recheck__lt=today - datetime.timedelta(days=120)).exists()
