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


def fee_price_rows(until: datetime.date) -> list[FeeItemPrice]:
    """Every price row in force on or before `until`, newest first per item (one query), for
    prices_on: a whole ledger's days answered from one read."""
    return list(FeeItemPrice.objects.filter(effective_from__lte=until).order_by("item", "-effective_from"))


def prices_on(rows, day: datetime.date) -> dict[str, FeeItemPrice]:
    """The price row in force on `day` for each item (the latest effective_from on or before it),
    from rows ordered as fee_price_rows gives them."""
    prices: dict[str, FeeItemPrice] = {}
    for row in rows:
        if row.effective_from <= day:
            prices.setdefault(row.item, row)
    return prices


def fee_prices_on(day: datetime.date) -> dict[str, FeeItemPrice]:
    """The price row in force on `day` for each item (the latest effective_from on or before it)."""
    return prices_on(fee_price_rows(day), day)


def waiver_eligible_codes() -> list[str]:
    return list(WaiverEligibleCategory.objects.values_list("code", flat=True))


def waiver_eligibility_each(dates: dict[int, datetime.date], codes: list[str] | None = None) -> dict[int, list[str]]:
    """The configured categories (`codes`, read when not given) each person was in on their date of
    death (person id -> date), core.categories: one query per category for any number of people."""
    codes = waiver_eligible_codes() if codes is None else codes
    found: dict[int, list[str]] = {person_id: [] for person_id in dates}
    for code in codes:
        if code in CATEGORIES:
            for person_id in CATEGORIES[code].members_each(dates):
                found[person_id].append(code)
    return found


def waiver_eligibility(*, record: DeathRecord) -> list[str]:
    """The configured categories the deceased was in on the date of death (core.categories)."""
    if record.person_id is None:
        return []
    return waiver_eligibility_each({record.person_id: record.date_of_death})[record.person_id]


def waiver_permission_check(*, user, record: DeathRecord) -> None:
    """Who may grant a waiver on this record (raises ValidationError)."""
    if not user.has_perm("funeral.add_waiver"):
        raise ValidationError({"waiver": [_("您无权办理减免。")]})
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的记录。")]})


def waiver_eligible_check(*, identified: bool, codes: list[str], configured: list[str]) -> None:
    """Refuse a deceased who was in none of the configured categories on the date of death
    (`codes`: those they were in; `configured`: the bureau's, named in the message), or whose
    identity is unknown (`identified` false)."""
    if codes:
        return
    names = "、".join(str(CATEGORIES[c].label) for c in configured if c in CATEGORIES)
    raise ValidationError(
        {
            "waiver": [
                _("逝者在死亡之日不属于减免对象（%(cats)s），不能减免。") % {"cats": names or _("未设置")}
                if identified
                else _("身份不明的逝者无法核对减免对象类别。")
            ]
        }
    )


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


def waiver_compute(*, record: DeathRecord, items, urn_price=None, prices: dict | None = None) -> list[WaiverLine]:
    """The waiver's lines at the prices in force on the service date (cremation, else death): from
    `prices` (prices_on that day) when the caller has them, else read. The urn is waived up to the
    configured cap; every other item at its configured price."""
    errors = FieldErrors()
    waiver_items_check(errors, WaiverInput(items=items, urn_price=urn_price))
    errors.raise_if_any()
    day = record.cremation_date or record.date_of_death
    prices = fee_prices_on(day) if prices is None else prices
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


def waiver_build(*, user, record: DeathRecord, codes: list[str], lines: list[WaiverLine]) -> Waiver:
    """The waiver (unsaved) a grant writes: dated on the service date, the amount frozen."""
    return Waiver(
        record=record,
        granted_on=record.cremation_date or record.date_of_death,
        categories=codes,
        total=money(sum((line.amount for line in lines), Decimal(0))),
        granted_by=user,
    )


@transaction.atomic
def waiver_grant(*, user, record: DeathRecord, items, urn_price=None) -> Waiver:
    """基本殡葬服务费减免 (Fujian 2013) for a deceased who, on the date of death, was in a category
    the bureau has made eligible (dibao, tekun, ...). The amount is frozen now."""
    waiver_permission_check(user=user, record=record)
    # Lock the record: a concurrent second grant waits here and then sees the first one.
    DeathRecord.objects.select_for_update().filter(pk=record.pk).first()
    if Waiver.objects.filter(record=record).exists():
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]})
    configured = waiver_eligible_codes()
    codes = []
    if record.person_id:
        codes = waiver_eligibility_each({record.person_id: record.date_of_death}, configured)[record.person_id]
    waiver_eligible_check(identified=record.person_id is not None, codes=codes, configured=configured)
    lines = waiver_compute(record=record, items=items, urn_price=urn_price)
    try:
        with transaction.atomic():
            waiver = waiver_build(user=user, record=record, codes=codes, lines=lines)
            waiver.save()
    except IntegrityError:
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]}) from None
    for line in lines:
        line.waiver = waiver
    WaiverLine.objects.bulk_create(lines)
    touch(DeathRecord, [record.pk])  # the record's API shows its waiver
    return waiver
