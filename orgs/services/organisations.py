"""The registry of social organisations: registration (by the bureau), edits, and the dated status
changes (deregistration, revocation) that make its history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.identifiers import validate_credit_code
from core.limits import check_date, check_money
from orgs.models import CAPITAL_MAX, CAPITAL_MIN, Organisation, StatusChange
from orgs.services._common import check_texts, check_township, clean_fields_into, save_unique, strip

ORGANISATION_FIELDS = (
    "name", "credit_code", "type", "registered_on", "township", "address", "legal_representative",
    "business_scope", "supervising_unit", "registered_capital", "party_organisation", "party_organisation_on",
    "charity", "public_fundraising", "status", "deregistered_on", "revoked_on",
)  # fmt: skip
#: Set at registration; changed afterwards only through organisation_change_status.
STATUS_FIELDS = ("status", "deregistered_on", "revoked_on")
TEXT_FIELDS = ("name", "address", "legal_representative", "business_scope", "supervising_unit")
#: GB 32100: the first character names the registration authority; 5 is civil affairs.
CIVIL_AFFAIRS = "5"


def normalize_credit_code(value) -> str:
    return strip(value).upper().replace(" ", "")


def check_credit_code(errors: FieldErrors, code: str, org_type: str | None) -> None:
    """The code's check character (core's GB 32100 rule), then what a code registered by civil affairs
    must say: authority 5, and a type character agreeing with the organisation's type."""
    if not code:
        errors.add("credit_code", _("请填写统一社会信用代码。"))
        return
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        errors.add("credit_code", exc.messages[0])
        return
    if code[0] != CIVIL_AFFAIRS:
        errors.add(
            "credit_code",
            _("登记管理部门代码（第1位）应为 5（民政部门），当前为 %(c)s：此代码不是民政部门登记的社会组织。")
            % {"c": code[0]},
        )
        return
    if org_type in Organisation.TYPE_CHARACTER:
        expected = Organisation.TYPE_CHARACTER[org_type]
        if code[1] != expected:
            errors.add(
                "credit_code",
                _("机构类别代码（第2位）为 %(c)s，与类型“%(t)s”不符（应为 %(e)s）。")
                % {"c": code[1], "t": Organisation.Type(org_type).label, "e": expected},
            )


def check_organisation(errors: FieldErrors, org: Organisation) -> None:
    """Every rule on one organisation that needs no query: the import runs it on each row, the
    form and the API on the one they save."""
    org.name = strip(org.name)
    org.credit_code = normalize_credit_code(org.credit_code)
    check_texts(errors, org, TEXT_FIELDS)
    if not org.name and "name" not in errors:
        errors.add("name", _("请填写名称。"))
    check_credit_code(errors, org.credit_code, org.type)
    check_date(errors, "registered_on", org.registered_on, not_after_today=True)
    for key in ("deregistered_on", "revoked_on", "party_organisation_on"):
        check_date(errors, key, getattr(org, key), not_after_today=True)
    check_money(errors, "registered_capital", org.registered_capital, minimum=CAPITAL_MIN, maximum=CAPITAL_MAX)
    clean_fields_into(errors, org, exclude=["township"])
    registered = org.registered_on if "registered_on" not in errors else None
    status = org.status
    if status == Organisation.Status.REGISTERED and (org.deregistered_on or org.revoked_on):
        errors.add("status", _("正常登记的组织不填注销、撤销日期。"))
    if status == Organisation.Status.DEREGISTERED:
        if not org.deregistered_on:
            errors.add("deregistered_on", _("已注销的组织请填写注销日期。"))
        if org.revoked_on:
            errors.add("revoked_on", _("已注销的组织不填撤销登记日期。"))
    if status == Organisation.Status.REVOKED:
        if not org.revoked_on:
            errors.add("revoked_on", _("已撤销登记的组织请填写撤销登记日期。"))
        if org.deregistered_on:
            errors.add("deregistered_on", _("已撤销登记的组织不填注销日期。"))
    for key in ("deregistered_on", "revoked_on", "party_organisation_on"):
        day = getattr(org, key)
        if registered and day and key not in errors and day < registered:
            label = Organisation._meta.get_field(key).verbose_name
            errors.add(key, _("%(f)s不能早于登记日期 %(d)s。") % {"f": label, "d": registered.isoformat()})
    if org.party_organisation_on and not org.party_organisation:
        errors.add("party_organisation_on", _("未建立党组织时不填党组织建立日期。"))
    if org.public_fundraising and not org.charity:
        errors.add("public_fundraising", _("公开募捐资格只授予已认定的慈善组织。"))


def check_unique(errors: FieldErrors, org: Organisation) -> None:
    """Name and credit code are the registry's keys (two queries; the import asks once per sheet)."""
    others = Organisation.objects.exclude(pk=org.pk)
    if "credit_code" not in errors and others.filter(credit_code=org.credit_code).exists():
        errors.add("credit_code", _("统一社会信用代码 %(c)s 已登记。") % {"c": org.credit_code})
    if "name" not in errors and others.filter(name=org.name).exists():
        errors.add("name", _("名称“%(n)s”已被其他社会组织使用。") % {"n": org.name})


