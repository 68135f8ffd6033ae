"""Minor-protection stations and designated officers, one register per township."""

from datetime import date

from django.utils.translation import gettext as _

from childwelfare.models import Station
from childwelfare.services._common import check_phone
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from core.models import Division

STATION_FIELDS = ("township", "kind", "name", "opened_on", "closed_on", "phone", "note")


def station_save(*, user, station: Station | None = None, **data) -> Station:
    """Create or change a station (or designated officer). Its status follows the closing date:
    closed once a closing date is recorded."""
    unknown = set(data) - set(STATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown station fields: {sorted(unknown)}")
    station = station or Station()
    values = {f: getattr(station, f, None) for f in STATION_FIELDS if f != "township"}
    values["township"] = station.township if station.township_id else None
    values.update(data)
    errors = FieldErrors()
    township: Division | None = values["township"]
    if township is None or township.level != Division.Level.TOWNSHIP:
        errors.add("township", _("请选择乡镇（街道）。"))
    elif not user_can_act_in(user, township.code) or (station.pk and not user_can_act_in(user, station.township_id)):
        errors.add("township", _("您只能登记本乡镇（街道）的工作站。"))
    if values.get("kind") not in Station.Kind.values:
        errors.add("kind", _("请选择类型：未成年人保护工作站或专干。"))
    name = (values.get("name") or "").strip()
    if not name:
        errors.add("name", _("请填写名称（专干填姓名）。"))
    check_text(errors, "name", name, max_length=100)
    opened: date | None = values.get("opened_on")
    closed: date | None = values.get("closed_on")
    if opened is None:
        errors.add("opened_on", _("请填写设立日期。"))
    check_date(errors, "opened_on", opened, not_after_today=True)
    check_date(errors, "closed_on", closed, not_after_today=True)
    if opened and closed and closed < opened:
        errors.add("closed_on", _("撤销日期不能早于设立日期。"))
    check_phone(errors, "phone", values.get("phone") or "")
    check_text(errors, "note", values.get("note") or "", max_length=200)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(station, key, value.strip() if isinstance(value, str) else value)
    station.name = name
    station.phone = station.phone or ""
    station.note = station.note or ""
    station.status = Station.Status.CLOSED if closed else Station.Status.OPERATING
    station.save()
    return station
