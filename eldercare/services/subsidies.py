"""养老服务补贴: the bureau's standards, the roster of recipients, and elder care's programme in the
shared payment-list engine (core/payments.py, the same engine as assistance's payroll).

Eligibility (one rule set, `subsidy_amount`, for enrolment, the Excel import, the person page and
the monthly list), on a day:

- every kind: the person is alive and at least 60 (age from the birth date, or the ID number);
- 高龄津贴: the highest age band in force the person has reached (none reached: not eligible);
- 护理补贴: the level of the latest assessment on or before the day, with a standard for it
  (level 0 or no assessment: not eligible);
- 服务补贴: the person is in one of SERVICE_CATEGORIES on the day (asked of core.categories by
  code: dibao, tekun and edge families are assistance's), with the service standard in force.

Who is paid for a month: every roster entry that starts on or before the month's first day, is
active (or ended on or after that day), whose person is alive on that day and still eligible on it;
the amount is the standard in force on that day. A death (core.events.person_died) ends the entry
on the date of death: the month in which the person died is the last one paid.

One line per person and kind a month: a person's entries of one kind never pay the same month. A
new entry starts after every earlier one of its kind has stopped paying (an ended entry pays up to
the month of its end date), and an entry is ended no later than the end of next month, the last
month a list can be built for, so an ended entry never goes on paying for years. The month's list
pays one line per person and kind even if two entries were written around these rules."""

import datetime
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import IntegerField, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from core.bulk import bulk_update
from core.categories import CATEGORIES
from core.exceptions import FieldErrors
from core.identifiers import parse_id_number
from core.jobs import enqueue
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_money, check_text
from core.locks import hold_person
from core.models import Person
from core.payments import (
    Entitlement,
    month_start,
    next_month,
    payment_build_failed,
    payment_build_request,
    register_program,
)
from eldercare.models import Assessment
from eldercare.models.subsidies import (
    BANK_ACCOUNT_LENGTH,
    HIGH_AGE_MAX,
    HIGH_AGE_MIN,
    NOTE_LENGTH,
    OLDER_AGE,
    SUBSIDY_MAX,
    SUBSIDY_MIN,
    Subsidy,
    SubsidyKind,
    SubsidyStandard,
)  # fmt: skip
from eldercare.services._common import saved_once

logger = logging.getLogger(__name__)

PROGRAM = "eldercare"
SOURCE = "eldercare.subsidy"
#: The first month the system holds standards and a roster for (the plan's baseline year).
FIRST_MONTH = date(2020, 1, 1)
#: Low-income older people (服务补贴): the categories, by core.categories code, that qualify.
SERVICE_CATEGORIES = ("dibao", "tekun", "edge_family")
_ACCOUNT = re.compile(r"^[0-9]{6,40}$")


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_of(birth_date: date | None, id_number: str | None) -> date | None:
    """The birth date on record, else the one in the ID number."""
    if birth_date is not None or not id_number:
        return birth_date
    try:
        return parse_id_number(id_number).birth_date
    except ValidationError:
        return None


# --- standards -------------------------------------------------------------------------------------


def standards_in_force(day: date) -> dict[tuple[str, int], SubsidyStandard]:
    """{(kind, threshold): the standard in force on `day`} (one query)."""
    found: dict[tuple[str, int], SubsidyStandard] = {}
    rows = SubsidyStandard.objects.filter(effective_from__lte=day).order_by("kind", "threshold", "-effective_from")
    for row in rows:
        found.setdefault((row.kind, row.threshold), row)
    return found


def _threshold_range(kind: str) -> tuple[int, int]:
    if kind == SubsidyKind.HIGH_AGE:
        return HIGH_AGE_MIN, HIGH_AGE_MAX
    if kind == SubsidyKind.CARE:
        return 1, 4
    return 0, 0


