"""Community comprehensive service facilities (社区综合服务设施), the volunteer service stations they
host, and volunteer service records (志愿服务记录) with their certificate."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.limits import check_date
from core.locks import hold_person
from core.models import Division, Person
from orgs.models import AREA_MAX, AREA_MIN, HOURS_MAX, HOURS_MIN, CommunityFacility, VolunteerRecord
from orgs.services._common import (
    check_quantity,
    check_texts,
    check_township,
    clean_fields_into,
    save_unique,
    strip,
)

FACILITY_FIELDS = ("village", "name", "floor_area_m2", "in_use_from", "in_use_to", "volunteer_station_since")
RECORD_FIELDS = ("volunteer", "township", "activity", "served_on", "hours", "organiser", "facility")


def _check_facility(errors: FieldErrors, user, facility: CommunityFacility) -> None:
    facility.name = strip(facility.name)
    check_texts(errors, facility, ("name",))
    if not facility.name and "name" not in errors:
        errors.add("name", _("请填写名称。"))
    village = facility.village if facility.village_id else None
    if village is None:
        errors.add("village", _("请选择村（社区）。"))
    elif village.level != Division.Level.VILLAGE:
        errors.add("village", _("请选择村（社区）一级的区划。"))
    else:
        facility.township_id = village.parent_id
        check_township(errors, user, "village", facility.township_id)
    check_quantity(
        errors, "floor_area_m2", facility.floor_area_m2, minimum=AREA_MIN, maximum=AREA_MAX, unit=_("平方米")
    )
    if facility.in_use_from is None:
        errors.add("in_use_from", _("请填写投入使用日期。"))
    check_date(errors, "in_use_from", facility.in_use_from, not_after_today=True)
    check_date(errors, "in_use_to", facility.in_use_to, not_after_today=True)
    check_date(errors, "volunteer_station_since", facility.volunteer_station_since, not_after_today=True)
    start = facility.in_use_from if "in_use_from" not in errors else None
    if start and facility.in_use_to and "in_use_to" not in errors and facility.in_use_to <= start:
        errors.add("in_use_to", _("停止使用日期应晚于投入使用日期。"))
    since = facility.volunteer_station_since
    if start and since and "volunteer_station_since" not in errors:
        if since < start:
            errors.add("volunteer_station_since", _("志愿服务站不能早于设施投入使用（%(d)s）。") % {"d": start})
        elif facility.in_use_to and since >= facility.in_use_to:
            errors.add("volunteer_station_since", _("设施停止使用后不能再设立志愿服务站。"))
    clean_fields_into(errors, facility, exclude=["village", "township"])
    if "name" not in errors and "village" not in errors and facility.village_id:  # not another township's
        same = CommunityFacility.objects.exclude(pk=facility.pk).filter(
            village_id=facility.village_id, name=facility.name
        )
        if same.exists():
            errors.add("name", _("该村（社区）已有同名设施。"))


@transaction.atomic
def facility_create(*, user, **data) -> CommunityFacility:
    facility = CommunityFacility(**data)
    errors = FieldErrors()
    _check_facility(errors, user, facility)
    errors.raise_if_any()
    save_unique(facility, errors, "name", _("该村（社区）已有同名设施（刚被其他用户录入）。"))
    return facility


@transaction.atomic
def facility_update(*, user, facility: CommunityFacility, **data) -> CommunityFacility:
    facility = CommunityFacility.objects.select_for_update().get(pk=facility.pk)
    errors = FieldErrors()
    check_township(errors, user, "village", facility.township_id)
    for key, value in data.items():
        if key not in FACILITY_FIELDS:
            raise TypeError(f"unknown facility field: {key}")
        setattr(facility, key, value)
    _check_facility(errors, user, facility)
    errors.raise_if_any()
    facility.save()
    return facility


@transaction.atomic
def volunteer_record_create(*, user, volunteer: Person, **data) -> VolunteerRecord:
    record = VolunteerRecord(volunteer=volunteer, recorded_by=user, **data)
    record.activity, record.organiser = strip(record.activity), strip(record.organiser)
    errors = FieldErrors()
    check_texts(errors, record, ("activity", "organiser"))
    for key in ("activity", "organiser"):
        if not getattr(record, key) and key not in errors:
            errors.add(key, _("请填写%(f)s。") % {"f": VolunteerRecord._meta.get_field(key).verbose_name})
    if not record.township_id:
        errors.add("township", _("请选择服务所在乡镇（街道）。"))
    check_township(errors, user, "township", record.township_id)
    if record.served_on is None:
        errors.add("served_on", _("请填写服务日期。"))
    check_date(errors, "served_on", record.served_on, not_after_today=True)
    day = record.served_on if "served_on" not in errors else None
    if day and volunteer.birth_date and day < volunteer.birth_date:
        errors.add("served_on", _("服务日期早于志愿者的出生日期。"))
    if day and volunteer.date_of_death and day > volunteer.date_of_death:
        errors.add(
            "volunteer", _("%(name)s 已于 %(d)s 去世。") % {"name": volunteer.name, "d": volunteer.date_of_death}
        )
    if record.hours is None:
        errors.add("hours", _("请填写服务时长。"))
    check_quantity(errors, "hours", record.hours, minimum=HOURS_MIN, maximum=HOURS_MAX, unit=_("小时"))
    if record.facility_id and record.township_id and record.facility.township_id != record.township_id:
        errors.add("facility", _("志愿服务站点不在所选乡镇（街道）。"))
    clean_fields_into(errors, record, exclude=["volunteer", "township", "facility", "recorded_by"])
    if day and "hours" not in errors and record.hours is not None:
        # The volunteer's row is locked until this transaction ends, so a second record for the same
        # person waits here and sums this one's hours: two at once cannot pass 24 hours together.
        hold_person(volunteer)
        that_day = VolunteerRecord.objects.filter(volunteer=volunteer, served_on=day)
        done = that_day.aggregate(h=Sum("hours"))["h"]
        if (done or Decimal(0)) + record.hours > HOURS_MAX:
            # The day's limit counts every township's records; their hours are told only to a user
            # who may see them all (a moved volunteer's day in their old township is that township's).
            if that_day.exclude(pk__in=that_day.for_user(user).values("pk")).exists():
                errors.add(
                    "hours", _("此人 %(d)s 的服务时长合计不能超过 24 小时（含其他乡镇（街道）的记录）。") % {"d": day}
                )
            else:
                errors.add(
                    "hours", _("此人 %(d)s 已记录 %(h)s 小时，一天合计不能超过 24 小时。") % {"d": day, "h": done}
                )
    errors.raise_if_any()
    record.save()
    return record
