"""Community elderly-care facilities: the bureau keeps the city's, a township officer their township's."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors, clean_into
from eldercare.models import CommunityFacility
from eldercare.services._common import check_place_fields, check_township

FACILITY_FIELDS = (
    "name", "kind", "township", "address", "opened_on", "closed_on", "status", "full_time_care", "day_care",
    "home_visits", "note",
)  # fmt: skip


def facility_check(*, user, facility: CommunityFacility, errors: FieldErrors, check_unique: bool = True) -> None:
    """Every rule of a facility, collected into `errors` (the form, the API and the Excel import;
    the import calls it without the per-row uniqueness query, which it runs once for the file)."""
    check_place_fields(errors, facility)
    check_township(errors, user, facility.township if facility.township_id else None)
    # Another township's names are not checked against (nor told): its facilities are its own.
    check_unique = check_unique and "township" not in errors
    if (
        check_unique
        and "name" not in errors
        and facility.township_id is not None
        and CommunityFacility.objects.filter(township=facility.township, name=facility.name)
        .exclude(pk=facility.pk)
        .exists()
    ):
        errors.add("name", _("本乡镇（街道）已有同名设施。"))
    clean_into(errors, facility, exclude=["township"], validate_unique=check_unique, validate_constraints=check_unique)


def _facility_save(*, user, facility: CommunityFacility, data: dict) -> CommunityFacility:
    unknown = set(data) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(facility, field, value)
    errors = FieldErrors()
    facility_check(user=user, facility=facility, errors=errors)
    errors.raise_if_any()
    facility.save()
    return facility


@transaction.atomic
def facility_create(*, user, **data) -> CommunityFacility:
    return _facility_save(user=user, facility=CommunityFacility(), data=data)


@transaction.atomic
def facility_update(*, user, facility: CommunityFacility, **data) -> CommunityFacility:
    facility = CommunityFacility.objects.select_for_update().get(pk=facility.pk)
    return _facility_save(user=user, facility=facility, data=data)