def standard_add(*, user, kind: str, threshold, amount, effective_from: date | None, note: str = "") -> SubsidyStandard:
    """A new standard (the old one stays, so a past month is always paid at its own standard)."""
    errors = FieldErrors()
    if not user.is_city_level:
        errors.add("kind", _("补贴标准由民政局录入。"))
    if kind not in SubsidyKind.values:
        errors.add("kind", _("请选择补贴类别。"))
    elif kind == SubsidyKind.SERVICE and threshold in (None, ""):
        threshold = 0
    if kind in SubsidyKind.values:
        low, high = _threshold_range(kind)
        try:
            threshold = int(threshold)
        except (TypeError, ValueError):
            threshold = None
        if threshold is None or not low <= threshold <= high:
            errors.add(
                "threshold",
                {
                    SubsidyKind.HIGH_AGE: _("高龄津贴的档次为起始年龄，应在 %(a)d 至 %(b)d 周岁之间。"),
                    SubsidyKind.CARE: _("护理补贴的档次为能力等级，应在 %(a)d 至 %(b)d 之间。"),
                    SubsidyKind.SERVICE: _("服务补贴只有一个档次（%(a)d）。"),
                }[kind]
                % {"a": low, "b": high},
            )
    if amount in (None, ""):
        errors.add("amount", _("请填写标准。"))
    else:
        try:
            amount = Decimal(str(amount))
        except InvalidOperation:
            errors.add("amount", _("标准应为金额。"))
        else:
            check_money(errors, "amount", amount, minimum=SUBSIDY_MIN, maximum=SUBSIDY_MAX)
    if effective_from is None:
        errors.add("effective_from", _("请填写执行日期。"))
    check_date(errors, "effective_from", effective_from)
    check_text(errors, "note", note, max_length=NOTE_LENGTH)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return SubsidyStandard.objects.create(
                kind=kind, threshold=threshold, amount=amount, effective_from=effective_from, note=note or "",
                created_by=user,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"effective_from": [gettext("该类别、档次在这一天已有执行的标准。")]}) from None


# --- eligibility -----------------------------------------------------------------------------------


@dataclass
class Facts:
    """What eligibility needs about one person on a day."""

    birth: date | None
    dead_on: date | None = None
    level: int | None = None  # the latest assessment's level on or before the day
    categories: set = field(default_factory=set)


@dataclass
class Outcome:
    amount: Decimal | None
    standard: SubsidyStandard | None = None
    reason: str = ""
    basis: dict = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return self.amount is not None


def subsidy_amount(kind: str, facts: Facts, day: date, standards: dict) -> Outcome:
    """The monthly amount `kind` pays a person on `day`, or why it pays nothing (the one rule set)."""
    if facts.dead_on is not None and facts.dead_on < day:
        return Outcome(None, reason=_("已于 %(d)s 死亡。") % {"d": facts.dead_on.isoformat()})
    age = age_on(facts.birth, day)
    if age is None:
        return Outcome(None, reason=_("缺少出生日期（身份证号），无法确定年龄。"))
    if age < OLDER_AGE:
        return Outcome(None, reason=_("%(d)s 未满 %(n)d 周岁（%(a)d 周岁）。") % {"d": day, "n": OLDER_AGE, "a": age})
    label = SubsidyKind(kind).label
    if kind == SubsidyKind.HIGH_AGE:
        bands = sorted(t for (k, t) in standards if k == kind)
        if not bands:
            return Outcome(None, reason=_("%(d)s 尚无执行中的高龄津贴标准。") % {"d": day})
        reached = [t for t in bands if t <= age]
        if not reached:
            return Outcome(
                None,
                reason=_("年满 %(n)d 周岁方可享受高龄津贴（%(d)s 为 %(a)d 周岁）。")
                % {"n": bands[0], "d": day, "a": age},
            )
        standard = standards[(kind, reached[-1])]
        return Outcome(standard.amount, standard, basis={"age": age, "band": reached[-1]})
    if kind == SubsidyKind.CARE:
        if facts.level is None:
            return Outcome(None, reason=_("%(d)s 前没有能力评估记录。") % {"d": day})
        if facts.level == 0:
            return Outcome(None, reason=_("最近一次评估为能力完好，不享受护理补贴。"))
        standard = standards.get((kind, facts.level))
        if standard is None:
            level = Assessment.Level(facts.level).label
            return Outcome(None, reason=_("%(d)s 尚无%(l)s的护理补贴标准。") % {"d": day, "l": level})
        return Outcome(standard.amount, standard, basis={"age": age, "level": facts.level})
    # service subsidy: low-income older people
    held = sorted(set(facts.categories) & set(SERVICE_CATEGORIES))
    if not held:
        return Outcome(None, reason=_("%(d)s 不是低保对象、特困人员或低保边缘家庭成员。") % {"d": day})
    standard = standards.get((kind, 0))
    if standard is None:
        return Outcome(None, reason=_("%(d)s 尚无执行中的%(k)s标准。") % {"d": day, "k": label})
    return Outcome(standard.amount, standard, basis={"age": age, "categories": held})


