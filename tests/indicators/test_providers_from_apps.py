"""The apps' real providers, recomputed for a known data set, and shown with their provenance."""

from datetime import date
from decimal import Decimal

from assistance.models import Rescue, Standard
from indicators.models import RecomputeRun, Snapshot
from indicators.providers import PROVIDERS
from indicators.services.recompute import recompute_run


def test_assistance_registers_indicators_1_and_9():
    assert PROVIDERS[1].__module__ == "assistance.indicators" and PROVIDERS[9].__module__ == "assistance.indicators"


def test_indicator_1_is_the_dibao_standard_over_the_minimum_wage_at_year_end(standards, staff):
    Standard.objects.create(kind="dibao", amount=Decimal("860"), effective_from=date(2023, 1, 1))
    Standard.objects.create(kind="minimum_wage", amount=Decimal("1870"), effective_from=date(2023, 4, 1))
    Standard.objects.create(kind="dibao", amount=Decimal("890"), effective_from=date(2024, 1, 1))
    run = recompute_run(RecomputeRun.objects.create(year=2023, as_of=date(2023, 12, 31), requested_by=staff))
    snap = Snapshot.objects.get(run=run, indicator_id=1)
    assert (snap.value, snap.numerator, snap.denominator) == (Decimal("45.99"), Decimal("860"), Decimal("1870"))


def test_the_indicator_page_shows_the_breakdown_and_the_drill_down_link(db, staff, client_for):
    for n in range(4):
        Rescue.objects.create(
            intake_date=date(2024, 3, 1 + n), provisional_name=f"无名氏{n}", created_by=staff,
            identity_established_on=date(2024, 3, 10),
            identity_method="police", outcome="escorted" if n < 3 else "long_term", outcome_date=date(2024, 3, 20),
        )  # fmt: skip
    run = recompute_run(RecomputeRun.objects.create(year=2024, as_of=date(2024, 12, 31), requested_by=staff))
    snap = Snapshot.objects.get(run=run, indicator_id=9)
    assert snap.value == Decimal("75.00") and snap.detail["link"] == "/assistance/rescues/?year=2024"
    html = client_for(staff).get("/indicators/9/").content.decode()
    assert 'data-testid="breakdown"' in html and 'href="/assistance/rescues/?year=2024"' in html
    assert "接送返回" in html and "长期安置" in html


def test_indicator_9s_breakdown_adds_up_to_its_figures_as_of_its_cut_off(db, staff):
    """Issue 16 item 3: 97 returned of 99 identified, but a breakdown of 63 + 35 + 1 other. A person
    who left after the cut-off was still in the station on that date, in the value and the breakdown."""
    from assistance.indicators import vagrant_return_rate

    def rescue(n, outcome, left_on):
        Rescue.objects.create(
            intake_date=date(2025, 3, 1 + n), provisional_name=f"无名氏{n}", created_by=staff,
            identity_established_on=date(2025, 3, 10), identity_method="police", outcome=outcome, outcome_date=left_on,
        )  # fmt: skip

    rescue(0, "escorted", date(2025, 3, 20))
    rescue(1, "returned_self", date(2025, 4, 1))
    rescue(2, "escorted", date(2026, 1, 5))  # left after the year's cut-off
    rescue(3, "other", date(2025, 5, 1))
    actual = vagrant_return_rate(2025, date(2025, 12, 31))
    counts = {row["label"]: int(row["count"]) for row in actual.detail["breakdown"]}
    assert (actual.numerator, actual.denominator) == (2, 4)
    assert sum(counts.values()) == actual.denominator
    assert counts["接送返回"] + counts["自行返回"] == actual.numerator
    assert counts["在站"] == 1
