"""Where the remains went (安葬/安放): a placement per record, and the facility's used graves or
niches that follow it."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_text
from funeral.models import DeathRecord, Facility, Placement
from funeral.services._common import check_past_date


@dataclass
class PlacementInput:
    form: str
    placed_on: datetime.date | None
    facility: Facility | None = None
    place: str = ""


def slot_field(form: str) -> str | None:
    """The facility counter a placement of this form takes."""
    if form in Placement.NO_FACILITY_FORMS:
        return None
    return "niches_used" if form in Placement.NICHE_FORMS else "graves_used"


def placement_check(errors: FieldErrors, *, record: DeathRecord, data: PlacementInput, previous: Placement | None):
    """Every rule on a placement, into `errors` (also run by death_record_register before it saves)."""
    form, facility, placed_on = data.form, data.facility, data.placed_on
    if form not in Placement.Form.values:
        errors.add("form", _("请选择安葬方式。"))
        return
    if placed_on is None:
        errors.add("placed_on", _("请填写安葬（放）日期。"))
    check_past_date(errors, "placed_on", placed_on)
    check_text(errors, "place", data.place, max_length=Placement._meta.get_field("place").max_length)
    if "placed_on" not in errors and placed_on and record.date_of_death and placed_on < record.date_of_death:
        errors.add("placed_on", _("安葬（放）日期不能早于死亡日期。"))
    if form in Placement.NO_FACILITY_FORMS:
        if facility is not None:
            errors.add("facility", _("海葬不占用安葬设施，请不要选择设施。"))
        return
    if facility is None:
        errors.add("facility", _("请选择安葬（放）设施。"))
        return
    if facility.kind == Facility.Kind.FUNERAL_HOME:
        errors.add("facility", _("殡仪馆不是安葬（放）设施。"))
        return
    if placed_on and not facility.is_operating_on(placed_on):
        errors.add("facility", _("%(f)s 在 %(d)s 未在运营。") % {"f": facility, "d": placed_on.isoformat()})
    field = slot_field(form)
    capacity = facility.niche_capacity if field == "niches_used" else facility.grave_capacity
    if capacity == 0:
        errors.add(
            "facility",
            _("%(f)s 没有%(slot)s，不能用于“%(form)s”。")
            % {
                "f": facility,
                "slot": _("格位") if field == "niches_used" else _("墓穴"),
                "form": Placement.Form(form).label,
            },
        )


def capacity_field(field: str) -> str:
    """The capacity a counter (slot_field) is bounded by."""
    return "niche_capacity" if field == "niches_used" else "grave_capacity"


def slots_free(facility: Facility, form: str) -> int | None:
    """How many more placements of this form the facility takes (None: the form takes no slot)."""
    field = slot_field(form)
    if facility is None or field is None:
        return None
    return getattr(facility, capacity_field(field)) - getattr(facility, field)


def facility_full_error(facility: Facility) -> ValidationError:
    return ValidationError({"facility": [_("%(f)s 已满，请选择其他设施。") % {"f": facility}]})


def take_slots(taken: dict[tuple[int, str], int]) -> None:
    """Count placements into their facilities: `taken` is (facility id, counter field) -> how many.
    Two queries for any number: the facilities locked and checked, then one UPDATE. A facility
    without room raises (nothing is counted)."""
    taken = {key: n for key, n in taken.items() if n}
    if not taken:
        return
    facilities = Facility.objects.select_for_update().in_bulk({facility_id for facility_id, _field in taken})
    for (facility_id, field), n in taken.items():
        facility = facilities[facility_id]
        if getattr(facility, field) + n > getattr(facility, capacity_field(field)):
            raise facility_full_error(facility)
    changes = {}
    for field in ("graves_used", "niches_used"):
        whens = [When(pk=facility_id, then=F(field) + n) for (facility_id, f), n in taken.items() if f == field]
        if whens:
            changes[field] = Case(*whens, default=F(field), output_field=Facility._meta.get_field(field))
    Facility.objects.filter(pk__in=list(facilities)).update(**changes, updated_at=timezone.now())


def _take_slot(facility_id: int | None, form: str) -> None:
    field = slot_field(form)
    if facility_id is None or field is None:
        return
    take_slots({(facility_id, field): 1})


def _release_slot(facility_id: int | None, form: str) -> None:
    field = slot_field(form)
    if facility_id is None or field is None:
        return
    Facility.objects.filter(pk=facility_id, **{f"{field}__gt": 0}).update(
        **{field: F(field) - 1}, updated_at=timezone.now()
    )


@transaction.atomic
def placement_save(
    *, user, record: DeathRecord, form: str, placed_on, facility: Facility | None = None, place: str = ""
) -> Placement:
    """Record (or correct) where the remains went; the facility's used count follows."""
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的记录。")]})
    # Lock the record: a second first placement saved at the same moment waits here, then finds
    # this one as `previous` and corrects it (a lock on the placement alone locks nothing yet).
    DeathRecord.objects.select_for_update().filter(pk=record.pk).first()
    previous = Placement.objects.select_for_update().filter(record=record).first()
    data = PlacementInput(form=form, placed_on=placed_on, facility=facility, place=(place or "").strip())
    errors = FieldErrors()
    placement_check(errors, record=record, data=data, previous=previous)
    errors.raise_if_any()
    placement = previous or Placement(record=record)
    old = (previous.facility_id, slot_field(previous.form)) if previous else (None, None)
    new = (facility.pk if facility else None, slot_field(form))
    if old != new:
        if previous:
            _release_slot(previous.facility_id, previous.form)
        _take_slot(new[0], form)
    placement.form, placement.facility, placement.place, placement.placed_on = form, facility, data.place, placed_on
    placement.save()
    touch(DeathRecord, [record.pk])  # the record's API shows its placement
    return placement