def latest_level_subquery(person_ref: str, day: date):
    latest = Assessment.objects.filter(person=OuterRef(person_ref), assessed_on__lte=day).order_by(
        "-assessed_on", "-id"
    )
    return Subquery(latest.values("level")[:1], output_field=IntegerField())


def latest_levels(person_ids, day: date) -> dict[int, int]:
    """{person id: the level of their latest assessment on or before `day`} (one query; only the
    care subsidy needs it, so the month's list asks for its recipients alone)."""
    out: dict[int, int] = {}
    rows = (
        Assessment.objects.filter(person_id__in=list(person_ids), assessed_on__lte=day)
        .order_by("person_id", "-assessed_on", "-id")
        .values_list("person_id", "level")
    )
    for pk, level in rows.iterator(chunk_size=5000):
        out.setdefault(pk, level)
    return out


def category_members(person_ids, day: date) -> dict[int, set[str]]:
    """{person id: the SERVICE_CATEGORIES codes they are in on `day`} (one query per code)."""
    out: dict[int, set[str]] = {}
    ids = list(person_ids)
    if not ids:
        return out
    for code in SERVICE_CATEGORIES:
        category = CATEGORIES.get(code)
        if category is None:
            continue  # the owning app is not installed: nobody is in it
        for pk in category.members(ids, day):
            out.setdefault(pk, set()).add(code)
    return out


def facts_for(person_ids, day: date) -> dict[int, Facts]:
    """Facts of many people on a day: a fixed number of queries, whatever their number."""
    ids = list(set(person_ids))
    people = (
        Person.objects.filter(pk__in=ids)
        .annotate(level=latest_level_subquery("pk", day))
        .values_list("pk", "birth_date", "id_number", "date_of_death", "level")
    )
    categories = category_members(ids, day)
    return {
        pk: Facts(birth_of(birth, number), died, level, categories.get(pk, set()))
        for pk, birth, number, died, level in people
    }


def person_outlook(person: Person, day: date | None = None) -> list[dict]:
    """Per kind: what the person would be paid on `day` (today), or why not, and their roster entry."""
    day = day or timezone.localdate()
    facts = facts_for([person.pk], day).get(person.pk) or Facts(None)
    standards = standards_in_force(day)
    entries = {s.kind: s for s in Subsidy.objects.filter(person=person).exclude(status=Subsidy.Status.ENDED)}
    return [
        {
            "kind": kind,
            "label": label,
            "outcome": subsidy_amount(kind, facts, day, standards),
            "entry": entries.get(kind),
        }
        for kind, label in SubsidyKind.choices
    ]


# --- the roster ------------------------------------------------------------------------------------


