"""基本殡葬服务费减免: who is eligible, what a waiver comes to, and granting it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.categories import CATEGORIES
from core.changes import touch
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_money
from funeral.models import (
    URN_PRICE_MAX,
    URN_PRICE_MIN,
    DeathRecord,
    FeeItem,
    FeeItemPrice,
    Waiver,
    WaiverEligibleCategory,
    WaiverLine,
)
from funeral.services._common import money, parse_money


@dataclass
class WaiverInput:
    items: list
    urn_price: Decimal | None = None


def fee_prices_on(day: datetime.date) -> dict[str, FeeItemPrice]:
    """The price row in force on `day` for each item (the latest effective_from on or before it)."""
    prices: dict[str, FeeItemPrice] = {}
    for row in FeeItemPrice.objects.filter(effective_from__lte=day).order_by("item", "-effective_from"):
        prices.setdefault(row.item, row)
    return prices


def waiver_eligible_codes() -> list[str]:
    return list(WaiverEligibleCategory.objects.values_list("code", flat=True))


def waiver_eligibility(*, record: DeathRecord) -> list[str]:
    """The configured categories the deceased was in on the date of death (core.categories)."""
    if record.person_id is None:
        return []
    return [
        code
        for code in waiver_eligible_codes()
        if code in CATEGORIES and record.person_id in CATEGORIES[code].members([record.person_id], record.date_of_death)
    ]


def waiver_items_check(errors: FieldErrors, data: WaiverInput) -> None:
    """The items and the urn price, into `errors` (also run by death_record_register before it saves)."""
    items = list(data.items or [])
    if not items:
        errors.add("waiver_items", _("请选择减免项目。"))
    for item in items:
        if item not in FeeItem.values:
            errors.add("waiver_items", _("未知的减免项目：%(i)s") % {"i": item})
    price = parse_money(data.urn_price, "urn_price", errors)
    if FeeItem.URN in items and not price and "urn_price" not in errors:
        errors.add("urn_price", _("减免骨灰盒费用时请填写所购骨灰盒的价格。"))
    check_money(errors, "urn_price", price, minimum=URN_PRICE_MIN, maximum=URN_PRICE_MAX)


def waiver_compute(*, record: DeathRecord, items, urn_price=None) -> list[WaiverLine]:
    """The waiver's lines at the prices in force on the service date (cremation, else death). The
    urn is waived up to the configured cap; every other item at its configured price."""
    errors = FieldErrors()
    waiver_items_check(errors, WaiverInput(items=items, urn_price=urn_price))
    errors.raise_if_any()
    day = record.cremation_date or record.date_of_death
    prices = fee_prices_on(day)
    lines = []
    for item in FeeItem.values:
        if item not in items:
            continue
        row = prices.get(item)
        if row is None:
            errors.add(
                "waiver_items",
                _("%(item)s 在 %(d)s 没有设定价格，请先在减免设置中录入。")
                % {"item": FeeItem(item).label, "d": day.isoformat()},
            )
            continue
        if item == FeeItem.URN:
            charged = money(Decimal(str(urn_price)))
            amount = min(charged, row.price)
        else:
            charged = amount = row.price
        lines.append(WaiverLine(item=item, charged=charged, amount=money(amount)))
    errors.raise_if_any()
    return lines


@transaction.atomic
def waiver_grant(*, user, record: DeathRecord, items, urn_price=None) -> Waiver:
    """基本殡葬服务费减免 (Fujian 2013) for a deceased who, on the date of death, was in a category
    the bureau has made eligible (dibao, tekun, ...). The amount is frozen now."""
    if not user.has_perm("funeral.add_waiver"):
        raise ValidationError({"waiver": [_("您无权办理减免。")]})
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的记录。")]})
    # Lock the record: a concurrent second grant waits here and then sees the first one.
    DeathRecord.objects.select_for_update().filter(pk=record.pk).first()
    if Waiver.objects.filter(record=record).exists():
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]})
    codes = waiver_eligibility(record=record)
    if not codes:
        configured = "、".join(str(CATEGORIES[c].label) for c in waiver_eligible_codes() if c in CATEGORIES)
        raise ValidationError(
            {
                "waiver": [
                    _("逝者在死亡之日不属于减免对象（%(cats)s），不能减免。") % {"cats": configured or _("未设置")}
                    if record.person_id
                    else _("身份不明的逝者无法核对减免对象类别。")
                ]
            }
        )
    lines = waiver_compute(record=record, items=items, urn_price=urn_price)
    try:
        with transaction.atomic():
            waiver = Waiver.objects.create(
                record=record,
                granted_on=record.cremation_date or record.date_of_death,
                categories=codes,
                total=money(sum((line.amount for line in lines), Decimal(0))),
                granted_by=user,
            )
    except IntegrityError:
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]}) from None
    for line in lines:
        line.waiver = waiver
    WaiverLine.objects.bulk_create(lines)
    touch(DeathRecord, [record.pk])  # the record's API shows its waiver
    return waiver
