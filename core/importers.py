"""People and households from one sheet: a row per person; the head's ID number groups the rows
into households (the way the townships keep them today)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import bulk_insert_values, check_keys_now
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.imports import Column, Importer, RowError, check_whole_file, register, validation_messages
from core.jurisdiction import user_can_act_in
from core.limits import check_text
from core.models import ID_NUMBER_TAKEN, Division, Household, HouseholdMember, Person
from core.roles import IMPORT_DATA
from core.services.people import person_build, person_surely_valid, person_validate

COLUMNS = [
    Column("姓名", "name", required=True),
    Column("身份证号", "id_number", required=True, text=True, help="18位，末位可为X；请将单元格设为文本格式"),
    Column("联系电话", "phone", text=True),
    Column("乡镇（街道）", "township", required=True, help="名称或9位区划代码，如 洪濑镇 或 350583113"),
    Column("村（社区）", "village", help="名称或12位区划代码；须属于所填乡镇（街道）"),
    Column("户籍类型", "hukou", help="城镇 或 农村（默认农村）"),
    Column(
        "残疾类别", "disability_category", help="视力残疾、听力残疾、言语残疾、肢体残疾、智力残疾、精神残疾、多重残疾"
    ),
    Column("残疾等级", "disability_grade", help="1–4，与残疾类别同时填写"),
    Column("户主身份证号", "head_id_number", text=True, help="本人为户主时填本人身份证号；留空则不建家庭"),
    Column("与户主关系", "relation", help="户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、儿媳/女婿、其他"),
    Column("住址", "address", help="户主行填写即可"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
#: The household's address is saved as typed, so a longer one is the row's error, never cut.
ADDRESS_MAX = Household._meta.get_field("address").max_length


def _labels(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[str(label)] = value
        out[str(value)] = value
    return out


def _division_lookup():
    townships, villages = {}, {}
    for d in Division.objects.filter(level__in=[Division.Level.TOWNSHIP, Division.Level.VILLAGE]):
        if d.level == Division.Level.TOWNSHIP:
            townships[d.code] = d
            townships[d.name] = d
        else:
            villages[(d.parent_id, d.code)] = d
            villages[(d.parent_id, d.name)] = d
    return townships, villages


#: The person columns an import writes, in the order of its prepared rows (core.bulk.bulk_insert_values).
PERSON_VALUES = ["name", "id_number", "id_note", "birth_date", "sex", "phone", "township_id", "village_id", "hukou",
                 "disability_category", "disability_grade"]  # fmt: skip
_TOWNSHIP, _VILLAGE = PERSON_VALUES.index("township_id"), PERSON_VALUES.index("village_id")


def _person_values(person: Person) -> tuple:
    return tuple(getattr(person, name) for name in PERSON_VALUES)


#: The rows checked before they are handed to the writer (core.imports._Writer) as one chunk.
CHECK_CHUNK = 10_000


def check_people(rows, *, user, chunk: int = CHECK_CHUNK):
    """Each row through the person rules of core.services.people: a row the quick check
    (person_surely_valid) passes is taken as plain values; any other row is built and validated as
    the form and the API do, and its errors are theirs. Yields (rows checked, prepared, errors)
    every `chunk` rows; the file's queries (its ID numbers and heads already registered, the
    divisions) all run before the first chunk, none after."""
    townships, villages = _division_lookup()
    townships_allowed = {d.pk for d in townships.values() if user_can_act_in(user, d.pk)}
    hukou = _labels(Person.Hukou.choices)
    disability = _labels(Person.Disability.choices)
    relations = _labels(Household.Relation.choices)
    errors: list[RowError] = []
    prepared = []
    seen: dict[str, int] = {}
    today = timezone.localdate()

    ids = [normalize_id_number(r.values.get("id_number") or "") for r in rows]
    in_db = set(Person.objects.filter(id_number__any_of=[i for i in ids if i]).values_list("id_number", flat=True))
    heads = [normalize_id_number(r.values.get("head_id_number") or "") for r in rows]
    heads_in_file = {number for number, head in zip(ids, heads, strict=True) if head and head == number}
    head_ids = set(heads) - heads_in_file - {""}
    households_in_db = set(
        Household.objects.for_user(user)
        .filter(head__id_number__any_of=head_ids)
        .values_list("head__id_number", flat=True)
    )

    for n, (row, number, head_number) in enumerate(zip(rows, ids, heads, strict=True), start=1):
        v = row.values
        row_errors: list[RowError] = []

        def err(key, message, _row=row, _errs=row_errors):
            _errs.append(RowError(_row.number, _BY_KEY[key].header if key in _BY_KEY else key, message))

        township = townships.get(v.get("township") or "")
        if v.get("township") and township is None:
            err("township", _("未知的乡镇（街道）：%(v)s") % {"v": v["township"]})
        village = None
        if v.get("village") and township is not None:
            village = villages.get((township.code, v["village"]))
            if village is None:
                err("village", _("%(t)s 下没有村（社区）：%(v)s") % {"t": township.name, "v": v["village"]})
        data = {
            "name": (v.get("name") or "").strip(),
            "id_number": number,
            "phone": (v.get("phone") or "").strip(),
            "township": township,
            "village": village,
        }
        if v.get("hukou"):
            if v["hukou"] not in hukou:
                err("hukou", _("户籍类型应为“城镇”或“农村”。"))
            else:
                data["hukou"] = hukou[v["hukou"]]
        if v.get("disability_category"):
            if v["disability_category"] not in disability:
                err("disability_category", _("未知的残疾类别：%(v)s") % {"v": v["disability_category"]})
            else:
                data["disability_category"] = disability[v["disability_category"]]
        if v.get("disability_grade"):
            grade = v["disability_grade"].rstrip("级")
            if grade not in {"1", "2", "3", "4"}:
                err("disability_grade", _("残疾等级应为1–4。"))
            else:
                data["disability_grade"] = int(grade)
        info = None if row_errors else person_surely_valid(**data, townships_allowed=townships_allowed, today=today)
        if info is not None:
            values = (data["name"], number, info.note, info.birth_date, info.sex, data["phone"], township.pk,
                      village.pk if village else None, data.get("hukou", Person.Hukou.RURAL),
                      data.get("disability_category", ""), data.get("disability_grade"))  # fmt: skip
        else:  # the service's own build and rules, which name what is wrong
            person = person_build(today=today, **data)
            try:
                person_validate(person, user=user, check_unique=False, today=today)
            except ValidationError as exc:
                for header, message in validation_messages(exc, _BY_KEY):
                    row_errors.append(RowError(row.number, header, message))
            values = _person_values(person)

        if number:
            if number in seen:
                err("id_number", _("与第 %(r)d 行的身份证号重复。") % {"r": seen[number]})
            else:
                seen[number] = row.number
            if number in in_db:
                err("id_number", str(ID_NUMBER_TAKEN))

        relation = None
        if head_number:
            relation = relations.get(v.get("relation") or ("户主" if head_number == number else ""))
            if relation is None:
                err("relation", _("请填写与户主关系（户主、配偶、子女……）。"))
            elif (head_number == number) != (relation == Household.Relation.HEAD):
                err("relation", _("户主身份证号与本人相同时关系应为“户主”，反之亦然。"))
            elif head_number != number and head_number not in heads_in_file and head_number not in households_in_db:
                err(
                    "head_id_number",
                    _("找不到户主 %(h)s：户主须在本文件中（关系为户主）或已在系统中建户。") % {"h": head_number},
                )
        elif v.get("relation"):
            err("head_id_number", _("填写了与户主关系，但没有填写户主身份证号。"))

        address = (v.get("address") or "").strip()
        if address:
            too_long = FieldErrors()
            check_text(too_long, "address", address, max_length=ADDRESS_MAX)
            for message in too_long.get("address", []):
                err("address", message)

        errors.extend(row_errors)
        if not row_errors:
            prepared.append((values, head_number, relation, address))
        if n % chunk == 0:
            yield n, prepared, errors
            prepared, errors = [], []
    if prepared or errors or len(rows) % chunk:
        yield len(rows), prepared, errors


def validate_people(rows, *, user, progress):
    """The whole file checked (check_people): (prepared, errors)."""
    return check_whole_file(check_people, rows, user=user, progress=progress)


def save_people(prepared, *, user) -> int:
    """All the prepared rows at once (write_people, then write_people_end)."""
    state: dict = {}
    return write_people(prepared, user=user, state=state) + write_people_end(user=user, state=state)


_REASON = "Excel导入：人员与家庭"


def write_people(prepared, *, user, state: dict) -> int:
    """One chunk of people, the households their heads found and the members whose household is
    known by now, each in one COPY of plain rows with its history rows (core.bulk): ids come from
    the sequences, so nothing is read back. A member whose head comes later in the file, or is
    already in the registry, waits for write_people_end. The chunk's foreign keys are checked at
    once (on the writer's time, while the next chunk is checked) rather than all at the commit."""
    person_ids = bulk_insert_values(Person, PERSON_VALUES, [values for values, *_ in prepared], user=user,
                                    reason=_REASON)  # fmt: skip
    heads = [(pk, values, address) for pk, (values, head_number, relation, address) in zip(person_ids, prepared, strict=True)
             if head_number and relation == Household.Relation.HEAD]  # fmt: skip
    household_ids = bulk_insert_values(
        Household,
        ["head_id", "township_id", "village_id", "address"],
        [(pk, values[_TOWNSHIP], values[_VILLAGE], address) for pk, values, address in heads],
        user=user,
        reason=_REASON,
    )
    household_by_head = state.setdefault("households", {})
    household_by_head.update((values[1], h) for (_pk, values, _a), h in zip(heads, household_ids, strict=True))
    members, later = [], state.setdefault("later", [])
    for pk, (_values, head_number, relation, _address) in zip(person_ids, prepared, strict=True):
        if head_number:
            household = household_by_head.get(head_number)
            if household is None:
                later.append((head_number, pk, relation))
            else:
                members.append((household, pk, relation))
    bulk_insert_values(HouseholdMember, ["household_id", "person_id", "relation"], members, user=user, reason=_REASON)
    check_keys_now()
    return len(person_ids)


def write_people_end(*, user, state: dict) -> int:
    """The members left waiting: their heads later in the file, or in households already in the
    registry (one query). Returns 0: every person was counted with its chunk."""
    later = state.get("later", [])
    if later:
        household_by_head = state.setdefault("households", {})
        elsewhere = {head_number for head_number, _pk, _r in later} - set(household_by_head)
        household_by_head.update(
            Household.objects.filter(head__id_number__any_of=elsewhere).values_list("head__id_number", "pk")
        )
        members = [(household_by_head[head_number], pk, relation) for head_number, pk, relation in later]
        bulk_insert_values(HouseholdMember, ["household_id", "person_id", "relation"], members, user=user,
                           reason=_REASON)  # fmt: skip
    return 0


PEOPLE_IMPORTER = register(
    Importer(
        kind="people",
        label="人员与家庭",
        columns=COLUMNS,
        permission=IMPORT_DATA,
        done_url="core:household_list",
        validate=validate_people,
        save=save_people,
        check=check_people,
        write=write_people,
        write_end=write_people_end,
        example=[
            [
                "陈志明",
                "350523198805120017",
                "13905951234",
                "洪濑镇",
                "",
                "农村",
                "",
                "",
                "350523198805120017",
                "户主",
                "洪濑镇示例路1号",
            ],
            ["林秀英", "350523199003150024", "", "洪濑镇", "", "农村", "", "", "350523198805120017", "配偶", ""],
        ],
        notes=[
            "一行一人。户主行的“户主身份证号”填本人身份证号、关系填“户主”；家庭成员填户主的身份证号。",
            "整份文件一起检查：任何一行有错，整份文件都不导入，并列出每一行的错误。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)


VILLAGE_COLUMNS = [
    Column("区划代码", "code", required=True, text=True, help="12位统计用区划代码，前9位为所属乡镇（街道）代码"),
    Column("名称", "name", required=True, help="如 东园村、新街社区"),
    Column("类型", "kind", help="村 或 社区（默认按名称末字判断）"),
]
_VILLAGE_BY_KEY = {c.key: c for c in VILLAGE_COLUMNS}


def validate_villages(rows, *, user, progress):
    townships = {d.code: d for d in Division.objects.filter(level=Division.Level.TOWNSHIP)}
    existing = set(Division.objects.filter(level=Division.Level.VILLAGE).values_list("code", flat=True))
    kinds = {"村": Division.Kind.VILLAGE, "社区": Division.Kind.COMMUNITY}
    errors, prepared, seen = [], [], {}
    for row in rows:
        v = row.values
        code, name = v.get("code") or "", (v.get("name") or "").strip()
        row_errors = []
        kind = kinds.get(v.get("kind") or ("社区" if name.endswith("社区") else "村"))
        if kind is None:
            row_errors.append(RowError(row.number, "类型", _("类型应为“村”或“社区”。")))
        township = townships.get(code[:9])
        village = Division(code=code, name=name, level=Division.Level.VILLAGE, kind=kind or "", parent=township)
        try:
            if township is None:
                raise ValidationError({"code": [_("前9位 %(c)s 不是南安市的乡镇（街道）代码。") % {"c": code[:9]}]})
            village.full_clean(validate_unique=False)
        except ValidationError as exc:
            row_errors.extend(RowError(row.number, h, m) for h, m in validation_messages(exc, _VILLAGE_BY_KEY))
        if code in seen:
            row_errors.append(RowError(row.number, "区划代码", _("与第 %(r)d 行的区划代码重复。") % {"r": seen[code]}))
        seen.setdefault(code, row.number)
        if code in existing:
            row_errors.append(RowError(row.number, "区划代码", _("系统中已有此区划代码。")))
        errors.extend(row_errors)
        if not row_errors:
            prepared.append(village)
    progress(len(rows))
    return prepared, errors


def save_villages(prepared, *, user) -> int:
    Division.objects.bulk_create(prepared)
    return len(prepared)


VILLAGE_IMPORTER = register(
    Importer(
        kind="villages",
        label="村（社区）",
        columns=VILLAGE_COLUMNS,
        permission="core.add_division",
        validate=validate_villages,
        save=save_villages,
        example=[["350583113299", "示例村", "村"]],  # a code no village has (…113201 is 金西村)
        notes=[
            "区划代码为国家统计用区划代码（12位），不能与系统中已有的村（社区）重复。",
            "本表末尾的示例仅说明填写方式，不会导入；请在第一个工作表第 2 行起填写。",
        ],
    )
)