def clean_bank_account(errors: FieldErrors, value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    check_text(errors, "bank_account", value, max_length=BANK_ACCOUNT_LENGTH)
    if value and "bank_account" not in errors and not _ACCOUNT.match(value):
        errors.add("bank_account", _("银行账号应为 6 至 40 位数字。"))
    return value


def subsidy_check(errors: FieldErrors, *, user, person, kind, starts_on, outcome_for) -> date | None:
    """The rules of one roster entry, into `errors` (shared by the form, the API and the import; the
    import gives `outcome_for` from its file-wide lookups). Returns the normalised start month."""
    if person is None:
        errors.add("person", _("请选择老年人。"))
    elif person.township_id is None or not user_can_act_in(user, person.township_id):
        errors.add("person", _("只能登记本乡镇（街道）的老年人。"))
    if kind not in SubsidyKind.values:
        errors.add("kind", _("请选择补贴类别。"))
    if starts_on is None:
        errors.add("starts_on", _("请填写起始月份。"))
    check_date(errors, "starts_on", starts_on)
    if starts_on is None or "starts_on" in errors:
        return None
    starts_on = month_start(starts_on)
    latest = next_month(timezone.localdate())
    if not FIRST_MONTH <= starts_on <= latest:
        errors.add(
            "starts_on",
            _("起始月份应在 %(a)s 至 %(b)s 之间。") % {"a": f"{FIRST_MONTH:%Y-%m}", "b": f"{latest:%Y-%m}"},
        )
        return None
    if person is not None and "person" not in errors and kind in SubsidyKind.values:
        # Checked on the start month, or today for an entry recorded after it began.
        day = max(starts_on, timezone.localdate())
        outcome = outcome_for(person, kind, day)
        if not outcome.eligible:
            errors.add("kind", _("不符合%(k)s条件：%(r)s") % {"k": SubsidyKind(kind).label, "r": outcome.reason})
    return starts_on


def _single_outcome(person, kind, day):
    facts = facts_for([person.pk], day).get(person.pk) or Facts(None)
    return subsidy_amount(kind, facts, day, standards_in_force(day))


#: The last day an open (active or suspended) entry may pay: it has no end.
OPEN = date.max


def paid_until(person_ids) -> dict[tuple[int, str], date]:
    """{(person id, kind): the last day the person's entries of that kind may pay}: OPEN while one
    is active or suspended, else the latest end date (an ended entry pays every month that begins
    on or before it). One query for any number of people."""
    out: dict[tuple[int, str], date] = {}
    rows = Subsidy.objects.filter(person__any_of=list(person_ids)).values_list(
        "person_id", "kind", "status", "ended_on"
    )
    for person_id, kind, status, ended_on in rows:
        until = OPEN if status != Subsidy.Status.ENDED or ended_on is None else ended_on
        key = (person_id, kind)
        out[key] = max(out.get(key, until), until)
    return out


def subsidy_overlap_check(errors: FieldErrors, *, kind: str, starts_on: date, until: date | None) -> None:
    """A new entry of `kind` from `starts_on` is refused while an earlier one (paying up to
    `until`, see paid_until) still pays in or after its first month: the person would be paid twice
    for a month (shared by the form, the API and the import)."""
    if until is None:
        return
    label = SubsidyKind(kind).label
    if until == OPEN:
        errors.add("kind", _("该老年人已在享受%(k)s。") % {"k": label})
    elif until >= starts_on:
        errors.add(
            "starts_on",
            _("该老年人的%(k)s发放至 %(m)s，新的起始月份不能早于 %(n)s。")
            % {"k": label, "m": f"{until:%Y-%m}", "n": f"{next_month(until):%Y-%m}"},
        )


@transaction.atomic
def subsidy_enroll(
    *, user, person, kind: str, starts_on: date | None, bank_account: str = "", note: str = ""
) -> Subsidy:
    """Put an eligible older person on a subsidy's roster (paid from `starts_on`'s month)."""
    errors = FieldErrors()
    bank_account = clean_bank_account(errors, bank_account)
    check_text(errors, "note", note, max_length=NOTE_LENGTH)
    starts_on = subsidy_check(
        errors, user=user, person=person, kind=kind, starts_on=starts_on, outcome_for=_single_outcome
    )

    def overlap(found: FieldErrors) -> None:
        until = paid_until([person.pk]).get((person.pk, kind))
        subsidy_overlap_check(found, kind=kind, starts_on=starts_on, until=until)

    if person is not None and starts_on is not None and not {"person", "kind"} & set(errors):
        hold_person(person)  # a double submit waits here, then finds the first one's entry
        overlap(errors)
    errors.raise_if_any()
    with saved_once(overlap, constraint="subsidy_one_open_per_kind"):
        return Subsidy.objects.create(
            person=person, kind=kind, starts_on=starts_on, bank_account=bank_account, note=note or "",
            created_by=user,
        )  # fmt: skip


def _locked(user, subsidy: Subsidy) -> Subsidy:
    subsidy = Subsidy.objects.select_for_update().select_related("person").get(pk=subsidy.pk)
    if not user_can_act_in(user, subsidy.person.township_id):
        raise ValidationError({"person": [gettext("只能办理本乡镇（街道）的补贴对象。")]})
    return subsidy


def latest_end(today: date | None = None) -> date:
    """The latest end date an entry may be given: the last day of next month, the last month a
    list can be built for (core.payments.payable_months) and the latest start month."""
    return next_month(next_month(today or timezone.localdate())) - datetime.timedelta(days=1)


def ends_too_late(subsidy: Subsidy) -> bool:
    """An entry ended, before the end date had a limit, on a day past the end of next month: it
    would go on paying until then and bar a new entry, so it may be ended again, earlier."""
    return subsidy.status == Subsidy.Status.ENDED and subsidy.ended_on is not None and subsidy.ended_on > latest_end()


@transaction.atomic
def subsidy_end(*, user, subsidy: Subsidy, ended_on: date | None, reason: str) -> Subsidy:
    """End an entry: months beginning after `ended_on` are not paid."""
    subsidy = _locked(user, subsidy)
    errors = FieldErrors()
    if subsidy.status == Subsidy.Status.ENDED and not ends_too_late(subsidy):
        errors.add("status", _("该补贴已终止。"))
    if ended_on is None:
        errors.add("ended_on", _("请填写终止日期。"))
    check_date(errors, "ended_on", ended_on)
    if ended_on is not None and "ended_on" not in errors and ended_on < subsidy.starts_on:
        errors.add("ended_on", _("终止日期不能早于起始月份（%(d)s）。") % {"d": f"{subsidy.starts_on:%Y-%m}"})
    latest = latest_end()
    if ended_on is not None and "ended_on" not in errors and ended_on > latest:
        # An ended entry is paid every month beginning on or before its end date: a later date
        # would keep paying months nobody can see on a list yet, under an entry shown as ended.
        errors.add(
            "ended_on", _("终止日期最晚为下月末（%(d)s）：发放名单最多提前生成下月的。") % {"d": latest.isoformat()}
        )
    reason = (reason or "").strip()
    if not reason:
        errors.add("end_reason", _("请填写终止原因。"))
    check_text(errors, "end_reason", reason, max_length=NOTE_LENGTH)
    errors.raise_if_any()
    subsidy.status, subsidy.ended_on, subsidy.end_reason = Subsidy.Status.ENDED, ended_on, reason
    subsidy.save()
    return subsidy


@transaction.atomic
def subsidy_suspend(*, user, subsidy: Subsidy, suspend: bool) -> Subsidy:
    """Suspend (no month is paid while suspended) or resume an entry."""
    subsidy = _locked(user, subsidy)
    wanted = Subsidy.Status.SUSPENDED if suspend else Subsidy.Status.ACTIVE
    allowed_from = Subsidy.Status.ACTIVE if suspend else Subsidy.Status.SUSPENDED
    if subsidy.status != allowed_from:
        raise ValidationError(
            {"status": [gettext("当前状态为“%(s)s”，不能%(a)s。") % {
                "s": subsidy.get_status_display(), "a": gettext("暂停") if suspend else gettext("恢复"),
            }]}
        )  # fmt: skip
    subsidy.status = wanted
    subsidy.save(update_fields=["status", "updated_at"])
    return subsidy


def on_people_died(sender, *, deaths, **kwargs) -> None:
    """core.events.people_died: each person's open entries end on the date of death (the month of
    death is the last paid); a corrected date moves the end of entries a death had ended. Two
    queries for any number of deaths."""
    marker = gettext("死亡")
    died = {person.pk: day for person, day in deaths if day is not None}
    if not died:
        return
    now, changed = timezone.now(), []
    for subsidy in (
        Subsidy.objects.select_for_update()
        .filter(person_id__in=list(died))
        .filter(~Q(status=Subsidy.Status.ENDED) | Q(end_reason__startswith=marker))
    ):
        day = died[subsidy.person_id]
        subsidy.status = Subsidy.Status.ENDED
        subsidy.ended_on = max(day, subsidy.starts_on)
        subsidy.end_reason = f"{marker} {day.isoformat()}"
        subsidy.updated_at = now
        changed.append(subsidy)
    bulk_update(Subsidy, changed, ["status", "ended_on", "end_reason", "updated_at"])


# --- the monthly list ------------------------------------------------------------------------------


def paying_entries(month: date):
    """Roster entries that may pay `month` (its first day), before eligibility on that day."""
    return (
        Subsidy.objects.filter(starts_on__lte=month, person__township__isnull=False)
        .filter(Q(status=Subsidy.Status.ACTIVE) | Q(status=Subsidy.Status.ENDED, ended_on__gte=month))
        .filter(Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gte=month))
    )


