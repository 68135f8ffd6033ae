"""The bureau's institution roster (养老机构名录) through core's import engine: one row per
institution, with its current bed count. Validation is set-based: the townships and the names and
credit codes already registered are read once per file (three queries), every row is checked by
the same rules as the form and the API (eldercare.services.institutions.institution_check without
its per-row database checks), and every bad row is named with its reason. All rows or none."""

import datetime
import re

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.imports import Column, Importer, RowError, register
from core.limits import check_text
from core.models import Division, Person
from eldercare.models import BedCount, CommunityFacility, Institution, Status, Subsidy, SubsidyKind
from eldercare.services.facilities import facility_check
from eldercare.services.institutions import bed_count_check, institution_check, normalize_credit_code
from eldercare.services.subsidies import (
    Facts,
    clean_bank_account,
    facts_for,
    paid_until,
    standards_in_force,
    subsidy_amount,
    subsidy_check,
    subsidy_overlap_check,
)  # fmt: skip
from eldercare.townships import with_townships

COLUMNS = [
    Column("机构名称", "name", required=True),
    Column("统一社会信用代码", "credit_code", required=True, text=True, help="18位"),
    Column("性质", "ownership", required=True, help="公办、民办或公建民营"),
    Column("乡镇（街道）", "township", required=True, help="名称或9位区划代码"),
    Column("地址", "address"),
    Column("开业日期", "opened_on", help="如 2018-05-01；筹建中的可留空"),
    Column("关闭日期", "closed_on", help="已关闭的填写"),
    Column("状态", "status", help="筹建中、运营中、暂停服务、已关闭；留空为运营中"),
    Column("等级（星级）", "star_grade", help="1–5；未评定留空"),
    Column("评定日期", "graded_on", help="填写等级时必填"),
    Column("医养结合", "medical_care", help="是 或 否"),
    Column("全托", "full_time_care", help="是 或 否（留空为是）"),
    Column("日托", "day_care", help="是 或 否"),
    Column("上门服务", "home_visits", help="是 或 否"),
    Column("床位总数", "total_beds", help="填写时同时填写护理型床位和统计日期"),
    Column("护理型床位", "nursing_beds"),
    Column("床位统计日期", "as_of", help="如 2025-12-31"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
YES = {"是", "Y", "y", "yes", "1", "√"}
NO = {"否", "N", "n", "no", "0"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _labels(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[str(value)] = value
    return out


def _parse_dates(v: dict, keys, data: dict, errors: FieldErrors) -> None:
    """Date columns into `data` (None when empty); a date that cannot be read is named."""
    for key in keys:
        text = v.get(key)
        data[key] = None
        if text:
            match = _DATE.match(text.split("T")[0].split(" ")[0])
            try:
                data[key] = datetime.date(*(int(g) for g in match.groups())) if match else None
            except ValueError:
                data[key] = None
            if data[key] is None:
                errors.add(key, _("日期格式不正确：%(v)s（应如 2025-03-01）") % {"v": text})


def _parse_flags(v: dict, defaults: dict, data: dict, errors: FieldErrors) -> None:
    """是/否 columns into `data` (the default when empty)."""
    for key, default in defaults.items():
        text = (v.get(key) or "").strip()
        if not text:
            data[key] = default
        elif text in YES or text in NO:
            data[key] = text in YES
        else:
            errors.add(key, _("应为“是”或“否”。"))


def _townships() -> dict:
    """Townships by 9-digit code and by name (one query)."""
    townships = {}
    for d in Division.objects.filter(level=Division.Level.TOWNSHIP):
        townships[d.code] = townships[d.name] = d
    return townships


def _row_errors_into(errors: list, row, row_errors: FieldErrors, by_key: dict, fallback: str = "") -> None:
    for key, messages in row_errors.items():
        header = by_key[key].header if key in by_key else fallback
        errors.extend(RowError(row.number, header, m) for m in messages)


def _parse_row(row, townships, ownerships, statuses) -> tuple[dict, dict, FieldErrors]:
    v = row.values
    errors = FieldErrors()
    data: dict = {
        "name": (v.get("name") or "").strip(),
        "credit_code": normalize_credit_code(v.get("credit_code")),
        "address": v.get("address") or "",
    }
    township = townships.get(v.get("township") or "")
    if township is None:
        errors.add("township", _("未知的乡镇（街道）：%(v)s") % {"v": v.get("township") or ""})
    data["township"] = township
    ownership = ownerships.get(v.get("ownership") or "")
    if ownership is None:
        errors.add("ownership", _("性质应为公办、民办或公建民营：%(v)s") % {"v": v.get("ownership") or ""})
    data["ownership"] = ownership or ""
    status = statuses.get(v.get("status") or "运营中")
    if status is None:
        errors.add("status", _("未知的状态：%(v)s") % {"v": v.get("status")})
    data["status"] = status or Status.OPERATING
    _parse_dates(v, ("opened_on", "closed_on", "graded_on", "as_of"), data, errors)
    _parse_flags(
        v, {"medical_care": False, "full_time_care": True, "day_care": False, "home_visits": False}, data, errors
    )
    for key in ("star_grade", "total_beds", "nursing_beds"):
        text = v.get(key)
        data[key] = None
        if text:
            try:
                data[key] = int(text)
            except ValueError:
                errors.add(key, _("应为整数：%(v)s") % {"v": text})
    beds = {k: data.pop(k) for k in ("total_beds", "nursing_beds", "as_of")}
    return data, beds, errors


def validate_institutions(rows, *, user, progress):
    townships = _townships()
    names = set(Institution.objects.values_list("name", flat=True))
    codes = set(Institution.objects.values_list("credit_code", flat=True))
    ownerships = _labels(Institution.Ownership.choices)
    statuses = _labels(Status.choices)
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    prepared, errors = [], []
    for n, row in enumerate(rows, start=1):
        data, beds, row_errors = _parse_row(row, townships, ownerships, statuses)
        institution = Institution(**data)
        institution_check(user=user, institution=institution, errors=row_errors, check_unique=False)
        if not user.is_city_level:
            row_errors.add("township", _("养老机构由民政局登记和维护。"))
        if institution.name in names:
            row_errors.add("name", _("系统中已有同名养老机构。"))
        elif institution.name in seen_names:
            row_errors.add("name", _("与第 %(r)d 行的机构名称重复。") % {"r": seen_names[institution.name]})
        if institution.credit_code in codes:
            row_errors.add("credit_code", _("系统中已有该统一社会信用代码的养老机构。"))
        elif institution.credit_code in seen_codes:
            row_errors.add(
                "credit_code", _("与第 %(r)d 行的统一社会信用代码重复。") % {"r": seen_codes[institution.credit_code]}
            )
        seen_names.setdefault(institution.name, row.number)
        seen_codes.setdefault(institution.credit_code, row.number)
        count = None
        if any(value not in (None, "") for value in beds.values()):
            count = BedCount(**beds)
            bed_count_check(institution=institution, count=count, errors=row_errors)
        _row_errors_into(errors, row, row_errors, _BY_KEY)
        if not row_errors:
            prepared.append((institution, count))
        if n % 200 == 0:
            progress(n)
    progress(len(rows))
    return prepared, errors


def save_institutions(prepared, *, user) -> int:
    institutions = bulk_create_with_history([i for i, _c in prepared], Institution, default_user=user)
    counts = []
    for institution, (_i, count) in zip(institutions, prepared, strict=True):
        if count is not None:
            count.institution = institution
            count.created_by = user
            counts.append(count)
    BedCount.objects.bulk_create(counts)
    return len(institutions)


INSTITUTION_IMPORTER = register(
    Importer(
        kind="eldercare-institutions",
        label="养老机构名录",
        columns=COLUMNS,
        permission="eldercare.add_institution",
        validate=validate_institutions,
        save=save_institutions,
        done_url="eldercare:institution_list",
        example=[
            [
                "南安市示例颐养院",
                "52350583MJ00000002",
                "民办",
                "洪濑镇",
                "洪濑镇示例路1号",
                "2019-05-01",
                "",
                "运营中",
                "3",
                "2023-06-30",
                "是",
                "是",
                "是",
                "是",
                "120",
                "80",
                "2025-12-31",
            ]
        ],
        notes=[
            "一行一所养老机构；机构名称和统一社会信用代码不能与系统中已有的重复。",
            "床位总数、护理型床位、床位统计日期三项同时填写时，登记该日期的床位统计；护理型床位不能多于床位总数。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)


# --- community facilities ------------------------------------------------------------------------

FACILITY_COLUMNS = [
    Column("设施名称", "name", required=True, help="同一乡镇（街道）内不能重名"),
    Column(
        "类型",
        "kind",
        required=True,
        help="综合养老服务中心、居家社区养老服务站、日间照料中心、农村幸福院、长者食堂或老年人助餐点",
    ),
    Column("乡镇（街道）", "township", required=True, help="名称或9位区划代码"),
    Column("地址", "address"),
    Column("开业日期", "opened_on", help="如 2021-05-01；筹建中的可留空"),
    Column("关闭日期", "closed_on", help="已关闭的填写"),
    Column("状态", "status", help="筹建中、运营中、暂停服务、已关闭；留空为运营中"),
    Column("全托", "full_time_care", help="是 或 否（留空为否）"),
    Column("日托", "day_care", help="是 或 否（留空为否）"),
    Column("上门服务", "home_visits", help="是 或 否（留空为否）"),
    Column("备注", "note"),
]
_FACILITY_BY_KEY = {c.key: c for c in FACILITY_COLUMNS}


def _facility_kinds() -> dict[str, str]:
    """The kinds by their label, their code, and the short names clerks write."""
    Kind = CommunityFacility.Kind
    kinds = _labels(Kind.choices)
    kinds.update(
        {
            "综合养老服务中心": Kind.COMPREHENSIVE_CENTRE,
            "社区嵌入式养老服务中心": Kind.COMPREHENSIVE_CENTRE,
            "农村区域性养老服务中心": Kind.COMPREHENSIVE_CENTRE,
            "养老服务站": Kind.HOME_CARE_STATION,
            "居家养老服务站": Kind.HOME_CARE_STATION,
            "日间照料中心": Kind.DAY_CARE_CENTRE,
            "农村幸福院": Kind.HAPPINESS_HOME,
            "幸福院": Kind.HAPPINESS_HOME,
            "长者食堂": Kind.CANTEEN,
            "老年食堂": Kind.CANTEEN,
            "助餐点": Kind.MEAL_POINT,
            "老年人助餐点": Kind.MEAL_POINT,
        }
    )
    return kinds


def validate_facilities(rows, *, user, progress):
    """Every rule of facility_create (eldercare.services.facilities.facility_check), set-based: the
    townships, and the facilities already registered under the file's names, are read once per
    file (two queries, whatever the number of rows)."""
    townships = _townships()
    kinds = _facility_kinds()
    statuses = _labels(Status.choices)
    names = {(r.values.get("name") or "").strip() for r in rows} - {""}
    existing = set(CommunityFacility.objects.filter(name__any_of=names).values_list("township_id", "name"))
    seen: dict[tuple, int] = {}
    prepared, errors = [], []
    for n, row in enumerate(rows, start=1):
        v = row.values
        row_errors = FieldErrors()
        data: dict = {
            "name": (v.get("name") or "").strip(),
            "address": v.get("address") or "",
            "note": v.get("note") or "",
        }
        township = townships.get((v.get("township") or "").strip())
        if township is None:
            row_errors.add("township", _("未知的乡镇（街道）：%(v)s") % {"v": v.get("township") or ""})
        kind = kinds.get((v.get("kind") or "").strip())
        if kind is None:
            row_errors.add("kind", _("未知的设施类型：%(v)s") % {"v": v.get("kind") or ""})
        status = statuses.get((v.get("status") or "").strip() or "运营中")
        if status is None:
            row_errors.add("status", _("未知的状态：%(v)s") % {"v": v.get("status")})
        _parse_dates(v, ("opened_on", "closed_on"), data, row_errors)
        _parse_flags(v, {"full_time_care": False, "day_care": False, "home_visits": False}, data, row_errors)
        facility = CommunityFacility(township=township, kind=kind or "", status=status or Status.OPERATING, **data)
        facility_check(user=user, facility=facility, errors=row_errors, check_unique=False)
        if township is not None and "name" not in row_errors and "township" not in row_errors:
            key = (township.code, facility.name)
            if key in existing:
                row_errors.add("name", _("本乡镇（街道）已有同名设施。"))
            elif key in seen:
                row_errors.add("name", _("与第 %(r)d 行的设施重名（同一乡镇（街道））。") % {"r": seen[key]})
            seen.setdefault(key, row.number)
        _row_errors_into(errors, row, row_errors, _FACILITY_BY_KEY)
        if not row_errors:
            prepared.append(facility)
        if n % 200 == 0:
            progress(n)
    progress(len(rows))
    return prepared, errors


def save_facilities(prepared, *, user) -> int:
    return len(bulk_create_with_history(prepared, CommunityFacility, default_user=user))


FACILITY_IMPORTER = register(
    Importer(
        kind="eldercare-facilities",
        label="社区养老服务设施",
        columns=FACILITY_COLUMNS,
        permission="eldercare.add_communityfacility",
        validate=validate_facilities,
        save=save_facilities,
        done_url="eldercare:facility_list",
        example=[
            [
                "洪濑镇示例社区长者食堂",
                "长者食堂",
                "洪濑镇",
                "洪濑镇示例社区",
                "2024-03-01",
                "",
                "运营中",
                "否",
                "否",
                "否",
                "",
            ],
            ["示例村幸福院", "农村幸福院", "350583113", "", "2022-10-01", "", "", "否", "是", "否", "由村委会运营"],
        ],
        notes=[
            "一行一处设施（居家社区养老服务站、日间照料中心、农村幸福院、长者食堂、助餐点等）；"
            "同一乡镇（街道）内的设施名称不能与系统中已有的或本表其他行重复。",
            "乡镇（街道）经办人只能导入本乡镇（街道）的设施；民政局可导入全市的。",
            "运营中、暂停服务的须填写开业日期；已关闭的须填写关闭日期。开业、关闭日期不能晚于今天（筹建中的开业日期可为计划日期）。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)


# --- the existing subsidy roster -------------------------------------------------------------------

SUBSIDY_COLUMNS = [
    Column("身份证号", "id_number", required=True, text=True, help="18位；须已在人员管理中登记"),
    Column("姓名", "name", required=True, help="与人员登记的姓名一致"),
    Column("补贴类别", "kind", required=True, help="高龄津贴、护理补贴或服务补贴"),
    Column("起始月份", "starts_on", required=True, help="如 2024-01（从该月起发放）"),
    Column("银行账号", "bank_account", text=True, help="6至40位数字"),
    Column("备注", "note"),
]
_SUBSIDY_BY_KEY = {c.key: c for c in SUBSIDY_COLUMNS}
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?$")


def _parse_month(text: str | None) -> datetime.date | None:
    match = _MONTH.match((text or "").split("T")[0].split(" ")[0])
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def validate_subsidies(rows, *, user, progress):
    """Every rule of subsidy_enroll, set-based: the people, their open entries, and the facts and
    standards of the (at most two) days eligibility is checked on are read once per file."""

    numbers = {normalize_id_number(r.values.get("id_number") or "") for r in rows}
    # Only the user's own people: a number registered elsewhere reads as unknown, as in every other
    # door, so a sheet cannot test which name goes with a number in another township.
    people = {p.id_number: p for p in Person.objects.for_user(user).filter(id_number__any_of=numbers - {""})}
    paid = paid_until(p.pk for p in people.values())
    kinds = _labels(SubsidyKind.choices)
    facts: dict = {}
    standards: dict = {}

    def outcome_for(person, kind, day):
        if day not in facts:  # today, or next month's first day: at most two days a file
            facts[day] = facts_for([p.pk for p in people.values()], day)
            standards[day] = standards_in_force(day)
        return subsidy_amount(kind, facts[day].get(person.pk) or Facts(None), day, standards[day])

    seen: dict[tuple, int] = {}
    prepared, errors = [], []
    for n, row in enumerate(rows, start=1):
        v = row.values
        row_errors = FieldErrors()
        number = normalize_id_number(v.get("id_number") or "")
        person = people.get(number)
        if person is None:
            row_errors.add(
                "id_number", _("本辖区内没有身份证号为 %(n)s 的人员，请先在人员管理中登记。") % {"n": number}
            )
        elif (v.get("name") or "").strip() != person.name:
            row_errors.add("name", _("姓名与该身份证号登记的姓名不一致。"))
        kind = kinds.get((v.get("kind") or "").strip())
        if kind is None:
            row_errors.add("kind", _("补贴类别应为高龄津贴、护理补贴或服务补贴：%(v)s") % {"v": v.get("kind") or ""})
        starts_on = _parse_month(v.get("starts_on"))
        if starts_on is None and v.get("starts_on"):
            row_errors.add("starts_on", _("月份格式不正确：%(v)s（应如 2024-01）") % {"v": v.get("starts_on")})
        account = clean_bank_account(row_errors, v.get("bank_account") or "")
        note = v.get("note") or ""
        check_text(row_errors, "note", note, max_length=200)
        if person is not None and kind is not None and "starts_on" not in row_errors:
            starts_on = subsidy_check(
                row_errors, user=user, person=person, kind=kind, starts_on=starts_on, outcome_for=outcome_for
            )
            if "kind" not in row_errors and starts_on is not None:
                subsidy_overlap_check(row_errors, kind=kind, starts_on=starts_on, until=paid.get((person.pk, kind)))
                if (person.pk, kind) in seen and not {"kind", "starts_on"} & set(row_errors):
                    row_errors.add("kind", _("与第 %(r)d 行重复。") % {"r": seen[(person.pk, kind)]})
                seen.setdefault((person.pk, kind), row.number)
        for key, messages in row_errors.items():
            header = _SUBSIDY_BY_KEY[key].header if key in _SUBSIDY_BY_KEY else _SUBSIDY_BY_KEY["id_number"].header
            errors.extend(RowError(row.number, header, m) for m in messages)
        if not row_errors:
            prepared.append(
                Subsidy(person=person, kind=kind, starts_on=starts_on, bank_account=account, note=note, created_by=user)
            )
        if n % 200 == 0:
            progress(n)
    progress(len(rows))
    return prepared, errors


def save_subsidies(prepared, *, user) -> int:
    return len(Subsidy.objects.bulk_create(with_townships(prepared), batch_size=2000))


SUBSIDY_IMPORTER = register(
    Importer(
        kind="eldercare-subsidies",
        label="养老服务补贴对象名册",
        columns=SUBSIDY_COLUMNS,
        permission="eldercare.add_subsidy",
        validate=validate_subsidies,
        save=save_subsidies,
        done_url="eldercare:subsidy_list",
        example=[["350583194503080022", "陈阿婆", "高龄津贴", "2024-01", "6217000000000000001", ""]],
        notes=[
            "一行一位老年人的一项补贴；同一人可有多行（不同补贴类别）。人员须已在人员管理中登记，姓名须与登记一致。",
            "按登记时的条件审核：年满60周岁；高龄津贴须达到执行中的最低年龄档；护理补贴须有能力评估且为失能等级；"
            "服务补贴须为低保对象、特困人员或低保边缘家庭成员。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)
