"""The funeral home's monthly ledger (火化登记台账) through core's import engine: one row per
deceased; every row goes through death_record_register's rules (the form's and the API's), checked
and saved for the whole file at once (death_records_check, death_records_save); every bad row is
named with its reason and nothing is saved unless every row is good."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.identifiers import normalize_id_number
from core.imports import Column, Importer, RowError, register, validation_messages
from core.models import Division
from funeral.models import Facility, FeeItem, Placement
from funeral.services.facilities import default_funeral_home
from funeral.services.placements import PlacementInput
from funeral.services.records import RecordPlan, death_records_check, death_records_save
from funeral.services.waivers import WaiverInput

COLUMNS = [
    Column("姓名", "name", required=True, help="身份不明者可留空或填“无名氏”"),
    Column("身份证号", "id_number", required=True, text=True, help="18位；身份不明者留空"),
    Column("身份不明情况", "unknown_description", help="身份不明者填写：性别、估计年龄、发现地点等"),
    Column("乡镇（街道）", "township", required=True, help="户籍地（身份不明者为发现地）；名称或9位区划代码"),
    Column("死亡日期", "date_of_death", required=True, help="如 2025-03-01"),
    Column("火化日期", "cremation_date", help="如 2025-03-03"),
    Column("火化证明编号", "certificate_no", text=True),
    Column("家属联系人", "contact_name"),
    Column("家属联系电话", "contact_phone", text=True),
    Column(
        "安葬方式", "form", help="树葬、花葬、草坪葬、海葬、深埋、壁葬（墙体格位）、骨灰楼堂存放、传统墓葬；未安葬留空"
    ),
    Column("安葬（放）设施", "facility", help="设施名称，如 洪濑镇骨灰堂；海葬留空"),
    Column("具体位置", "place", help="如 A区3排12号"),
    Column("安葬（放）日期", "placed_on", help="填写安葬方式时必填"),
    Column("减免", "waiver", help="是 或 否（默认否）"),
    Column("减免项目", "waiver_items", help="用顿号分隔；留空为全部基本项目（接运、冷藏、尸袋、火化、骨灰盒）"),
    Column("骨灰盒价格", "urn_price", help="减免骨灰盒时必填，超出限额部分不减免"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
_BY_KEY["person"] = _BY_KEY["id_number"]
_BY_KEY["funeral_home"] = Column("殡仪馆", "funeral_home")
YES = {"是", "Y", "y", "yes", "Yes", "1", "√"}
NO = {"否", "N", "n", "no", "No", "0", ""}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
UNKNOWN_NAMES = {"", "无名氏", "不详"}


def parse_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    match = _DATE.match(text.strip().split("T")[0].split(" ")[0])
    if not match:
        raise ValueError(text)
    return datetime.date(*(int(g) for g in match.groups()))


def _choice_labels(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[str(value)] = value
        out[str(label).split("（")[0]] = value  # 壁葬（墙体格位） is also written 壁葬
    return out


def _item_labels() -> dict[str, str]:
    out = _choice_labels(FeeItem.choices)
    out.update({"接运": FeeItem.TRANSPORT, "冷藏": FeeItem.COLD_STORAGE, "火化": FeeItem.CREMATION})
    return out


def _row_input(row, townships, facilities, forms, items) -> tuple[dict, list[RowError]]:
    v, errors = row.values, []

    def err(key, message):
        errors.append(RowError(row.number, _BY_KEY[key].header, message))

    name = (v.get("name") or "").strip()
    number = normalize_id_number(v.get("id_number") or "")
    unknown = not number
    data = {
        "name": "" if unknown else name,
        "id_number": number,
        "identity_unknown": unknown,
        "unknown_description": (v.get("unknown_description") or ("" if name in UNKNOWN_NAMES else name))
        if unknown
        else "",
        "certificate_no": v.get("certificate_no") or "",
        "contact_name": v.get("contact_name") or "",
        "contact_phone": v.get("contact_phone") or "",
    }
    township = townships.get(v.get("township") or "")
    if township is None:
        err("township", _("未知的乡镇（街道）：%(v)s") % {"v": v.get("township") or ""})
    data["township"] = township
    for key in ("date_of_death", "cremation_date", "placed_on"):
        try:
            data[key] = parse_date(v.get(key))
        except ValueError:
            err(key, _("日期格式不正确：%(v)s（应如 2025-03-01）") % {"v": v.get(key)})
            data[key] = None
    if not v.get("date_of_death"):
        err("date_of_death", _("请填写死亡日期。"))
    form_text = v.get("form") or ""
    placed_on = data.pop("placed_on")
    if form_text:
        form = forms.get(form_text)
        facility = None
        if form is None:
            err("form", _("未知的安葬方式：%(v)s") % {"v": form_text})
        if v.get("facility"):
            facility = facilities.get(v["facility"])
            if facility is None:
                err("facility", _("未知的安葬（放）设施：%(v)s") % {"v": v["facility"]})
        data["placement"] = PlacementInput(
            form=form or "", placed_on=placed_on, facility=facility, place=v.get("place") or ""
        )
    elif v.get("facility") or placed_on:
        err("form", _("填写了安葬设施或日期，请同时填写安葬方式。"))
    waiver_text = (v.get("waiver") or "").strip()
    if waiver_text in YES:
        chosen = [s.strip() for s in re.split(r"[、,，;；]", v.get("waiver_items") or "") if s.strip()]
        if chosen:
            codes = [items.get(s) for s in chosen]
            for s, code in zip(chosen, codes, strict=True):
                if code is None:
                    err("waiver_items", _("未知的减免项目：%(v)s") % {"v": s})
            codes = [c for c in codes if c]
        else:
            codes = list(FeeItem.values) if v.get("urn_price") else [i for i in FeeItem.values if i != FeeItem.URN]
        data["waiver"] = WaiverInput(items=codes, urn_price=v.get("urn_price"))
    elif waiver_text not in NO:
        err("waiver", _("“减免”应为“是”或“否”。"))
    return data, errors


def validate_ledger(rows, *, user, progress):
    """Every row through death_record_register's rules, the whole file at once
    (funeral.services.records.death_records_check): each rule reads its facts once for all rows, so
    a file of 10 rows or 1,000 costs the same number of queries, and each row is told exactly what
    the form would tell it had the rows been registered one after another."""
    townships = {}
    for d in Division.objects.filter(level=Division.Level.TOWNSHIP):
        townships[d.code] = townships[d.name] = d
    facilities = {f.name: f for f in Facility.objects.all()}
    home = default_funeral_home()  # the ledger is the city's funeral home's
    forms = _choice_labels(Placement.Form.choices)
    items = _item_labels()
    errors: list[RowError] = []
    parsed = []
    seen: dict[str, int] = {}
    for row in rows:
        data, row_errors = _row_input(row, townships, facilities, forms, items)
        data["funeral_home"] = home
        number = data["id_number"]
        if number and number in seen:
            row_errors.append(
                RowError(row.number, "身份证号", _("与第 %(r)d 行的身份证号重复。") % {"r": seen[number]})
            )
        elif number:
            seen[number] = row.number
        errors.extend(row_errors)
        if not row_errors:
            parsed.append((row, data))
    progress(len(rows) // 2)
    prepared = []
    checked = death_records_check(user=user, entries=[data for _row, data in parsed])
    for (row, _data), result in zip(parsed, checked, strict=True):
        if isinstance(result, RecordPlan):
            prepared.append(result)
        else:
            exc = ValidationError(dict(result))
            errors.extend(RowError(row.number, h, m) for h, m in validation_messages(exc, _BY_KEY))
    progress(len(rows))
    return prepared, errors


def save_ledger(prepared, *, user) -> int:
    """The checked rows written together (death_records_save): the new people, records, placements
    and waivers in one COPY each, the deaths recorded in core and heard by every app once."""
    return len(death_records_save(user=user, plans=prepared, reason="Excel导入：殡仪馆火化登记台账"))


LEDGER_IMPORTER = register(
    Importer(
        kind="funeral-ledger",
        label="殡仪馆火化登记台账",
        columns=COLUMNS,
        permission="funeral.add_deathrecord",
        done_url="funeral:record_list",
        validate=validate_ledger,
        save=save_ledger,
        example=[
            [
                "陈志明",
                "350523194805120019",  # passes the check digit (…0013 did not)
                "",
                "洪濑镇",
                "2025-03-01",
                "2025-03-03",
                "NA2025030001",
                "陈建华",
                "13905951234",
                "骨灰楼堂存放",
                "洪濑镇骨灰堂",
                "A区3排12号",
                "2025-03-05",
                "是",
                "",
                "260",
            ],
            [
                "",
                "",
                "无名男性，约60岁，发现于洪濑镇溪边",
                "洪濑镇",
                "2025-03-02",
                "2025-03-10",
                "NA2025030002",
                "",
                "",
                "",
                "",
                "",
                "",
                "否",
                "",
                "",
            ],
        ],
        notes=[
            "一行一位逝者。已在系统中登记的人员按身份证号关联（姓名须一致）；未登记的将同时登记为人员。",
            "保存记录即在系统中登记该人员死亡：低保、特困等待遇随之停发并提示复核，请核对死亡日期。",
            "减免须逝者在死亡之日属于局里设定的减免对象类别（低保、特困等），金额按当日价格计算；骨灰盒超出限额部分不减免。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)
