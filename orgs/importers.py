"""The existing registry of social organisations (社会组织登记台账) through core's import engine.

Validation is set-based: each row is checked by the same rules as the form and the API
(orgs.services.organisations.check_organisation, which needs no query), then the sheet's credit
codes and names are looked up once against the registry and against each other. A sheet of any
size costs the same few queries; every bad row is named, and nothing is saved unless all are good."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.bulk import bulk_insert
from core.exceptions import FieldErrors
from core.imports import Column, Importer, RowError, register
from core.models import Division
from orgs.models import Organisation, StatusChange
from orgs.services.organisations import check_organisation, normalize_credit_code, status_history_for_new

COLUMNS = [
    Column("名称", "name", required=True),
    Column("统一社会信用代码", "credit_code", required=True, text=True, help="18位；第1位为5（民政部门登记）"),
    Column("类型", "type", required=True, help="社会团体、民办非企业单位（或 社会服务机构）、基金会"),
    Column("登记日期", "registered_on", required=True, help="如 2015-06-01"),
    Column("乡镇（街道）", "township", required=True, help="名称或9位区划代码"),
    Column("住所", "address"),
    Column("法定代表人", "legal_representative"),
    Column("业务范围", "business_scope"),
    Column("业务主管单位", "supervising_unit"),
    Column("注册资金（元）", "registered_capital", help="数字，如 30000"),
    Column("已建立党组织", "party_organisation", help="是 或 否（默认否）"),
    Column("党组织建立日期", "party_organisation_on"),
    Column("认定为慈善组织", "charity", help="是 或 否（默认否）"),
    Column("具有公开募捐资格", "public_fundraising", help="是 或 否（默认否）"),
    Column("登记状态", "status", help="正常登记、已注销、已撤销登记（默认正常登记）"),
    Column("注销日期", "deregistered_on"),
    Column("撤销登记日期", "revoked_on"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
YES = {"是", "Y", "y", "yes", "Yes", "1", "√", "有"}
NO = {"否", "N", "n", "no", "No", "0", "无", ""}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
DATE_KEYS = ("registered_on", "party_organisation_on", "deregistered_on", "revoked_on")
BOOL_KEYS = ("party_organisation", "charity", "public_fundraising")


def _labels(choices, extra=None) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[str(value)] = value
        out[str(label).split("（")[0]] = value
    out.update(extra or {})
    return out


TYPES = _labels(
    Organisation.Type.choices,
    {"社会服务机构": Organisation.Type.SOCIAL_SERVICE_AGENCY, "民非": Organisation.Type.SOCIAL_SERVICE_AGENCY},
)
STATUSES = _labels(
    Organisation.Status.choices,
    {
        "正常": Organisation.Status.REGISTERED,
        "注销": Organisation.Status.DEREGISTERED,
        "撤销": Organisation.Status.REVOKED,
        "撤销登记": Organisation.Status.REVOKED,
    },
)


def parse_date(text: str) -> datetime.date:
    match = _DATE.match(text.strip().split("T")[0].split(" ")[0])
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(g) for g in match.groups()))


def _row_organisation(row, townships) -> tuple[Organisation, FieldErrors]:
    """One row as an unsaved Organisation and the errors of its cells."""
    v, errors = row.values, FieldErrors()
    org = Organisation(name=v.get("name") or "", credit_code=normalize_credit_code(v.get("credit_code")))
    for key in ("address", "legal_representative", "business_scope", "supervising_unit"):
        setattr(org, key, (v.get(key) or "").strip())
    org.type = TYPES.get(v.get("type") or "")
    if not org.type:
        errors.add("type", _("未知的类型：%(v)s（应为 社会团体、民办非企业单位、基金会）") % {"v": v.get("type") or ""})
    status = v.get("status") or ""
    org.status = STATUSES.get(status) if status else Organisation.Status.REGISTERED
    if not org.status:
        errors.add("status", _("未知的登记状态：%(v)s") % {"v": status})
    township = townships.get(v.get("township") or "")
    if township is None:
        errors.add("township", _("未知的乡镇（街道）：%(v)s") % {"v": v.get("township") or ""})
    else:
        org.township = township
    for key in DATE_KEYS:
        text = v.get(key)
        if text:
            try:
                setattr(org, key, parse_date(text))
            except ValueError:
                errors.add(key, _("日期格式不正确：%(v)s（应如 2015-06-01）") % {"v": text})
    if not org.registered_on and "registered_on" not in errors:
        errors.add("registered_on", _("请填写登记日期。"))
    for key in BOOL_KEYS:
        text = (v.get(key) or "").strip()
        if text in YES:
            setattr(org, key, True)
        elif text in NO:
            setattr(org, key, False)
        else:
            errors.add(key, _("请填写“是”或“否”：%(v)s") % {"v": text})
    capital = v.get("registered_capital")
    if capital:
        try:
            org.registered_capital = Decimal(capital.replace(",", "")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors.add("registered_capital", _("金额格式不正确：%(v)s") % {"v": capital})
    return org, errors


def validate(rows, *, user, progress):
    """Every row through check_organisation; then the sheet's codes and names against the registry
    (two queries) and against each other."""
    townships = {}
    for d in Division.objects.filter(level=Division.Level.TOWNSHIP):
        townships[d.code] = townships[d.name] = d
    prepared, errors, per_row = [], [], []
    for i, row in enumerate(rows, start=1):
        org, row_errors = _row_organisation(row, townships)
        if org.township_id and not user.is_city_level and org.township_id != user.township_id:
            row_errors.add("township", _("只能导入本乡镇（街道）的社会组织。"))
        check_organisation(row_errors, org)
        per_row.append((row, org, row_errors))
        if i % 500 == 0:
            progress(i)
    codes = {org.credit_code for _row, org, _e in per_row if org.credit_code}
    names = {org.name for _row, org, _e in per_row if org.name}
    taken_codes = set(Organisation.objects.filter(credit_code__any_of=codes).values_list("credit_code", flat=True))
    taken_names = set(Organisation.objects.filter(name__any_of=names).values_list("name", flat=True))
    first_code: dict[str, int] = {}
    first_name: dict[str, int] = {}
    for row, org, row_errors in per_row:
        if "credit_code" not in row_errors:
            if org.credit_code in taken_codes:
                row_errors.add("credit_code", _("统一社会信用代码 %(c)s 已登记。") % {"c": org.credit_code})
            elif org.credit_code in first_code:
                row_errors.add(
                    "credit_code", _("与第 %(r)d 行的统一社会信用代码重复。") % {"r": first_code[org.credit_code]}
                )
            else:
                first_code[org.credit_code] = row.number
        if "name" not in row_errors and org.name:
            if org.name in taken_names:
                row_errors.add("name", _("名称“%(n)s”已被其他社会组织使用。") % {"n": org.name})
            elif org.name in first_name:
                row_errors.add("name", _("与第 %(r)d 行的名称重复。") % {"r": first_name[org.name]})
            else:
                first_name[org.name] = row.number
        if row_errors:
            for key, messages in row_errors.items():
                column = _BY_KEY.get(key)
                errors.extend(RowError(row.number, column.header if column else "", m) for m in messages)
        else:
            prepared.append(org)
    progress(len(rows))
    return prepared, errors


_REASON = "Excel导入：社会组织"


def save(prepared, *, user) -> int:
    """All rows at once: the organisations with their audit history (core.bulk), then their status
    history."""
    created = bulk_insert(Organisation, prepared, user=user, reason=_REASON)
    history = [change for org in created for change in status_history_for_new(org, user)]
    StatusChange.objects.bulk_create(history, batch_size=5000)
    return len(created)


register(
    Importer(
        kind="orgs-registry",
        label="社会组织登记台账",
        columns=COLUMNS,
        permission="orgs.add_organisation",
        done_url="orgs:organisation_list",
        validate=validate,
        save=save,
        example=[
            [
                "南安市老年人体育协会",
                "51350583MJ00000018",
                "社会团体",
                "2012-05-18",
                "溪美街道",
                "南安市溪美街道成功街88号",
                "林某某",
                "组织老年人开展体育健身活动",
                "南安市体育局",
                "30000",
                "是",
                "2019-07-01",
                "否",
                "否",
                "正常登记",
                "",
                "",
            ],
        ],
        notes=[
            "每行一个社会组织；统一社会信用代码第1位须为5（民政部门登记），第2位须与类型一致：1 社会团体、2 民办非企业单位、3 基金会。",
            "已注销或已撤销登记的组织也可导入：填写登记状态和对应日期。",
            "有任何一行错误时全部不导入；请按错误说明改正后重新上传。",
        ],
    )
)
