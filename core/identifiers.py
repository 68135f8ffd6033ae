"""Resident ID numbers (GB 11643), unified social credit codes (GB 32100) and people's names.

`stdnum.cn.ric.validate` also refuses a region code that was not in force in the birth year. Late
registrations (children registered years after birth, the 2016 drive to register the unregistered)
carry the code in force at registration with the real, older birth date: such numbers are real and
are accepted here, with a note for the record.
"""

import datetime
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError

from core.limits import EARLIEST_DATE

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberInfo(NamedTuple):
    """What a valid ID number says. A tuple: an import builds 100,000 of them, and a frozen
    dataclass costs five times as much to make."""

    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F": the 17th digit, odd for men
    region_code: str
    region_name: str
    #: Set when the region code was not in force in the birth year (a late registration).
    note: str = ""


def normalize_id_number(value: str) -> str:
    text = (value or "").strip().replace(" ", "")
    # The same string back when nothing changes (an import keeps 100,000 numbers, each once).
    return text if text.isdigit() or text.isupper() else text.upper()


@lru_cache(maxsize=8192)
def _region_counties(code: str) -> tuple[tuple[int | None, int | None, str], ...]:
    """Every county name a region code has had, with its years in force. Cached: stdnum's lookup
    walks its database on every call (2 of 5 s of a 100,000-row import's validation), and China
    has a few thousand region codes."""
    results = numdb.get("cn/loc").info(code)
    info = {k: v for _part, props in results for k, v in props.items()}
    counties = []
    for county in info.get("county", "").split(","):
        if not county:
            continue
        if county.startswith("["):
            years, name = county[1:].split("]", 1)
            start, end = years.split("-")
            counties.append((int(start) if start else None, int(end) if end else None, name))
        else:
            counties.append((None, None, county))
    return tuple(counties)


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdNumberInfo:
    """Validate a resident ID number and return what it says; raise ValidationError with a reason
    a clerk can act on. An import passes `today`, read once for the file."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位，当前为%(n)d位。") % {"n": len(number)}, code="id_length")
    if not _ID_SHAPE.match(number):
        raise ValidationError(_("身份证号只能由数字组成，最后一位可以是X。"), code="id_format")
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号中的出生日期 %(d)s 不存在。") % {"d": number[6:14]}, code="id_birth_date"
        ) from None
    if birth_date > (today or timezone.localdate()) or birth_date < EARLIEST_DATE:
        raise ValidationError(_("身份证号中的出生日期 %(d)s 不可能。") % {"d": number[6:14]}, code="id_birth_date")
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("身份证号校验位错误：按前17位应为 %(c)s。") % {"c": ric.calc_check_digit(number)},
            code="id_checksum",
        )
    found = _region_in_force(number[:6], birth_date.year)
    if found is None:
        raise ValidationError(_("身份证号前6位 %(r)s 不是已知的行政区划代码。") % {"r": number[:6]}, code="id_region")
    county, in_force = found
    note = "" if in_force else _late_registration_note(number[:6], county, birth_date.year)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberInfo(number, birth_date, sex, number[:6], county, note)


@lru_cache(maxsize=65536)
def _region_in_force(code: str, year: int) -> tuple[str, bool] | None:
    """(county name, whether the code was in force in the birth year) of a region code, None for an
    unknown code. Cached: an import's numbers share a few codes and years. The note for a code not in
    force is written by the caller, in the language of the moment, only when there is one."""
    counties = _region_counties(code)
    if not counties:
        return None
    in_force = [
        name for start, end, name in counties if (start is None or year >= start) and (end is None or year <= end)
    ]
    if in_force:
        return in_force[0], True
    return counties[-1][2], False


def _late_registration_note(code: str, region_name: str, year: int) -> str:
    return _("区划代码 %(r)s（%(name)s）在出生年份 %(y)d 尚未启用或已撤销：按补登记（晚登记）号码接受。") % {
        "r": code,
        "name": region_name,
        "y": year,
    }


def validate_id_number(value: str) -> None:
    """Field validator form of parse_id_number."""
    parse_id_number(value)


def id_number_with_check_digit(first17: str) -> str:
    """Complete 17 digits with their GB 11643 check digit (used by demo data and tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def mask_id_number(value: str | None) -> str:
    """350583********123X: region kept, birth date and sequence hidden."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*明 for public notices: first and last character kept."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def validate_credit_code(value: str) -> None:
    number = (value or "").strip().upper()
    if len(number) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(number)}, code="uscc_length")
    try:
        uscc.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位错误：按前17位应为 %(c)s。") % {"c": uscc.calc_check_digit(number)},
            code="uscc_checksum",
        ) from None
    except StdnumValidationError:
        raise ValidationError(
            _("统一社会信用代码格式错误：前8位为数字，其余为数字或除I、O、Z、S、V以外的大写字母。"),
            code="uscc_format",
        ) from None


#: Between the letters of a name: the middle dot of minority and foreign names (· and the variants
#: typed for it: • ・ ‧ and the full-width full stop ．), a space (also the full-width one), a
#: hyphen, an apostrophe (O'Brien, N’Diaye) and a full stop (J. Smith).
_NAME_JOINERS = frozenset("·•・‧．.\u3000 -'’")
#: 〇 is a character of names (李〇) though Unicode files it under numbers.
_NAME_EXTRA_LETTERS = frozenset("〇")


#: The CJK Unified Ideographs block: every character in it is a letter (Lo), so a name of these alone
#: passes the rule below without a look at each character (tests/core/test_identifiers.py holds it).
_HAN_NAME = re.compile("[\u4e00-\u9fff]+")


def _name_letter(char: str) -> bool:
    # Letters of every script (Han, Latin, Uyghur, Tibetan, ...), their combining marks, and the
    # private-use characters offices type for rare characters that Unicode lacks (生僻字).
    category = unicodedata.category(char)
    return char in _NAME_EXTRA_LETTERS or category[0] in {"L", "M"} or category == "Co"


def validate_person_name(value: str) -> None:
    """A person's name: letters of any script (汉字 first of all), with the middle dot, spaces and
    hyphens between them. Nothing else: no digits, no = + @ < > " ( ) ; — a name that starts a
    spreadsheet formula or carries markup is not a name."""
    if not value or _HAN_NAME.fullmatch(value):  # most names: letters of the main Han block only
        return
    if not _name_letter(value[0]) or not _name_letter(value[-1]):
        raise ValidationError(_name_rule(), code="name_chars")
    if any(not (_name_letter(c) or c in _NAME_JOINERS) for c in value):
        raise ValidationError(_name_rule(), code="name_chars")


def _name_rule() -> str:
    return _("姓名只能由汉字、字母、间隔号“·”、空格、连字符“-”和撇号“'”组成，并以汉字或字母开头和结尾。")
