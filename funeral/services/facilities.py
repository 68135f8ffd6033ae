"""Funeral homes, cemeteries and ash halls: created and edited by the city bureau only."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors, clean_into
from core.limits import check_date
from funeral.models import Facility

FACILITY_FIELDS = (
    "name", "kind", "level", "township", "address", "grave_capacity", "graves_used", "niche_capacity",
    "niches_used", "opened_on", "closed_on", "status", "note",
)  # fmt: skip
FACILITY_COUNTERS = ("graves_used", "niches_used")


def _facility_save(*, user, facility: Facility, data: dict) -> Facility:
    unknown = set(data) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(facility, field, value)
    facility.name = (facility.name or "").strip()
    if not user.is_city_level:
        raise ValidationError({"township": [_("殡葬设施由民政局维护。")]})
    errors = FieldErrors()
    # Opened and closed are past events, except the planned opening of a facility being built.
    check_date(errors, "opened_on", facility.opened_on, not_after_today=facility.status != Facility.Status.PLANNED)
    check_date(errors, "closed_on", facility.closed_on, not_after_today=True)
    clean_into(errors, facility)
    if facility.kind == Facility.Kind.FUNERAL_HOME and facility.level != Facility.Level.COUNTY:
        errors.add("level", _("殡仪馆为县（市）级设施。"))
    errors.raise_if_any()
    facility.save()
    return facility


@transaction.atomic
def facility_create(*, user, **data) -> Facility:
    return _facility_save(user=user, facility=Facility(), data=data)


@transaction.atomic
def facility_update(*, user, facility: Facility, **data) -> Facility:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    # Maintained by placements with F() updates; an edit must not overwrite them.
    for key in FACILITY_COUNTERS:
        data.pop(key, None)
    return _facility_save(user=user, facility=facility, data=data)


def default_funeral_home() -> Facility | None:
    """The city's funeral home when there is exactly one operating (Nan'an has one)."""
    homes = list(
        Facility.objects.filter(kind=Facility.Kind.FUNERAL_HOME, status=Facility.Status.OPERATING).order_by("pk")[:2]
    )
    return homes[0] if len(homes) == 1 else None
