"""Illegal tomb rectification cases (违建墓地整治)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors, clean_into
from core.jurisdiction import user_can_act_in
from funeral.models import TombCase
from funeral.services._common import check_past_date

TOMB_FIELDS = ("township", "village", "location", "kind", "found_on", "action", "action_note", "closed_on")


def _tomb_case_save(*, user, case: TombCase, data: dict) -> TombCase:
    unknown = set(data) - set(TOMB_FIELDS)
    if unknown:
        raise TypeError(f"unknown tomb case fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(case, field, value.strip() if isinstance(value, str) else value)
    errors = FieldErrors()
    if case.township_id and not user_can_act_in(user, case.township_id):
        errors.add("township", _("您只能登记本乡镇（街道）的案件。"))
    if case.village_id and case.village.parent_id != case.township_id:
        errors.add("village", _("该村（社区）不属于所选乡镇（街道）。"))
    check_past_date(errors, "found_on", case.found_on)
    check_past_date(errors, "closed_on", case.closed_on)
    clean_into(errors, case, exclude=["created_by"])
    errors.raise_if_any()
    case._history_user = user
    case.save()
    return case


@transaction.atomic
def tomb_case_create(*, user, **data) -> TombCase:
    return _tomb_case_save(user=user, case=TombCase(created_by=user), data=data)


@transaction.atomic
def tomb_case_update(*, user, case: TombCase, **data) -> TombCase:
    case = TombCase.objects.select_for_update().get(pk=case.pk)
    if not user_can_act_in(user, case.township_id):
        raise ValidationError({"township": [_("您只能修改本乡镇（街道）的案件。")]})
    return _tomb_case_save(user=user, case=case, data=data)