@register_program(PROGRAM, gettext_lazy("养老服务补贴（高龄津贴、护理补贴、服务补贴）"), first_month=FIRST_MONTH)
def entitlements(month: date):
    """The month's lines: one query for the entries with their people, one for the levels of the
    care subsidy's recipients, one per low-income category for the service subsidy's; then every
    entry through subsidy_amount. subsidy_amount reads a person's facts only as `outcome_key` says,
    so the outcome (and the basis the line carries) is computed once per distinct key: 20,000
    recipients fall into a few dozen (kind, age, level, categories), and the engine encodes each
    shared basis once (core.payments)."""
    month = month_start(month)
    standards = standards_in_force(month)
    rows = list(
        paying_entries(month)
        .order_by("id")
        .values_list(
            "id", "kind", "person_id", "person__township_id", "person__village_id", "bank_account",
            "person__birth_date", "person__id_number", "person__date_of_death", "status",
        )
    )  # fmt: skip
    rows = one_per_person_and_kind(rows, month)
    levels = latest_levels({r[2] for r in rows if r[1] == SubsidyKind.CARE}, month)
    categories = category_members({r[2] for r in rows if r[1] == SubsidyKind.SERVICE}, month)
    outcomes: dict[tuple, tuple[Outcome, dict] | None] = {}
    for sid, kind, person_id, township, village, account, birth, number, died, _status in rows:
        facts = Facts(birth_of(birth, number), died, levels.get(person_id), categories.get(person_id, set()))
        key = outcome_key(kind, facts, month)
        if key not in outcomes:
            outcome = subsidy_amount(kind, facts, month, standards)
            outcomes[key] = (
                (outcome, {"standard": outcome.standard.pk, "amount": str(outcome.amount),
                           "effective_from": outcome.standard.effective_from, **outcome.basis})
                if outcome.eligible else None
            )  # fmt: skip
        paid = outcomes[key]
        if paid is None:
            continue
        yield Entitlement(
            source_type=SOURCE, source_id=sid, payee_id=person_id, township_id=township, village_id=village,
            category=kind, members=1, amount=paid[0].amount, bank_account=account, basis=paid[1],
        )  # fmt: skip


