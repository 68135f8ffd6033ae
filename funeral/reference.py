"""Default configuration every installation starts with; the bureau changes it on the settings
page (a new price from a date on, categories added or removed). Rows are only added where missing,
so an edited configuration is never overwritten."""

import datetime
from decimal import Decimal

from funeral.models import FeeItem, FeeItemPrice, WaiverEligibleCategory

#: Fujian's 2013 basic funeral service waiver: the urn up to 200 元 is the policy's own figure; the
#: other prices are plausible demo figures (≈960 元 in all, close to the plan's 2,244,930 元 /
#: 2,418 waivers ≈ 928 元 each in 2016–2020) for the bureau to replace with the price list in force.
DEFAULT_PRICES = {
    FeeItem.TRANSPORT: Decimal("180.00"),
    FeeItem.COLD_STORAGE: Decimal("150.00"),
    FeeItem.BODY_BAG: Decimal("30.00"),
    FeeItem.CREMATION: Decimal("400.00"),
    FeeItem.URN: Decimal("200.00"),
}
DEFAULT_FROM = datetime.date(2013, 1, 1)
DEFAULT_NOTE = "初始值（骨灰盒限额200元依据福建省2013年基本殡葬服务费减免政策；其余为示例价格，请按现行收费标准更新）"
#: Dibao and tekun recipients (the policy's own wording); the bureau may add e.g. severe_disability.
DEFAULT_CATEGORIES = ("dibao", "tekun")


def ensure_configuration() -> None:
    if not FeeItemPrice.objects.exists():
        FeeItemPrice.objects.bulk_create(
            FeeItemPrice(item=item, price=price, effective_from=DEFAULT_FROM, note=DEFAULT_NOTE)
            for item, price in DEFAULT_PRICES.items()
        )
    if not WaiverEligibleCategory.objects.exists():
        WaiverEligibleCategory.objects.bulk_create(WaiverEligibleCategory(code=c) for c in DEFAULT_CATEGORIES)
