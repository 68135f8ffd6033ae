from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import BenefitTier, Standard
from assistance.models.standards import STANDARD_MONEY_MAX, TIER_AMOUNT_MIN, TIER_INCOME_MIN
from core.exceptions import ApplicationError, FieldErrors
from core.limits import check_date, check_money

#: The plan's 2020 values (ch.2 §1: dibao 775 元/month = 9300/year; tekun centralised 940, dispersed
#: 780 and 826) and the edge-family multiple of the rules (1.5 × the dibao standard).
PLAN_2020 = [
    (Standard.Kind.DIBAO, Decimal("775"), "规划：城乡低保标准每人每月775元（年9300元）"),
    (Standard.Kind.TEKUN_CENTRALISED, Decimal("940"), "规划：特困人员集中供养基本生活标准每人每月940元"),
    (Standard.Kind.TEKUN_DISPERSED, Decimal("780"), "规划：特困人员分散供养基本生活标准每人每月780元"),
    (Standard.Kind.TEKUN_DISPERSED_CARE, Decimal("826"), "规划：特困人员分散供养基本生活标准每人每月826元"),
    (Standard.Kind.EDGE_MULTIPLE, Decimal("1.5"), "低保边缘家庭：人均收入低于低保标准的1.5倍"),
]
PLAN_2020_DATE = date(2020, 1, 1)


def ensure_plan_standards() -> None:
    """The plan's seed rows, put back after a flushed test database (like the divisions)."""
    for kind, amount, note in PLAN_2020:
        if not Standard.objects.filter(kind=kind).exists():
            Standard.objects.create(kind=kind, amount=amount, effective_from=PLAN_2020_DATE, note=note)


@transaction.atomic
def standard_create(*, user, kind: str, amount, effective_from: date, method: str = Standard.Method.DIFFERENCE,
                    rounding: str = Standard.Rounding.YUAN, note: str = "", tiers=()) -> Standard:  # fmt: skip
    """A new standard from a date. Past rows are never edited: decisions point at the row they used.
    The amount is plausible for its kind (Standard.amount_range); the date is in the bureau's window
    and at the latest next year's (a standard is announced ahead, rarely more than a year)."""
    standard = Standard(
        kind=kind, amount=amount, effective_from=effective_from, method=method, rounding=rounding, note=note,
        created_by=user,
    )  # fmt: skip
    errors = FieldErrors()
    try:
        standard.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    # One reason per field: the first rule of a field that refuses it.
    if "amount" not in errors:
        low, high = Standard.amount_range(kind)
        if kind in Standard.MULTIPLES and not (low <= Decimal(str(amount)) <= high):
            errors.add("amount", _("倍数应在 %(a)s 至 %(b)s 之间。") % {"a": low, "b": high})
        elif kind not in Standard.MULTIPLES:
            check_money(errors, "amount", Decimal(str(amount)), minimum=low, maximum=high)
    if "effective_from" not in errors:
        check_date(errors, "effective_from", effective_from, latest=date(timezone.localdate().year + 1, 12, 31))
    if "method" not in errors:
        if method == Standard.Method.TIERED and kind != Standard.Kind.DIBAO:
            errors.add("method", _("只有低保标准可以分档发放。"))
        elif method == Standard.Method.TIERED and not tiers:
            errors.add("method", _("分档发放请至少填写一个档次。"))
    if (
        "kind" not in errors
        and "effective_from" not in errors
        and Standard.objects.filter(kind=kind, effective_from=effective_from).exists()
    ):
        errors.add("effective_from", _("该日期已有同类标准；标准只能新增，不能覆盖。"))
    rows = []
    for n, (income_up_to, amount_per_member) in enumerate(tiers, start=1):
        tier = BenefitTier(income_up_to=income_up_to, amount_per_member=amount_per_member)
        tier_errors = FieldErrors()
        try:
            tier.full_clean(exclude=["standard"], validate_constraints=False)
        except ValidationError as exc:
            tier_errors.merge(exc)
        if not tier_errors:
            check_money(tier_errors, "income_up_to", tier.income_up_to, minimum=TIER_INCOME_MIN,
                        maximum=STANDARD_MONEY_MAX)  # fmt: skip
            check_money(tier_errors, "amount_per_member", tier.amount_per_member, minimum=TIER_AMOUNT_MIN,
                        maximum=STANDARD_MONEY_MAX)  # fmt: skip
        if tier_errors:
            # the tiers are one list: the first bad one is named
            for message in (m for messages in tier_errors.values() for m in messages):
                errors.add("tiers", _("第 %(n)d 档：%(m)s") % {"n": n, "m": message})
            break
        rows.append(tier)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        raise ApplicationError(_("该日期已有同类标准。")) from None
    for tier in rows:
        tier.standard = standard
        tier.save()
    return standard