def status_history_for_new(org: Organisation, user) -> list[StatusChange]:
    """The history rows a newly entered organisation starts with: its registration, and its end
    when the registry already shows one."""
    rows = [StatusChange(organisation=org, status=Organisation.Status.REGISTERED, changed_on=org.registered_on,
                         reason=_("登记成立"), recorded_by=user)]  # fmt: skip
    if org.status == Organisation.Status.DEREGISTERED:
        rows.append(StatusChange(organisation=org, status=org.status, changed_on=org.deregistered_on,
                                 reason=_("注销登记"), recorded_by=user))  # fmt: skip
    if org.status == Organisation.Status.REVOKED:
        rows.append(StatusChange(organisation=org, status=org.status, changed_on=org.revoked_on,
                                 reason=_("撤销登记"), recorded_by=user))  # fmt: skip
    return rows


def _assign(org: Organisation, data: dict) -> None:
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown organisation fields: {sorted(unknown)}")
    for key, value in data.items():
        setattr(org, key, value)


@transaction.atomic
def organisation_create(*, user, **data) -> Organisation:
    """Register an organisation in the registry (the bureau; a township officer only in their own
    township). An existing registry's organisation may arrive already deregistered or revoked."""
    org = Organisation()
    _assign(org, data)
    for key in ("party_organisation", "charity", "public_fundraising"):
        setattr(org, key, bool(getattr(org, key)))
    org.status = org.status or Organisation.Status.REGISTERED
    errors = FieldErrors()
    if not getattr(org, "township_id", None):
        errors.add("township", _("请选择所在乡镇（街道）。"))
    check_township(errors, user, "township", org.township_id)
    check_organisation(errors, org)
    check_unique(errors, org)
    errors.raise_if_any()
    org._history_user = user  # the audit history's author, in a request or not
    save_unique(org, errors, "credit_code", _("统一社会信用代码或名称已登记（刚被其他用户录入）。"))
    StatusChange.objects.bulk_create(status_history_for_new(org, user))
    return org


@transaction.atomic
def organisation_update(*, user, organisation: Organisation, **data) -> Organisation:
    """Correct an organisation's particulars. Its status changes only through
    organisation_change_status (dated, with its reason), never by an edit."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for key in STATUS_FIELDS:
        data.pop(key, None)
    _assign(org, data)
    errors = FieldErrors()
    check_township(errors, user, "township", org.township_id)
    check_organisation(errors, org)
    if "registered_on" not in errors and org.registered_on:
        first = org.status_changes.exclude(status=Organisation.Status.REGISTERED).order_by("changed_on").first()
        if first and first.changed_on < org.registered_on:
            errors.add("registered_on", _("登记日期不能晚于 %(d)s 的状态变更。") % {"d": first.changed_on.isoformat()})
    check_unique(errors, org)
    errors.raise_if_any()
    org._history_user = user
    save_unique(org, errors, "name", _("名称已被其他社会组织使用（刚被其他用户录入）。"))
    org.status_changes.filter(status=Organisation.Status.REGISTERED, reason=_("登记成立")).update(
        changed_on=org.registered_on
    )
    return org


@transaction.atomic
def organisation_change_status(
    *, user, organisation: Organisation, status: str, changed_on: datetime.date | None, reason: str = ""
) -> Organisation:
    """Deregister (注销) or revoke (撤销登记) a registered organisation on a date, with the reason.
    Open list entries stay as they are: the lists record what happened."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    errors = FieldErrors()
    change = StatusChange(organisation=org, status=status, changed_on=changed_on, reason=strip(reason),
                          recorded_by=user)  # fmt: skip
    check_texts(errors, change, ("reason",))
    check_township(errors, user, "status", org.township_id)
    if status not in (Organisation.Status.DEREGISTERED, Organisation.Status.REVOKED):
        errors.add("status", _("只能办理注销或撤销登记。"))
    elif org.status != Organisation.Status.REGISTERED:
        errors.add("status", _("该组织已%(s)s，不能再变更。") % {"s": org.get_status_display()})
    if not changed_on:
        errors.add("changed_on", _("请填写日期。"))
    else:
        check_date(errors, "changed_on", changed_on, earliest=org.registered_on, not_after_today=True)
    if status == Organisation.Status.REVOKED and not change.reason and "reason" not in errors:
        errors.add("reason", _("撤销登记请写明事由。"))
    errors.raise_if_any()
    org.status = status
    if status == Organisation.Status.DEREGISTERED:
        org.deregistered_on = changed_on
    else:
        org.revoked_on = changed_on
    org._history_user = user
    org.save(update_fields=["status", "deregistered_on", "revoked_on", "updated_at"])
    change.save()
    return org


def first_report_year(org: Organisation) -> int:
    """The first year an organisation owes a report for: its registration year, unless it was
    registered in the second half (under six months at the year's end), then the next."""
    registered = org.registered_on
    return registered.year if registered <= datetime.date(registered.year, 6, 30) else registered.year + 1
