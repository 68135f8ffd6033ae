"""The bureau's waiver settings: fee item prices from a date on, and the eligible categories."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.categories import CATEGORIES
from core.exceptions import FieldErrors
from core.limits import check_date
from funeral.models import FeeItemPrice, WaiverEligibleCategory
from funeral.services._common import parse_money


@transaction.atomic
def fee_item_price_set(*, user, item: str, price, effective_from: datetime.date, note: str = "") -> FeeItemPrice:
    """A new price from a date on; earlier waivers keep the amounts they were granted with."""
    errors = FieldErrors()
    amount = parse_money(price, "price", errors)
    if amount is None and not errors:
        errors.add("price", _("请填写单价。"))
    check_date(errors, "effective_from", effective_from)
    row = FeeItemPrice(
        item=item, price=amount, effective_from=effective_from, note=(note or "").strip(), created_by=user
    )
    # The model checks the rest: the price's plausible range (clean(), with the range in the
    # message, rather than its constraint's bare violation), the note's length, and one price per
    # item and day (told on the date). A field already refused above is not told twice.
    try:
        row.full_clean(exclude=["created_by", "price", *errors])
    except ValidationError as exc:
        errors.merge(exc, rename={"__all__": "effective_from"})
    errors.raise_if_any()
    row.save()
    return row


@transaction.atomic
def waiver_category_add(*, user, code: str) -> WaiverEligibleCategory:
    code = (code or "").strip()
    if code not in CATEGORIES:
        raise ValidationError({"code": [_("未知的人员类别：%(c)s") % {"c": code}]})
    category, _created = WaiverEligibleCategory.objects.get_or_create(code=code)
    return category


@transaction.atomic
def waiver_category_remove(*, user, category: WaiverEligibleCategory) -> None:
    category.delete()
