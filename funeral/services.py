"""Writes for funeral services. The form, the API and the ledger import all come through here, so
one rule gives one error whichever door the data came through.

Error keys name the input: record fields by their model names, the placement's as `form`,
`facility`, `place`, `placed_on`, the waiver's as `waiver`, `waiver_items`, `urn_price`."""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.categories import CATEGORIES
from core.identifiers import normalize_id_number
from core.jurisdiction import user_can_act_in
from core.models import Division, Person
from core.services.people import person_build, person_create, person_record_death, person_validate
from funeral.models import (
    DeathRecord,
    Facility,
    FeeItem,
    FeeItemPrice,
    Placement,
    TombCase,
    Waiver,
    WaiverEligibleCategory,
    WaiverLine,
)

CENT = Decimal("0.01")
# core's rule for phone numbers: mobile (11 digits from 1) or a landline with or without area code.
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
DEATH_SOURCE = "funeral"


class _Errors(dict):
    def add(self, key: str, message) -> None:
        self.setdefault(key, []).append(str(message))

    def merge(self, exc: ValidationError, rename: dict | None = None) -> None:
        rename = rename or {}
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                for m in messages:
                    self.add(rename.get(key, key), m)
        else:
            for m in exc.messages:
                self.add("__all__", m)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_not_future(errors: _Errors, key: str, day: datetime.date | None, label: str) -> None:
    if day and day > timezone.localdate():
        errors.add(key, _("%(label)s不能晚于今天。") % {"label": label})


# Facilities ---------------------------------------------------------------------------------

FACILITY_FIELDS = (
    "name", "kind", "level", "township", "address", "grave_capacity", "graves_used", "niche_capacity",
    "niches_used", "opened_on", "closed_on", "status", "note",
)  # fmt: skip
FACILITY_COUNTERS = ("graves_used", "niches_used")


