from django.utils import timezone

from indicators.models import Indicator, ManualValue, RecomputeRun, Snapshot, ValueChoice, YearApproval
from indicators.status import FINAL_YEAR, status_for

VALUE_YEARS = range(2020, FINAL_YEAR + 1)


def latest_approvals() -> dict[int, YearApproval]:
    """The latest approval per year. It is in force unless voided (a manual value or a choice
    entered after it): a voided year is shown as not approved, needing approval again."""
    approvals: dict[int, YearApproval] = {}
    for approval in YearApproval.objects.select_related("approved_by", "voided_by").order_by(
        "year", "-approved_at", "-pk"
    ):
        approvals.setdefault(approval.year, approval)
    return approvals


def prefetch_values(*, with_detail: bool = False) -> dict:
    """Snapshots, manual values and choices of every indicator in three queries (the dashboard and
    the reports show all 13; one query per kind per indicator was 39 round trips)."""
    fields = ["indicator_id", "year", "value", "numerator", "denominator", "note", "error", "computed_at", "run_id"]
    snapshots, manual, choices = {}, {}, {}
    for snap in (
        Snapshot.objects.filter(run__state=RecomputeRun.State.DONE)
        .order_by("indicator_id", "year", "-computed_at", "-pk")
        .only(*fields, *(["detail"] if with_detail else []))
    ):
        snapshots.setdefault(snap.indicator_id, []).append(snap)
    for value in ManualValue.objects.order_by("indicator_id", "year", "-entered_at", "-pk"):
        manual.setdefault(value.indicator_id, []).append(value)
    for choice in ValueChoice.objects.order_by("indicator_id", "year", "-chosen_at", "-pk"):
        choices.setdefault(choice.indicator_id, []).append(choice)
    return {"snapshots": snapshots, "manual": manual, "choices": choices}


def indicator_values(
    indicator: Indicator,
    *,
    today=None,
    approvals: dict | None = None,
    with_detail: bool = True,
    prefetched: dict | None = None,
) -> list[dict]:
    """Per year 2020–2025: target, the latest computed and manual values, which one counts (and
    why), the status, and the provenance. Reads snapshots, never the owning app's tables."""
    current_year = (today or timezone.localdate()).year
    targets = {t.year: t.value for t in indicator.targets.all()}
    latest_approval = latest_approvals() if approvals is None else approvals
    approved_runs = {year: a for year, a in latest_approval.items() if a.in_force}
    if prefetched is None:
        prefetched = {
            "snapshots": {
                indicator.pk: Snapshot.objects.filter(indicator=indicator, run__state=RecomputeRun.State.DONE)
                .order_by("year", "-computed_at", "-pk")
                .only("year", "value", "numerator", "denominator", "note", "error", "computed_at", "run_id",
                      *(["detail"] if with_detail else []))
            },
            "manual": {indicator.pk: ManualValue.objects.filter(indicator=indicator).order_by("year", "-entered_at", "-pk")},
            "choices": {
                indicator.pk: ValueChoice.objects.filter(indicator=indicator).order_by("year", "-chosen_at", "-pk")
            },
        }  # fmt: skip
    latest: dict[int, Snapshot] = {}
    approved: dict[int, Snapshot] = {}
    for snap in prefetched["snapshots"].get(indicator.pk, []):
        latest.setdefault(snap.year, snap)
        # A voided approval still names the run the year showed: its figures stay on screen (a
        # newer run is still a draft beside them); only "approved by" waits for a new approval.
        approval = latest_approval.get(snap.year)
        if approval and snap.run_id == approval.run_id:
            approved[snap.year] = snap
    # An approved year shows its approved run; a newer run is a draft beside it.
    computed = {**latest, **approved}
    manual: dict[int, ManualValue] = {}
    for value in prefetched["manual"].get(indicator.pk, []):
        manual.setdefault(value.year, value)
    choices: dict[int, ValueChoice] = {}
    for choice in prefetched["choices"].get(indicator.pk, []):
        choices.setdefault(choice.year, choice)

    rows, history = [], {}
    if indicator.baseline_2020 is not None:
        history[2020] = indicator.baseline_2020
    for year in VALUE_YEARS:
        snap, hand, choice = computed.get(year), manual.get(year), choices.get(year)
        computed_value = snap.value if snap else None
        if choice is not None:
            source = choice.source
        elif computed_value is not None:
            source = ValueChoice.Source.COMPUTED
        elif hand is not None:
            source = ValueChoice.Source.MANUAL
        else:
            source = None
        actual = computed_value if source == ValueChoice.Source.COMPUTED else (hand.value if hand and source else None)
        if year == 2020 and actual is None:
            actual, source = indicator.baseline_2020, "baseline" if indicator.baseline_2020 is not None else None
        target = targets.get(year)
        status = (
            None
            if year == 2020 or year > current_year
            else status_for(
                year=year,
                current_year=current_year,
                actual=actual,
                target=target,
                history={y: v for y, v in history.items() if y < year},
                final_target=targets.get(FINAL_YEAR),
            )
        )
        if actual is not None and year > 2020:
            history[year] = actual
        rows.append(
            {
                "year": year,
                "target": target,
                "actual": actual,
                "source": source,
                "status": status,
                "computed": computed_value,
                "computed_error": snap.error if snap else "",
                "manual": hand.value if hand else None,
                "manual_source": hand.source if hand else "",
                "numerator": snap.numerator if snap and source == ValueChoice.Source.COMPUTED else None,
                "denominator": snap.denominator if snap and source == ValueChoice.Source.COMPUTED else None,
                "provenance": (
                    snap.note
                    if source == ValueChoice.Source.COMPUTED and snap
                    else (hand.reason if hand and source == ValueChoice.Source.MANUAL else "")
                ),
                "detail": snap.detail if snap and with_detail else {},
                "computed_at": snap.computed_at if snap else None,
                "choice_reason": choice.reason if choice else "",
                "approved_by": str(approved_runs[year].approved_by) if year in approved_runs else "",
                "approved_at": approved_runs[year].approved_at if year in approved_runs else None,
                # Approved once, then its figures changed: the year waits for a new approval.
                "needs_reapproval": year in latest_approval and year not in approved_runs,
                "draft": (
                    latest[year].value if year in approved and latest[year].run_id != approved[year].run_id else None
                ),
            }
        )
    return rows
