"""孤儿、事实无人抚养儿童认定 (民发〔2019〕62号): the guardian applies (entered by the village
assistant or the township), the township verifies within 15 working days, the bureau confirms
within 15 working days. No public notice: the children's privacy comes first. Confirmation adds
the category to the child's file; the allowance is paid from the next month."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Child, Recognition
from childwelfare.models.children import SUPPORTED
from childwelfare.services._common import add_working_days, check_name, check_phone
from childwelfare.services.children import CategoryInput, category_check, child_visit_schedule, parents_check
from core.exceptions import ApplicationError, FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_text

#: 民发〔2019〕62号: township verification and county confirmation, 15 working days each.
VERIFY_WORKING_DAYS = 15
CONFIRM_WORKING_DAYS = 15

APPLY = "childwelfare.add_recognition"
VERIFY = "childwelfare.verify_recognition"
CONFIRM = "childwelfare.confirm_recognition"


def _refuse(message: str, code: str):
    raise ApplicationError(message, code=code)


@transaction.atomic
def recognition_apply(
    *, user, child: Child, kind: str, applied_on: date, applicant_name: str, applicant_relation: str,
    father_situation: str, mother_situation: str, applicant_phone: str = "", evidence: str = "",
) -> Recognition:  # fmt: skip
    child = Child.objects.select_for_update().select_related("person").get(pk=child.pk)
    errors = FieldErrors()
    if not user.has_perm(APPLY):
        raise ApplicationError(_("您无权录入认定申请。"), code="forbidden", extra={"status": 403})
    if not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能为本乡镇（街道）的儿童录入申请。"))
    if not child.is_open:
        errors.add("child", _("档案已于 %(d)s 销档。") % {"d": child.closed_on})
    if kind not in [c.value for c in SUPPORTED]:
        errors.add("kind", _("认定类别应为孤儿或事实无人抚养儿童。"))
    check_date(errors, "applied_on", applied_on, earliest=child.person.birth_date, not_after_today=True)
    if applied_on is None:
        errors.add("applied_on", _("请填写申请日期。"))
    check_name(errors, "applicant_name", applicant_name, required=True)
    if not applicant_relation:
        errors.add("applicant_relation", _("请填写申请人与儿童的关系。"))
    check_text(errors, "applicant_relation", applicant_relation, max_length=20)
    check_phone(errors, "applicant_phone", applicant_phone)
    check_text(errors, "evidence", evidence, max_length=REASON_MAX)
    if "kind" not in errors:
        parents_check(errors, kind, father_situation, mother_situation)
    if child.recognitions.filter(state__in=Recognition.OPEN_STATES).exists():
        errors.add("child", _("该儿童已有一份正在办理的认定申请。"))
    if "kind" not in errors and applied_on and child.categories.filter(code=kind, end__isnull=True).exists():
        errors.add("kind", _("该儿童已是%(k)s。") % {"k": dict(Recognition._meta.get_field("kind").choices)[kind]})
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return Recognition.objects.create(
                child=child, kind=kind, applied_on=applied_on, applicant_name=applicant_name,
                applicant_relation=applicant_relation, applicant_phone=applicant_phone,
                father_situation=father_situation, mother_situation=mother_situation, evidence=evidence,
                verify_due=add_working_days(applied_on, VERIFY_WORKING_DAYS), created_by=user,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"child": [_("该儿童已有一份正在办理的认定申请。")]}) from None


def _locked(recognition: Recognition) -> Recognition:
    return Recognition.objects.select_for_update().select_related("child__person").get(pk=recognition.pk)


def _opinion_and_date(errors, *, opinion: str, on: date | None, after: date, key: str, required: bool) -> None:
    if on is None:
        errors.add(f"{key}_on", _("请填写日期。"))
    else:
        check_date(errors, f"{key}_on", on, earliest=after, not_after_today=True)
    if required and not (opinion or "").strip():
        errors.add("opinion", _("请填写意见。"))
    check_text(errors, "opinion", opinion, max_length=REASON_MAX)


@transaction.atomic
def recognition_verify(*, user, recognition: Recognition, opinion: str, on: date | None = None) -> Recognition:
    """The township's verification (乡镇核查): the application goes to the bureau for confirmation,
    due 15 working days after it."""
    recognition = _locked(recognition)
    if not user.has_perm(VERIFY) or not user_can_act_in(user, recognition.child.township_id):
        raise ApplicationError(_("只有儿童所在乡镇（街道）的经办人可以核查。"), code="forbidden", extra={"status": 403})
    if recognition.state != Recognition.State.APPLIED:
        _refuse(_("当前状态为“%(s)s”，不能核查。") % {"s": recognition.get_state_display()}, "illegal_transition")
    on = on or timezone.localdate()
    errors = FieldErrors()
    _opinion_and_date(errors, opinion=opinion, on=on, after=recognition.applied_on, key="verified", required=True)
    errors.raise_if_any()
    recognition.state = Recognition.State.VERIFIED
    recognition.verified_on, recognition.verified_by, recognition.verify_opinion = on, user, opinion
    recognition.confirm_due = add_working_days(on, CONFIRM_WORKING_DAYS)
    recognition.save()
    return recognition


@transaction.atomic
def recognition_confirm(*, user, recognition: Recognition, opinion: str = "", on: date | None = None) -> Recognition:
    """The bureau's confirmation (民政局确认): the category starts on the day of confirmation (and
    the allowance from the next month). Refused when the child is now a tekun recipient, is 18, or
    the category would overlap one on file."""
    recognition = _locked(recognition)
    if not user.has_perm(CONFIRM):
        raise ApplicationError(_("只有民政局可以确认认定。"), code="forbidden", extra={"status": 403})
    if recognition.state != Recognition.State.VERIFIED:
        _refuse(
            _("当前状态为“%(s)s”，须乡镇核查后才能确认。") % {"s": recognition.get_state_display()},
            "illegal_transition",
        )
    on = on or timezone.localdate()
    errors = FieldErrors()
    _opinion_and_date(errors, opinion=opinion, on=on, after=recognition.verified_on, key="decided", required=False)
    child = Child.objects.select_for_update().select_related("person").get(pk=recognition.child_id)
    data = CategoryInput(
        code=recognition.kind, start=on, father_situation=recognition.father_situation,
        mother_situation=recognition.mother_situation, evidence=recognition.evidence, recognition=recognition,
    )  # fmt: skip
    category_errors = FieldErrors()
    category_check(category_errors, person=child.person, data=data, existing=list(child.categories.all()), user=user)
    for key, messages in category_errors.items():
        for message in messages:
            errors.add("kind" if key == "code" else key, message)
    errors.raise_if_any()
    from childwelfare.services.children import _category_create

    _category_create(child=child, data=data, user=user)
    recognition.state = Recognition.State.CONFIRMED
    recognition.decided_on, recognition.decided_by, recognition.decision_opinion = on, user, opinion
    recognition.save()
    child_visit_schedule([child.pk])
    return recognition


@transaction.atomic
def recognition_reject(*, user, recognition: Recognition, opinion: str, on: date | None = None) -> Recognition:
    """Not recognised, with the reason: by the township at verification or by the bureau at confirmation."""
    recognition = _locked(recognition)
    allowed = (recognition.state == Recognition.State.APPLIED and user.has_perm(VERIFY)) or (
        recognition.state == Recognition.State.VERIFIED and user.has_perm(CONFIRM)
    )
    if recognition.state not in Recognition.OPEN_STATES:
        _refuse(
            _("当前状态为“%(s)s”，不能作出不予认定。") % {"s": recognition.get_state_display()}, "illegal_transition"
        )
    if not allowed or not user_can_act_in(user, recognition.child.township_id):
        raise ApplicationError(_("您无权在此环节作出不予认定。"), code="forbidden", extra={"status": 403})
    on = on or timezone.localdate()
    errors = FieldErrors()
    after = recognition.verified_on or recognition.applied_on
    _opinion_and_date(errors, opinion=opinion, on=on, after=after, key="decided", required=True)
    errors.raise_if_any()
    recognition.state = Recognition.State.REJECTED
    recognition.decided_on, recognition.decided_by, recognition.decision_opinion = on, user, opinion
    recognition.save()
    return recognition
