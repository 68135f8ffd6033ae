"""The existing children's ledger (儿童福利台账) through core's import engine: one row per child and
category (a child in two categories has two rows). People come first (core's people import); a row
opens the child's file or adds the category to the file on record. Validation is set-based: the
people, their files and categories, and the tekun recipients are read once per file (a fixed number
of queries whatever the rows), then every row runs the same checks as the services; every bad row
is named and one bad row saves nothing."""

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Carer, Child, ChildCategory
from childwelfare.models.children import CareSetting, CategoryCode, DistressReason, ParentSituation
from childwelfare.services.children import CategoryInput, _file_checks, category_check, child_visit_schedule
from core.categories import CATEGORIES
from core.changes import touch
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.imports import Column, Importer, RowError, register
from core.jurisdiction import user_can_act_in
from core.models import Person

COLUMNS = [
    Column("身份证号", "id_number", required=True, text=True, help="18位；须已在人员管理中登记"),
    Column("姓名", "name", required=True, help="须与登记的姓名一致"),
    Column("类别", "code", required=True, help="孤儿、事实无人抚养儿童、困境儿童、留守儿童"),
    Column("起始日期", "start", required=True, help="如 2023-05-01"),
    Column("终止日期", "end", help="仍在该类别的留空"),
    Column(
        "父亲情况",
        "father_situation",
        help="孤儿、事实无人抚养儿童、留守儿童必填：死亡、失踪（查找不到）、重残、重病、服刑在押、强制隔离戒毒、外出务工、无监护能力等",
    ),
    Column("母亲情况", "mother_situation", help="同父亲情况"),
    Column("困境类型", "distress_reason", help="困境儿童必填：家庭贫困、自身残疾、缺乏有效监护"),
    Column("养育方式", "care_setting", required=True, help="机构养育、亲属抚养、家庭寄养、父母（一方）照料"),
    Column("监护人", "guardian_name"),
    Column("与儿童关系", "guardian_relation"),
    Column("监护人电话", "guardian_phone", text=True),
    Column("发放账号", "bank_account", text=True),
    Column("在校", "in_school", help="是 或 否（默认否）"),
    Column("认定依据", "evidence"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
YES, NO = {"是", "Y", "y", "1", "√"}, {"否", "N", "n", "0", ""}


def _labels(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        if value:
            out[str(label)] = value
            out[str(value)] = value
            out[str(label).split("（")[0]] = value
    return out


def _date(text):
    if not text:
        return None
    match = _DATE.match(text.strip().split("T")[0].split(" ")[0])
    if not match:
        raise ValueError(text)
    return date(*(int(g) for g in match.groups()))


def validate_ledger(rows, *, user, progress):
    codes, situations = _labels(CategoryCode.choices), _labels(ParentSituation.choices)
    reasons, settings = _labels(DistressReason.choices), _labels(CareSetting.choices)
    numbers = {normalize_id_number(r.values.get("id_number") or "") for r in rows} - {""}
    people = {p.id_number: p for p in Person.objects.for_user(user).filter(id_number__any_of=numbers)}
    files = {c.person_id: c for c in Child.objects.filter(person__any_of=list(people.values()))}
    person_of_file = {c.pk: person_id for person_id, c in files.items()}
    existing: dict[int, list[ChildCategory]] = {}
    for category in ChildCategory.objects.filter(child__any_of=list(files.values())):
        existing.setdefault(person_of_file[category.child_id], []).append(category)
    tekun = CATEGORIES.get("tekun")
    tekun_members = tekun.members([p.pk for p in people.values()], timezone.localdate()) if tekun else set()
    today = timezone.localdate()
    errors: list[RowError] = []
    prepared, seen_file_data = [], {}
    for n, row in enumerate(rows, start=1):
        v = row.values
        row_errors = FieldErrors()
        number = normalize_id_number(v.get("id_number") or "")
        person = people.get(number)
        if person is None:
            row_errors.add("id_number", _("本辖区没有登记此身份证号的人员，请先导入人员。"))
        elif (v.get("name") or "").strip() != person.name:
            row_errors.add("name", _("姓名与登记的不一致（登记为 %(n)s）。") % {"n": person.name})
        code = codes.get((v.get("code") or "").strip())
        if code is None:
            row_errors.add("code", _("类别应为：孤儿、事实无人抚养儿童、困境儿童或留守儿童。"))
        parsed = {}
        for key in ("start", "end"):
            try:
                parsed[key] = _date(v.get(key))
            except ValueError:
                row_errors.add(key, _("日期格式不正确：%(v)s（应如 2025-03-01）") % {"v": v.get(key)})
                parsed[key] = None
        data = {}
        for key, table in (
            ("father_situation", situations),
            ("mother_situation", situations),
            ("distress_reason", reasons),
        ):
            text = (v.get(key) or "").strip()
            data[key] = table.get(text, "") if text else ""
            if text and not data[key]:
                row_errors.add(key, _("无法识别：%(v)s") % {"v": text})
        care = settings.get((v.get("care_setting") or "").strip())
        if care is None:
            row_errors.add("care_setting", _("养育方式应为：机构养育、亲属抚养、家庭寄养或父母（一方）照料。"))
        school_text = (v.get("in_school") or "").strip()
        if school_text not in YES | NO:
            row_errors.add("in_school", _("“在校”应为“是”或“否”。"))
        file_data = {
            "care_setting": care or "", "guardian_name": v.get("guardian_name") or "",
            "guardian_relation": v.get("guardian_relation") or "", "guardian_phone": v.get("guardian_phone") or "",
            "bank_account": v.get("bank_account") or "", "in_school": school_text in YES,
        }  # fmt: skip
        _file_checks(row_errors, file_data)
        category = None
        file = files.get(person.pk) if person is not None else None
        if file is not None and not user_can_act_in(user, file.township_id):
            # A file stays with the township that keeps it when the child moves: its categories are
            # that township's to record (as category_add says), and nothing of it is read out here.
            row_errors.add("id_number", _("您只能登记本乡镇（街道）的儿童。"))
        elif person is not None and code is not None and not row_errors:
            if not user_can_act_in(user, person.township_id):
                row_errors.add("id_number", _("只能导入本乡镇（街道）的儿童。"))
            if person.date_of_death:
                row_errors.add("id_number", _("%(n)s 已登记死亡。") % {"n": person.name})
            if file is None and person.birth_date and _adult(person.birth_date, today):
                row_errors.add("id_number", _("%(n)s 已年满18周岁，不能建立儿童档案。") % {"n": person.name})
            if file is not None and file.closed_on:
                row_errors.add("id_number", _("%(n)s 的档案已销档。") % {"n": person.name})
            category = CategoryInput(
                code=code, start=parsed["start"], end=parsed["end"], evidence=v.get("evidence") or "", **data
            )
            category_check(
                row_errors, person=person, data=category, existing=existing.get(person.pk, []), user=user,
                tekun_members=tekun_members,
            )  # fmt: skip
            first = seen_file_data.get(person.pk)
            if first is not None and first[1] != file_data:
                row_errors.add(
                    "care_setting", _("与第 %(r)d 行同一儿童的档案信息（养育方式、监护人等）不一致。") % {"r": first[0]}
                )
        for key, messages in row_errors.items():
            header = (
                _BY_KEY[key].header
                if key in _BY_KEY
                else ("身份证号" if key in ("person", "child") else "类别" if key == "code" else "")
            )
            errors.extend(RowError(row.number, header, m) for m in messages)
        if not row_errors and category is not None:
            seen_file_data.setdefault(person.pk, (row.number, file_data))
            # Later rows of the same child see this one (overlaps within the file).
            existing.setdefault(person.pk, []).append(ChildCategory(code=code, start=category.start, end=category.end))
            prepared.append((person.pk, file_data, category))
        if n % 500 == 0:
            progress(n)
    progress(len(rows))
    return prepared, errors


def _adult(birth: date, today: date) -> bool:
    return (today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))) >= 18


def save_ledger(prepared, *, user) -> int:
    """Written in bulk exactly as child_file_open and category_add write (the rows passed their checks)."""
    person_ids = {pid for pid, _d, _c in prepared}
    files = {c.person_id: c for c in Child.objects.filter(person_id__any_of=person_ids)}
    people = {p.pk: p for p in Person.objects.filter(pk__any_of=person_ids - set(files))}
    today = timezone.localdate()
    new = []
    for pid, file_data, _category in prepared:
        if pid not in files and pid not in {c.person_id for c in new}:
            person = people[pid]
            new.append(Child(person=person, township_id=person.township_id, village_id=person.village_id,
                             opened_on=today, created_by=user, **file_data))  # fmt: skip
    for child in Child.objects.bulk_create(new):
        files[child.person_id] = child
    # As child_file_open: the guardian named on opening is the file's first guardian record.
    Carer.objects.bulk_create(
        Carer(child=c, role=Carer.Role.GUARDIAN, name=c.guardian_name, relation=c.guardian_relation,
              phone=c.guardian_phone, start=c.opened_on, created_by=user)
        for c in new if c.guardian_name
    )  # fmt: skip
    ChildCategory.objects.bulk_create(
        ChildCategory(
            child=files[pid],
            code=c.code,
            start=c.start,
            end=c.end,
            father_situation=c.father_situation,
            mother_situation=c.mother_situation,
            distress_reason=c.distress_reason,
            evidence=c.evidence,
            created_by=user,
        )
        for pid, _d, c in prepared
    )
    touch(Child, [c.pk for c in files.values()])  # their categories changed: a pull sees them
    child_visit_schedule([c.pk for c in files.values()])
    return len(prepared)


LEDGER_IMPORTER = register(
    Importer(
        kind="childwelfare-ledger",
        label="儿童福利台账（孤儿、事实无人抚养儿童、困境儿童、留守儿童）",
        columns=COLUMNS,
        permission="childwelfare.add_child",
        validate=validate_ledger,
        save=save_ledger,
        done_url="childwelfare:child_list",
        example=[
            [
                "350583201503120012",
                "陈小明",
                "留守儿童",
                "2023-09-01",
                "",
                "外出务工",
                "外出务工",
                "",
                "亲属抚养",
                "陈大伯",
                "伯父",
                "13905951234",
                "",
                "否",
                "父母在外务工证明",
            ],
            [
                "350583201503120012",
                "陈小明",
                "困境儿童",
                "2024-03-01",
                "",
                "",
                "",
                "家庭贫困",
                "亲属抚养",
                "陈大伯",
                "伯父",
                "13905951234",
                "",
                "否",
                "低保家庭",
            ],
        ],
        notes=[
            "一行是一名儿童的一个类别；同一儿童属于多个类别的，分行填写，档案信息（养育方式、监护人等）各行一致。",
            "儿童须已在人员管理中登记（按身份证号关联，姓名须一致），未满18周岁；留守儿童须未满16周岁。",
            "孤儿、事实无人抚养儿童由民政局工作人员导入（已认定的台账）；新的认定请在系统中走认定流程。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)
