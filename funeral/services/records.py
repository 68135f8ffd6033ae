"""Death and cremation records: registering a deceased (with the placement and the waiver when
known, in one transaction) and correcting a record. A known person's death is recorded in core."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.jurisdiction import user_can_act_in
from core.models import Division, Person
from core.services.people import person_build, person_create, person_record_death, person_validate
from funeral.models import DeathRecord, Facility
from funeral.services._common import PHONE, check_name, check_past_date
from funeral.services.facilities import default_funeral_home
from funeral.services.placements import PlacementInput, placement_check, placement_save
from funeral.services.waivers import WaiverInput, waiver_grant, waiver_items_check

DEATH_SOURCE = "funeral"


def _resolve_person(*, user, errors: FieldErrors, person, id_number: str, name: str, township) -> Person | None:
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


def _check_contact(errors: FieldErrors, record: DeathRecord) -> None:
    check_name(errors, "contact_name", record.contact_name)
    if record.contact_phone and not PHONE.match(record.contact_phone):
        errors.add("contact_phone", _("联系电话格式不正确：手机11位，座机如 0595-86383000。"))


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
    errors = FieldErrors()
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
    check_past_date(errors, "date_of_death", date_of_death)
    check_past_date(errors, "cremation_date", cremation_date)
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
    _check_contact(errors, record)
    if record.certificate_no and DeathRecord.objects.filter(certificate_no=record.certificate_no).exists():
        errors.add("certificate_no", _("火化证明编号 %(n)s 已登记。") % {"n": record.certificate_no})
    if placement is not None:
        placement_check(errors, record=record, data=placement, previous=None)
    if waiver is not None:
        waiver_items_check(errors, waiver)
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
    errors = FieldErrors()
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
    check_past_date(errors, "date_of_death", record.date_of_death)
    check_past_date(errors, "cremation_date", record.cremation_date)
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
    _check_contact(errors, record)
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
