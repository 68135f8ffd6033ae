from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assistance.models import Rescue
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_text
from core.models import Person

RESCUE_FIELDS = ("intake_date", "person", "provisional_name", "sex", "found_township", "description",
                 "identity_established_on", "identity_method", "outcome", "outcome_date", "note")  # fmt: skip


def rescue_validate(rescue: Rescue, *, user, person_changed: bool = True) -> None:
    """Every field error of the record at once (one ValidationError keyed by field).

    The record is its finding township's (`found_township`); the person it names is checked against
    the user's jurisdiction only when the user names them (`person_changed`): a 洪濑镇 officer records
    the outcome of a 水头镇 resident found in 洪濑镇 without seeing or re-naming that person."""
    errors = FieldErrors()
    try:
        # The constraints are repeated below with messages a clerk can act on; the database keeps them.
        rescue.full_clean(exclude=["person", "found_township", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    for field in ("intake_date", "identity_established_on", "outcome_date"):
        value: date | None = getattr(rescue, field)
        if field not in errors:
            check_date(errors, field, value, not_after_today=True)
    if "description" not in errors:
        check_text(errors, "description", rescue.description, max_length=REASON_MAX)
    if not rescue.person_id and not rescue.provisional_name.strip():
        errors.add("provisional_name", _("身份未查明时请填写临时称呼（如“无名氏2025-03”）。"))
    if rescue.identity_established_on and not rescue.person_id:
        errors.add("person", _("已查明身份的，请关联人员档案。"))
    if rescue.identity_established_on and not rescue.identity_method:
        errors.add("identity_method", _("请填写查明身份的方式。"))
    if rescue.identity_established_on and rescue.intake_date and rescue.identity_established_on < rescue.intake_date:
        errors.add("identity_established_on", _("查明身份日期不能早于入站日期。"))
    if rescue.outcome and not rescue.outcome_date:
        errors.add("outcome_date", _("请填写离站日期。"))
    if rescue.outcome_date and not rescue.outcome:
        errors.add("outcome", _("请填写去向。"))
    if rescue.outcome_date and rescue.intake_date and rescue.outcome_date < rescue.intake_date:
        errors.add("outcome_date", _("离站日期不能早于入站日期。"))
    if rescue.outcome in Rescue.RETURNED and not rescue.identity_established_on:
        errors.add("outcome", _("接送或自行返回的，应先查明身份。"))
    if person_changed and rescue.person_id and not Person.objects.for_user(user).filter(pk=rescue.person_id).exists():
        errors.add("person", _("本辖区没有此人员。"))
    if rescue.found_township_id and not user_can_act_in(user, rescue.found_township_id):
        errors.add("found_township", _("您只能登记本乡镇（街道）发现的人员。"))
    errors.raise_if_any()


@transaction.atomic
def rescue_create(*, user, **data) -> Rescue:
    unknown = set(data) - set(RESCUE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rescue fields: {sorted(unknown)}")
    rescue = Rescue(created_by=user, **data)
    rescue_validate(rescue, user=user)
    rescue.save()
    return rescue


@transaction.atomic
def rescue_update(*, user, rescue: Rescue, **data) -> Rescue:
    unknown = set(data) - set(RESCUE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rescue fields: {sorted(unknown)}")
    person_before = rescue.person_id
    for field, value in data.items():
        setattr(rescue, field, value)
    rescue_validate(rescue, user=user, person_changed=rescue.person_id != person_before)
    rescue.save()
    return rescue