def _facility_save(*, user, facility: Facility, data: dict) -> Facility:
    unknown = set(data) - set(FACILITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown facility fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(facility, field, value)
    facility.name = (facility.name or "").strip()
    if not user.is_city_level:
        raise ValidationError({"township": [_("殡葬设施由民政局维护。")]})
    errors = _Errors()
    try:
        facility.full_clean()
    except ValidationError as exc:
        errors.merge(exc)
    if facility.kind == Facility.Kind.FUNERAL_HOME and facility.level != Facility.Level.COUNTY:
        errors.add("level", _("殡仪馆为县（市）级设施。"))
    errors.raise_if_any()
    facility.save()
    return facility


@transaction.atomic
def facility_create(*, user, **data) -> Facility:
    return _facility_save(user=user, facility=Facility(), data=data)


@transaction.atomic
def facility_update(*, user, facility: Facility, **data) -> Facility:
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    # Maintained by placements with F() updates; an edit must not overwrite them.
    for key in FACILITY_COUNTERS:
        data.pop(key, None)
    return _facility_save(user=user, facility=facility, data=data)


def default_funeral_home() -> Facility | None:
    """The city's funeral home when there is exactly one operating (Nan'an has one)."""
    homes = list(
        Facility.objects.filter(kind=Facility.Kind.FUNERAL_HOME, status=Facility.Status.OPERATING).order_by("pk")[:2]
    )
    return homes[0] if len(homes) == 1 else None


# Death and cremation records ----------------------------------------------------------------


def _resolve_person(*, user, errors: _Errors, person, id_number: str, name: str, township) -> Person | None:
    """The known deceased: the person given, or the one with this ID number. None when a new person
    has to be created (checked here with core's own rules; the caller creates it)."""
    if person is not None:
        return person
    number = normalize_id_number(id_number)
    if not number:
        errors.add("id_number", _("请填写逝者身份证号；身份不明时请勾选“身份不明”。"))
        return None
    found = Person.objects.for_user(user).filter(id_number=number).select_related("township").first()
    if found is None and Person.objects.filter(id_number=number).exists():
        # Someone outside the user's jurisdiction: one generic answer that does not disclose it.
        errors.add("id_number", _("您只能登记本乡镇（街道）人员的死亡。"))
        return None
    if found is None:
        try:
            person_validate(person_build(name=name, id_number=number, township=township), user=user)
        except ValidationError as exc:
            errors.merge(exc)
        return None
    if not user.is_city_level and found.township_id != user.township_id:
        # Existence of another township's person is not disclosed.
        errors.add("id_number", _("您只能登记本乡镇（街道）人员的死亡。"))
        return None
    if name and name.strip() != found.name:
        errors.add(
            "name",
            _("该身份证号在系统中登记的姓名是“%(registered)s”，与填写的“%(given)s”不一致。")
            % {"registered": found.name, "given": name.strip()},
        )
    return found


def _check_contact_phone(errors: _Errors, phone: str) -> None:
    if phone and not _PHONE.match(phone):
        errors.add("contact_phone", _("联系电话格式不正确：手机11位，座机如 0595-86383000。"))


@dataclass
class PlacementInput:
    form: str
    placed_on: datetime.date | None
    facility: Facility | None = None
    place: str = ""


@dataclass
class WaiverInput:
    items: list
    urn_price: Decimal | None = None


@transaction.atomic
def death_record_register(
    *,
    user,
    person: Person | None = None,
    id_number: str = "",
    name: str = "",
    identity_unknown: bool = False,
    unknown_description: str = "",
    township: Division | None = None,
    date_of_death: datetime.date | None,
    cremation_date: datetime.date | None = None,
    funeral_home: Facility | None = None,
    certificate_no: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    placement: PlacementInput | None = None,
    waiver: WaiverInput | None = None,
) -> DeathRecord:
    """Register a deceased received by the funeral home, with the placement and the fee waiver when
    known, in one transaction. A known person's death is recorded in core once
    (person_record_death, source "funeral"): assistance, child welfare and elder care act on it.

    An unknown deceased (无名尸) gets no core Person: there is nobody to stop paying or re-check,
    and a Person without identity would be a duplicate the day the identity is found."""
    errors = _Errors()
    found = None
    if identity_unknown:
        if person is not None or normalize_id_number(id_number):
            errors.add("id_number", _("勾选“身份不明”时不填身份证号。"))
        if township is None:
            errors.add("township", _("请选择发现地所在的乡镇（街道）。"))
    else:
        found = _resolve_person(
            user=user, errors=errors, person=person, id_number=id_number, name=name, township=township
        )
        if found is not None:
            township = found.township or township
            if hasattr(found, "death_record"):
                errors.add(
                    "id_number",
                    _("该逝者已有死亡火化记录（编号 %(n)d），请勿重复登记。") % {"n": found.death_record.pk},
                )
    if township is not None and not user_can_act_in(user, township.code):
        errors.add("township", _("您只能登记本乡镇（街道）的逝者。"))
    funeral_home = funeral_home or default_funeral_home()
    if funeral_home is None:
        errors.add("funeral_home", _("请选择殡仪馆。"))
    elif funeral_home.kind != Facility.Kind.FUNERAL_HOME:
        errors.add("funeral_home", _("%(f)s 不是殡仪馆。") % {"f": funeral_home})
    if date_of_death is None:
        errors.add("date_of_death", _("请填写死亡日期。"))
    _check_not_future(errors, "date_of_death", date_of_death, _("死亡日期"))
    _check_not_future(errors, "cremation_date", cremation_date, _("火化日期"))
    record = DeathRecord(
        identity_unknown=identity_unknown,
        unknown_description=(unknown_description or "").strip() if identity_unknown else "",
        township=township,
        date_of_death=date_of_death,
        cremation_date=cremation_date,
        funeral_home=funeral_home,
        certificate_no=(certificate_no or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        created_by=user,
    )
    try:
        record.clean_fields(exclude=["person", "township", "funeral_home", "created_by", "date_of_death"])
    except ValidationError as exc:
        errors.merge(exc)
    if cremation_date and date_of_death and cremation_date < date_of_death:
        errors.add("cremation_date", _("火化日期不能早于死亡日期。"))
    _check_contact_phone(errors, record.contact_phone)
    if record.certificate_no and DeathRecord.objects.filter(certificate_no=record.certificate_no).exists():
        errors.add("certificate_no", _("火化证明编号 %(n)s 已登记。") % {"n": record.certificate_no})
    if placement is not None:
        _placement_check(errors, record=record, data=placement, previous=None)
    if waiver is not None:
        _waiver_items_check(errors, waiver)
    errors.raise_if_any()

    if not identity_unknown and found is None:
        found = person_create(user=user, name=name, id_number=id_number, township=township)
    record.person = found
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:  # the same person or certificate registered concurrently
        raise ValidationError({"id_number": [_("该逝者已有死亡火化记录，请勿重复登记。")]}) from None
    if placement is not None:
        placement_save(user=user, record=record, **placement.__dict__)
    if waiver is not None:
        waiver_grant(user=user, record=record, items=waiver.items, urn_price=waiver.urn_price)
    if found is not None:
        # Last, so that the apps hear of the death only once everything else has passed (their
        # receivers' changes would roll back with it anyway).
        try:
            person_record_death(user=user, person=found, date_of_death=date_of_death, source=DEATH_SOURCE)
        except ValidationError as exc:
            errors.merge(exc, rename={"person": "id_number"})
            errors.raise_if_any()
    return record


RECORD_UPDATE_FIELDS = (
    "date_of_death", "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone",
    "unknown_description", "township",
)  # fmt: skip


@transaction.atomic
def death_record_update(*, user, record: DeathRecord, **data) -> DeathRecord:
    """Correct a record. A corrected date of death is a correction in core too (every app hears
    it); a known person's township is core's and is changed there."""
    unknown = set(data) - set(RECORD_UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    record = DeathRecord.objects.select_for_update(of=("self",)).select_related("person").get(pk=record.pk)
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能修改本乡镇（街道）的记录。")]})
    errors = _Errors()
    if "township" in data and data["township"] != record.township and not record.identity_unknown:
        errors.add("township", _("已知逝者的乡镇（街道）以户籍为准，请在人员信息中修改。"))
        data.pop("township")
    died_before = record.date_of_death
    for field, value in data.items():
        setattr(record, field, value.strip() if isinstance(value, str) else value)
    if record.township_id and not user_can_act_in(user, record.township_id):
        errors.add("township", _("您只能登记本乡镇（街道）的逝者。"))
    if record.date_of_death is None:
        errors.add("date_of_death", _("请填写死亡日期。"))
    _check_not_future(errors, "date_of_death", record.date_of_death, _("死亡日期"))
    _check_not_future(errors, "cremation_date", record.cremation_date, _("火化日期"))
    if record.funeral_home_id and record.funeral_home.kind != Facility.Kind.FUNERAL_HOME:
        errors.add("funeral_home", _("%(f)s 不是殡仪馆。") % {"f": record.funeral_home})
    placement = getattr(record, "placement", None)
    if placement is not None and record.date_of_death and placement.placed_on < record.date_of_death:
        errors.add("date_of_death", _("死亡日期不能晚于安葬（放）日期。"))
    if not errors:
        try:
            record.full_clean(exclude=["person", "created_by"], validate_constraints=False)
        except ValidationError as exc:
            errors.merge(exc)
    _check_contact_phone(errors, record.contact_phone)
    if (
        record.certificate_no
        and DeathRecord.objects.filter(certificate_no=record.certificate_no).exclude(pk=record.pk).exists()
    ):
        errors.add("certificate_no", _("火化证明编号 %(n)s 已登记。") % {"n": record.certificate_no})
    errors.raise_if_any()
    record._history_user = user
    record.save()
    if record.person_id and record.date_of_death != died_before:
        person_record_death(user=user, person=record.person, date_of_death=record.date_of_death, source=DEATH_SOURCE)
    return record


# Placements ---------------------------------------------------------------------------------


def slot_field(form: str) -> str | None:
    """The facility counter a placement of this form takes."""
    if form in Placement.NO_FACILITY_FORMS:
        return None
    return "niches_used" if form in Placement.NICHE_FORMS else "graves_used"


def _placement_check(errors: _Errors, *, record: DeathRecord, data: PlacementInput, previous: Placement | None):
    form, facility, placed_on = data.form, data.facility, data.placed_on
    if form not in Placement.Form.values:
        errors.add("form", _("请选择安葬方式。"))
        return
    if placed_on is None:
        errors.add("placed_on", _("请填写安葬（放）日期。"))
    _check_not_future(errors, "placed_on", placed_on, _("安葬（放）日期"))
    if placed_on and record.date_of_death and placed_on < record.date_of_death:
        errors.add("placed_on", _("安葬（放）日期不能早于死亡日期。"))
    if form in Placement.NO_FACILITY_FORMS:
        if facility is not None:
            errors.add("facility", _("海葬不占用安葬设施，请不要选择设施。"))
        return
    if facility is None:
        errors.add("facility", _("请选择安葬（放）设施。"))
        return
    if facility.kind == Facility.Kind.FUNERAL_HOME:
        errors.add("facility", _("殡仪馆不是安葬（放）设施。"))
        return
    if placed_on and not facility.is_operating_on(placed_on):
        errors.add("facility", _("%(f)s 在 %(d)s 未在运营。") % {"f": facility, "d": placed_on.isoformat()})
    field = slot_field(form)
    capacity = facility.niche_capacity if field == "niches_used" else facility.grave_capacity
    if capacity == 0:
        errors.add(
            "facility",
            _("%(f)s 没有%(slot)s，不能用于“%(form)s”。")
            % {
                "f": facility,
                "slot": _("格位") if field == "niches_used" else _("墓穴"),
                "form": Placement.Form(form).label,
            },
        )


def _take_slot(facility_id: int | None, form: str) -> None:
    field = slot_field(form)
    if facility_id is None or field is None:
        return
    capacity = "niche_capacity" if field == "niches_used" else "grave_capacity"
    updated = Facility.objects.filter(pk=facility_id, **{f"{field}__lt": F(capacity)}).update(**{field: F(field) + 1})
    if not updated:
        facility = Facility.objects.get(pk=facility_id)
        raise ValidationError({"facility": [_("%(f)s 已满，请选择其他设施。") % {"f": facility}]})


def _release_slot(facility_id: int | None, form: str) -> None:
    field = slot_field(form)
    if facility_id is None or field is None:
        return
    Facility.objects.filter(pk=facility_id, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})


@transaction.atomic
def placement_save(
    *, user, record: DeathRecord, form: str, placed_on, facility: Facility | None = None, place: str = ""
) -> Placement:
    """Record (or correct) where the remains went; the facility's used count follows."""
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的记录。")]})
    previous = Placement.objects.select_for_update().filter(record=record).first()
    data = PlacementInput(form=form, placed_on=placed_on, facility=facility, place=(place or "").strip())
    errors = _Errors()
    _placement_check(errors, record=record, data=data, previous=previous)
    errors.raise_if_any()
    placement = previous or Placement(record=record)
    old = (previous.facility_id, slot_field(previous.form)) if previous else (None, None)
    new = (facility.pk if facility else None, slot_field(form))
    if old != new:
        if previous:
            _release_slot(previous.facility_id, previous.form)
        _take_slot(new[0], form)
    placement.form, placement.facility, placement.place, placement.placed_on = form, facility, data.place, placed_on
    placement.save()
    return placement


# Fee waivers --------------------------------------------------------------------------------


def fee_prices_on(day: datetime.date) -> dict[str, FeeItemPrice]:
    """The price row in force on `day` for each item (the latest effective_from on or before it)."""
    prices: dict[str, FeeItemPrice] = {}
    for row in FeeItemPrice.objects.filter(effective_from__lte=day).order_by("item", "-effective_from"):
        prices.setdefault(row.item, row)
    return prices


def waiver_eligible_codes() -> list[str]:
    return list(WaiverEligibleCategory.objects.values_list("code", flat=True))


def waiver_eligibility(*, record: DeathRecord) -> list[str]:
    """The configured categories the deceased was in on the date of death (core.categories)."""
    if record.person_id is None:
        return []
    return [
        code
        for code in waiver_eligible_codes()
        if code in CATEGORIES and record.person_id in CATEGORIES[code].members([record.person_id], record.date_of_death)
    ]


def _parse_money(value, key: str, errors: _Errors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        errors.add(key, _("金额格式不正确：%(v)s") % {"v": value})
        return None
    if amount < 0:
        errors.add(key, _("金额不能为负数。"))
        return None
    return amount


def _waiver_items_check(errors: _Errors, data: WaiverInput) -> None:
    items = list(data.items or [])
    if not items:
        errors.add("waiver_items", _("请选择减免项目。"))
    for item in items:
        if item not in FeeItem.values:
            errors.add("waiver_items", _("未知的减免项目：%(i)s") % {"i": item})
    price = _parse_money(data.urn_price, "urn_price", errors)
    if FeeItem.URN in items and not price:
        errors.add("urn_price", _("减免骨灰盒费用时请填写所购骨灰盒的价格。"))


def waiver_compute(*, record: DeathRecord, items, urn_price=None) -> list[WaiverLine]:
    """The waiver's lines at the prices in force on the service date (cremation, else death). The
    urn is waived up to the configured cap; every other item at its configured price."""
    errors = _Errors()
    _waiver_items_check(errors, WaiverInput(items=items, urn_price=urn_price))
    errors.raise_if_any()
    day = record.cremation_date or record.date_of_death
    prices = fee_prices_on(day)
    lines = []
    for item in FeeItem.values:
        if item not in items:
            continue
        row = prices.get(item)
        if row is None:
            errors.add(
                "waiver_items",
                _("%(item)s 在 %(d)s 没有设定价格，请先在减免设置中录入。")
                % {"item": FeeItem(item).label, "d": day.isoformat()},
            )
            continue
        if item == FeeItem.URN:
            charged = money(Decimal(str(urn_price)))
            amount = min(charged, row.price)
        else:
            charged = amount = row.price
        lines.append(WaiverLine(item=item, charged=charged, amount=money(amount)))
    errors.raise_if_any()
    return lines


@transaction.atomic
def waiver_grant(*, user, record: DeathRecord, items, urn_price=None) -> Waiver:
    """基本殡葬服务费减免 (Fujian 2013) for a deceased who, on the date of death, was in a category
    the bureau has made eligible (dibao, tekun, ...). The amount is frozen now."""
    if not user.has_perm("funeral.add_waiver"):
        raise ValidationError({"waiver": [_("您无权办理减免。")]})
    if not user_can_act_in(user, record.township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的记录。")]})
    # Lock the record: a concurrent second grant waits here and then sees the first one.
    DeathRecord.objects.select_for_update().filter(pk=record.pk).first()
    if Waiver.objects.filter(record=record).exists():
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]})
    codes = waiver_eligibility(record=record)
    if not codes:
        configured = "、".join(str(CATEGORIES[c].label) for c in waiver_eligible_codes() if c in CATEGORIES)
        raise ValidationError(
            {
                "waiver": [
                    _("逝者在死亡之日不属于减免对象（%(cats)s），不能减免。") % {"cats": configured or _("未设置")}
                    if record.person_id
                    else _("身份不明的逝者无法核对减免对象类别。")
                ]
            }
        )
    lines = waiver_compute(record=record, items=items, urn_price=urn_price)
    try:
        with transaction.atomic():
            waiver = Waiver.objects.create(
                record=record,
                granted_on=record.cremation_date or record.date_of_death,
                categories=codes,
                total=money(sum((line.amount for line in lines), Decimal(0))),
                granted_by=user,
            )
    except IntegrityError:
        raise ValidationError({"waiver": [_("该逝者已办理减免。")]}) from None
    for line in lines:
        line.waiver = waiver
    WaiverLine.objects.bulk_create(lines)
    return waiver


@transaction.atomic
def fee_item_price_set(*, user, item: str, price, effective_from: datetime.date, note: str = "") -> FeeItemPrice:
    """A new price from a date on; earlier waivers keep the amounts they were granted with."""
    errors = _Errors()
    amount = _parse_money(price, "price", errors)
    if amount is None and not errors:
        errors.add("price", _("请填写单价。"))
    row = FeeItemPrice(
        item=item, price=amount, effective_from=effective_from, note=(note or "").strip(), created_by=user
    )
    try:
        row.full_clean(exclude=["created_by"] + (["price"] if amount is None else []))
    except ValidationError as exc:
        errors.merge(exc, rename={"__all__": "effective_from"})
    errors.raise_if_any()
    row.save()
    return row


@transaction.atomic
def waiver_category_add(*, user, code: str) -> WaiverEligibleCategory:
    code = (code or "").strip()
    if code not in CATEGORIES:
        raise ValidationError({"code": [_("未知的人员类别：%(c)s") % {"c": code}]})
    category, _created = WaiverEligibleCategory.objects.get_or_create(code=code)
    return category


@transaction.atomic
def waiver_category_remove(*, user, category: WaiverEligibleCategory) -> None:
    category.delete()


# Illegal tomb rectification -----------------------------------------------------------------

TOMB_FIELDS = ("township", "village", "location", "kind", "found_on", "action", "action_note", "closed_on")


def _tomb_case_save(*, user, case: TombCase, data: dict) -> TombCase:
    unknown = set(data) - set(TOMB_FIELDS)
    if unknown:
        raise TypeError(f"unknown tomb case fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(case, field, value.strip() if isinstance(value, str) else value)
    errors = _Errors()
    if case.township_id and not user_can_act_in(user, case.township_id):
        errors.add("township", _("您只能登记本乡镇（街道）的案件。"))
    if case.village_id and case.village.parent_id != case.township_id:
        errors.add("village", _("该村（社区）不属于所选乡镇（街道）。"))
    _check_not_future(errors, "found_on", case.found_on, _("发现日期"))
    _check_not_future(errors, "closed_on", case.closed_on, _("办结日期"))
    try:
        case.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    case._history_user = user
    case.save()
    return case


@transaction.atomic
def tomb_case_create(*, user, **data) -> TombCase:
    return _tomb_case_save(user=user, case=TombCase(created_by=user), data=data)


@transaction.atomic
def tomb_case_update(*, user, case: TombCase, **data) -> TombCase:
    case = TombCase.objects.select_for_update().get(pk=case.pk)
    if not user_can_act_in(user, case.township_id):
        raise ValidationError({"township": [_("您只能修改本乡镇（街道）的案件。")]})
    return _tomb_case_save(user=user, case=case, data=data)
