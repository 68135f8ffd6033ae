"""The one personal-data policy: what of a person a user sees in full, and the log of it.

Every page, API serializer and export asks here, never `has_perm` on its own. The decision is one
permission per kind of data (granted per role in roles.py files; leaders and API clients hold none,
so they see every person the same masked way everywhere), and a full view is written to the access
log by the same helper:

    pd = personal_data(request.user)
    pd.name(person.name), pd.id_number(person.id_number), pd.birth_date(person.birth_date)
    pd.text(reason, names=[member.name for member in members])   # free text that names people
    pd.log_view(request=request, object_type="person", object_ids=[person.pk])

Templates use `{% load portal %}{% personal value "name" %}` with the same policy."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identifiers import mask_id_number, mask_name, mask_phone


class Kind(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    NAME = "name", _("姓名")
    PHONE = "phone", _("联系电话")
    ADDRESS = "address", _("住址")
    BANK_ACCOUNT = "bank_account", _("银行账号")
    BIRTH_DATE = "birth_date", _("出生日期")


#: The permission (on core.User's Meta) that shows each kind in full.
PERMISSIONS = {
    Kind.ID_NUMBER: "core.view_full_id_number",
    Kind.NAME: "core.view_full_name",
    Kind.PHONE: "core.view_full_phone",
    Kind.ADDRESS: "core.view_full_address",
    Kind.BANK_ACCOUNT: "core.view_full_bank_account",
    Kind.BIRTH_DATE: "core.view_full_birth_date",
}
#: Every kind's permission: the roles that work with people's files hold them all.
ALL_PERSONAL_DATA = list(PERMISSIONS.values())
EXPORT_PERSONAL_DATA = "core.export_personal_data"
#: The most rows one export writes; past it the user is asked to narrow the list.
EXPORT_MAX_ROWS = 100_000


def mask_address(value: str | None) -> str:
    """The township/village part stays readable, the house number does not: first 6 characters."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else value[:1] + "****"


def mask_bank_account(value: str | None) -> str:
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


class PersonalData:
    """The policy for one user (cached per request on the user object by `personal_data`)."""

    def __init__(self, user, *, exporting: bool = False):
        self.user = user
        # A bulk export shows a kind in full only to a user who also holds the export right.
        allowed = bool(user and (not exporting or user.has_perm(EXPORT_PERSONAL_DATA)))
        self._full = {kind: allowed and user.has_perm(perm) for kind, perm in PERMISSIONS.items()}
        for kind, full in self._full.items():
            setattr(self, f"full_{kind.value}", full)  # pd.full_birth_date, for templates

    def full(self, kind: str) -> bool:
        return self._full[Kind(kind)]

    def for_export(self) -> "PersonalData":
        """The policy for a bulk export by the same user (full only with the export right too)."""
        return PersonalData(self.user, exporting=True)

    def show(self, kind: str, value):
        return {
            Kind.ID_NUMBER: self.id_number,
            Kind.NAME: self.name,
            Kind.PHONE: self.phone,
            Kind.ADDRESS: self.address,
            Kind.BANK_ACCOUNT: self.bank_account,
            Kind.BIRTH_DATE: self.birth_date,
        }[Kind(kind)](value)

    def id_number(self, value: str | None) -> str:
        return (value or "") if self.full(Kind.ID_NUMBER) else mask_id_number(value)

    def name(self, value: str | None) -> str:
        return (value or "") if self.full(Kind.NAME) else mask_name(value)

    def phone(self, value: str | None) -> str:
        return (value or "") if self.full(Kind.PHONE) else mask_phone(value)

    def address(self, value: str | None) -> str:
        return (value or "") if self.full(Kind.ADDRESS) else mask_address(value)

    def bank_account(self, value: str | None) -> str:
        return (value or "") if self.full(Kind.BANK_ACCOUNT) else mask_bank_account(value)

    def birth_date(self, value):
        """The full date would give away the 8 digits the ID-number mask hides: the year only."""
        if not value:
            return ""
        return value if self.full(Kind.BIRTH_DATE) else str(value.year)

    def text(self, value: str | None, *, names) -> str:
        """Free text (a re-check reason, a note) with each of the given people's names masked."""
        if not value or self.full(Kind.NAME):
            return value or ""
        wanted = sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)
        if not wanted:
            return value
        return re.sub("|".join(map(re.escape, wanted)), lambda m: mask_name(m.group(0)), value)

    def log_view(self, *, request, object_type: str, object_ids, detail: str = "") -> None:
        """A page or response that showed these people's full ID numbers goes to the access log."""
        from core.models import AccessLog
        from core.services.access import access_log_record

        ids = [i for i in object_ids if i is not None]
        if ids and self.full(Kind.ID_NUMBER):
            access_log_record(
                user=self.user, action=AccessLog.Action.VIEW_FULL_ID, object_type=object_type, object_ids=ids,
                detail=detail, request=request,
            )  # fmt: skip

    def log_export(self, *, request, object_type: str, object_ids, rows: int, detail: str = "") -> None:
        """Every export of personal data is logged, masked or not, saying which."""
        from django.utils.translation import gettext

        from core.models import AccessLog
        from core.services.access import access_log_record

        what = (
            gettext("导出 %(n)d 行（完整身份证号）")
            if self.full(Kind.ID_NUMBER)
            else gettext("导出 %(n)d 行（身份证号已脱敏）")
        )
        access_log_record(
            user=self.user, action=AccessLog.Action.EXPORT, object_type=object_type, object_ids=list(object_ids),
            detail=detail or what % {"n": rows}, request=request,
        )  # fmt: skip


def personal_data(user) -> PersonalData:
    """The user's policy, computed once per user object (a request's user lives for the request)."""
    cached = getattr(user, "_personal_data", None)
    if cached is None:
        cached = PersonalData(user)
        if user is not None:
            user._personal_data = cached
    return cached