def one_per_person_and_kind(rows: list[tuple], month: date) -> list[tuple]:
    """The month's entry rows (id, kind, person id, ..., status last; in id order), one per person
    and kind: the roster's rules never leave two entries paying one month (subsidy_enroll,
    subsidy_end), but an entry written around them (the admin, a script, an old end date) must not
    pay the person twice. The open entry is kept over an ended one, else the latest."""
    kept: dict[tuple[int, str], tuple] = {}
    for row in rows:
        key = (row[2], row[1])
        if key not in kept or row[-1] != Subsidy.Status.ENDED or kept[key][-1] == Subsidy.Status.ENDED:
            kept[key] = row
    if len(kept) == len(rows):
        return rows
    dropped = sorted(row[0] for row in rows if kept[(row[2], row[1])] is not row)
    logger.warning("eldercare subsidies %s: entries %s pay a person and kind another entry pays; left out",
                   f"{month:%Y-%m}", dropped)  # fmt: skip
    return [row for row in rows if kept[(row[2], row[1])] is row]


def outcome_key(kind: str, facts: Facts, day: date) -> tuple:
    """Everything of `facts` that subsidy_amount(kind, facts, day, ...) reads: whether the person
    died before the day, their age on it, and for the care subsidy the level, for the service
    subsidy the low-income categories. Two people with the same key get the same outcome."""
    dead = facts.dead_on is not None and facts.dead_on < day
    level = facts.level if kind == SubsidyKind.CARE else None
    held = tuple(sorted(set(facts.categories) & set(SERVICE_CATEGORIES))) if kind == SubsidyKind.SERVICE else ()
    return (kind, dead, age_on(facts.birth, day), level, held)


def subsidy_list_request(*, month: str, user) -> date:
    """Ask the worker to build (or rebuild, while a draft) the month's list ("YYYY-MM"); a month
    outside the payable range or already approved is refused (ValidationError on `month`)."""
    from eldercare.tasks import build_subsidies

    try:
        first = datetime.datetime.strptime(str(month).strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": [gettext("格式应为 YYYY-MM。")]}) from None
    with transaction.atomic():
        _batch, send = payment_build_request(program=PROGRAM, month=first, user=user)
        if send:
            enqueue(build_subsidies, first.isoformat(), user.pk, on_failure=lambda reason: _queue_failed(first, reason))
    return first


def _queue_failed(month: date, reason: str) -> None:
    payment_build_failed(
        program=PROGRAM, month=month, reason=gettext("任务队列不可用，未能提交生成：%(r)s") % {"r": reason}
    )
