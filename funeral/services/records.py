"""Death and cremation records: registering a deceased (with the placement and the waiver when
known, in one transaction) and correcting a record. A known person's death is recorded in core."""

import dataclasses
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.bulk import bulk_insert
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.jurisdiction import user_can_act_in
from core.models import Division, Person
from core.services.people import (
    people_record_death,
    person_build,
    person_create,
    person_death_check,
    person_record_death,
    person_validate,
)
from funeral.models import DeathRecord, Facility, Placement, Waiver, WaiverLine
from funeral.services._common import PHONE, check_name, check_past_date
from funeral.services.facilities import default_funeral_home
from funeral.services.placements import (
    PlacementInput,
    facility_full_error,
    placement_check,
    placement_save,
    slot_field,
    slots_free,
    take_slots,
)
from funeral.services.waivers import (
    WaiverInput,
    fee_price_rows,
    prices_on,
    waiver_build,
    waiver_compute,
    waiver_eligibility_each,
    waiver_eligible_check,
    waiver_eligible_codes,
    waiver_grant,
    waiver_items_check,
    waiver_permission_check,
)

DEATH_SOURCE = "funeral"


@dataclass
class RecordFacts:
    """What the rules on registering one deceased read from the database, read beforehand: for one
    record by death_record_register (record_facts), for a whole ledger at once by
    death_records_check. The rules themselves (death_record_check) read nothing."""

    #: The person with the ID number whom the user may see (township loaded), if any.
    visible: Person | None = None
    #: Someone has the ID number, visible to the user or not.
    number_taken: bool = False
    #: The known deceased's death record already on file, and the township that keeps it.
    record_id: int | None = None
    record_township: str | None = None
    #: The cremation certificate number is registered already.
    certificate_taken: bool = False


def record_facts(*, user, person: Person | None, id_number: str, certificate_no: str) -> RecordFacts:
    facts = RecordFacts()
    number = normalize_id_number(id_number)
    if person is None and number:
        facts.visible = Person.objects.for_user(user).filter(id_number=number).select_related("township").first()
        facts.number_taken = facts.visible is not None or Person.objects.filter(id_number=number).exists()
    known = person or facts.visible
    if known is not None:
        facts.record_id, facts.record_township = DeathRecord.objects.filter(person=known).values_list(
            "pk", "township_id"
        ).first() or (None, None)
    certificate_no = (certificate_no or "").strip()
    facts.certificate_taken = (
        bool(certificate_no) and DeathRecord.objects.filter(certificate_no=certificate_no).exists()
    )
    return facts


def _resolve_person(
    *, user, errors: FieldErrors, facts: RecordFacts, person, id_number: str, name: str, township
) -> tuple[Person | None, Person | None]:
    """The known deceased (the person given, or the one with this ID number), or else the new person
    to create (built and checked with core's own rules; the caller saves it). (None, None) when
    neither can be."""
    if person is not None:
        return person, None
    number = normalize_id_number(id_number)
    if not number:
        errors.add("id_number", _("请填写逝者身份证号；身份不明时请勾选“身份不明”。"))
        return None, None
    found = facts.visible
    if found is None and facts.number_taken:
        # Someone outside the user's jurisdiction: one generic answer that does not disclose it.
        errors.add("id_number", _("您只能登记本乡镇（街道）人员的死亡。"))
        return None, None
    if found is None:
        new = person_build(name=name, id_number=number, township=township)
        try:
            person_validate(new, user=user, unique_known=True)  # facts: nobody has the number
        except ValidationError as exc:
            errors.merge(exc)
            return None, None
        return None, new
    if not user.is_city_level and found.township_id != user.township_id:
        # Existence of another township's person is not disclosed.
        errors.add("id_number", _("您只能登记本乡镇（街道）人员的死亡。"))
        return None, None
    if name and name.strip() != found.name:
        errors.add(
            "name",
            _("该身份证号在系统中登记的姓名是“%(registered)s”，与填写的“%(given)s”不一致。")
            % {"registered": found.name, "given": name.strip()},
        )
    return found, None


def _check_contact(errors: FieldErrors, record: DeathRecord) -> None:
    check_name(errors, "contact_name", record.contact_name)
    if record.contact_phone and not PHONE.match(record.contact_phone):
        errors.add("contact_phone", _("联系电话格式不正确：手机11位，座机如 0595-86383000。"))


@dataclass
class RecordPlan:
    """A deceased's registration checked and ready to write: the record (unsaved), the known person
    or the new one to create, and what goes with the record."""

    record: DeathRecord
    found: Person | None = None
    new_person: Person | None = None
    placement: PlacementInput | None = None
    waiver: WaiverInput | None = None
    waiver_codes: list = dataclasses.field(default_factory=list)
    waiver_lines: list = dataclasses.field(default_factory=list)

    @property
    def person(self) -> Person | None:
        return self.found or self.new_person


def death_record_check(
    errors: FieldErrors,
    *,
    user,
    facts: RecordFacts,
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
) -> RecordPlan:
    """Every rule on registering a deceased that reads only its input and `facts` (the funeral home
    already resolved), into `errors`: one rule set for the form, the API (death_record_register)
    and the ledger import (death_records_check)."""
    found = new_person = None
    if identity_unknown:
        if person is not None or normalize_id_number(id_number):
            errors.add("id_number", _("勾选“身份不明”时不填身份证号。"))
        if township is None:
            errors.add("township", _("请选择发现地所在的乡镇（街道）。"))
    else:
        found, new_person = _resolve_person(
            user=user, errors=errors, facts=facts, person=person, id_number=id_number, name=name, township=township
        )
        if found is not None:
            township = found.township or township
            if facts.record_id is not None and not user_can_act_in(user, facts.record_township):
                # Kept by another township (the deceased's township changed since): not its number.
                errors.add("id_number", _("该逝者已有死亡火化记录（由其他乡镇（街道）登记），请勿重复登记。"))
            elif facts.record_id is not None:
                errors.add(
                    "id_number", _("该逝者已有死亡火化记录（编号 %(n)d），请勿重复登记。") % {"n": facts.record_id}
                )
    if township is not None and not user_can_act_in(user, township.code):
        errors.add("township", _("您只能登记本乡镇（街道）的逝者。"))
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
    if record.certificate_no and facts.certificate_taken:
        errors.add("certificate_no", _("火化证明编号 %(n)s 已登记。") % {"n": record.certificate_no})
    if placement is not None:
        placement_check(errors, record=record, data=placement, previous=None)
    if waiver is not None:
        waiver_items_check(errors, waiver)
    return RecordPlan(record=record, found=found, new_person=new_person, placement=placement, waiver=waiver)


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
    facts = record_facts(user=user, person=person, id_number=id_number, certificate_no=certificate_no)
    plan = death_record_check(
        errors, user=user, facts=facts, person=person, id_number=id_number, name=name,
        identity_unknown=identity_unknown, unknown_description=unknown_description, township=township,
        date_of_death=date_of_death, cremation_date=cremation_date,
        funeral_home=funeral_home or default_funeral_home(), certificate_no=certificate_no,
        contact_name=contact_name, contact_phone=contact_phone, placement=placement, waiver=waiver,
    )  # fmt: skip
    errors.raise_if_any()

    record, found = plan.record, plan.found
    if plan.new_person is not None:
        found = person_create(user=user, name=name, id_number=id_number, township=record.township)
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


# --- a whole ledger at once -------------------------------------------------------------------------


def death_records_check(*, user, entries: list[dict]) -> list[RecordPlan | FieldErrors]:
    """death_record_register's rules for many deceased at once (the funeral home's monthly ledger),
    each entry the keyword arguments the service takes, each person at most once: a plan ready for
    death_records_save, or the entry's errors, exactly as the service would give them had the
    entries been registered one after another in order (a certificate number or a facility's last
    place taken by an earlier entry is taken). The facts are read once for all the entries: a fixed
    number of queries for any number of entries."""
    home = None
    if any(entry.get("funeral_home") is None for entry in entries):
        home = default_funeral_home()
    numbers = {
        normalize_id_number(e.get("id_number") or "")
        for e in entries
        if not e.get("identity_unknown") and e.get("person") is None
    } - {""}
    visible = {
        p.id_number: p
        for p in Person.objects.for_user(user).filter(id_number__any_of=numbers).select_related("township", "village")
    }
    for p in visible.values():
        p._db_name = p.name  # as read: person_validate need not read it again (core.services.people)
    taken = set(visible)
    if numbers - taken:
        taken |= set(Person.objects.filter(id_number__any_of=numbers - taken).values_list("id_number", flat=True))
    known_ids = [p.pk for p in visible.values()] + [e["person"].pk for e in entries if e.get("person") is not None]
    records = {
        person_id: (pk, township)
        for person_id, pk, township in DeathRecord.objects.filter(person_id__any_of=known_ids).values_list(
            "person_id", "pk", "township_id"
        )
    }
    certificates = {(e.get("certificate_no") or "").strip() for e in entries} - {""}
    registered = set(
        DeathRecord.objects.filter(certificate_no__any_of=certificates).values_list("certificate_no", flat=True)
    )
    waived = [e for e in entries if e.get("waiver") is not None]
    configured, eligible, price_rows = [], {}, []
    if waived:
        configured = waiver_eligible_codes()
        dates = {}
        for e in waived:
            known = e.get("person") or visible.get(normalize_id_number(e.get("id_number") or ""))
            if known is not None and e.get("date_of_death"):
                dates[known.pk] = e["date_of_death"]
        eligible = waiver_eligibility_each(dates, configured)
        days = [e.get("cremation_date") or e.get("date_of_death") for e in waived]
        days = [d for d in days if d]
        price_rows = fee_price_rows(max(days)) if days else []
    free: dict[tuple[int, str], int] = {}  # what is left of each facility counter, as entries take it
    prices: dict[datetime.date, dict] = {}
    results: list[RecordPlan | FieldErrors] = []
    for entry in entries:
        errors = FieldErrors()
        number = normalize_id_number(entry.get("id_number") or "")
        facts = RecordFacts(
            visible=visible.get(number) if number else None,
            number_taken=number in taken,
            certificate_taken=(entry.get("certificate_no") or "").strip() in registered,
        )
        known = entry.get("person") or facts.visible
        facts.record_id, facts.record_township = records.get(known.pk, (None, None)) if known else (None, None)
        plan = death_record_check(
            errors, user=user, facts=facts, **{**entry, "funeral_home": entry.get("funeral_home") or home}
        )
        if errors:
            results.append(errors)
            continue
        # What death_record_register meets as it writes, in its order: the facility's room, the
        # waiver's grant, the death in core. The first refusal is the entry's error.
        record, slot = plan.record, None
        try:
            if plan.placement is not None and plan.placement.facility is not None:
                field_name = slot_field(plan.placement.form)
                if field_name is not None:
                    slot = (plan.placement.facility.pk, field_name)
                    free.setdefault(slot, slots_free(plan.placement.facility, plan.placement.form))
                    if free[slot] <= 0:
                        raise facility_full_error(plan.placement.facility)
            if plan.waiver is not None:
                waiver_permission_check(user=user, record=record)
                person = plan.person
                # A person this ledger creates is in no category yet (no case, no file, no
                # disability on record): as the service finds them once created.
                codes = eligible.get(person.pk, []) if person is not None and person.pk else []
                waiver_eligible_check(identified=person is not None, codes=codes, configured=configured)
                day = record.cremation_date or record.date_of_death
                if day not in prices:
                    prices[day] = prices_on(price_rows, day)
                plan.waiver_codes = codes
                plan.waiver_lines = waiver_compute(
                    record=record, items=plan.waiver.items, urn_price=plan.waiver.urn_price, prices=prices[day]
                )
            person = plan.person
            if person is not None and person.date_of_death != record.date_of_death:
                person_death_check(person, record.date_of_death, user=user)
        except ValidationError as exc:
            errors.merge(exc, rename={"person": "id_number"})
            results.append(errors)
            continue
        if slot is not None:
            free[slot] -= 1
        if record.certificate_no:
            registered.add(record.certificate_no)
        results.append(plan)
    return results


@transaction.atomic
def death_records_save(*, user, plans: list[RecordPlan], reason: str = "") -> list[DeathRecord]:
    """Write what death_records_check planned, as death_record_register writes one, at the speed of
    the database: the new people, the records, the placements, the waivers and their lines each in
    one COPY (core.bulk, ids from the sequences, history rows with them), the facilities' counters
    in one UPDATE, and the deaths recorded in core in one batch (core's people_record_death: one
    people_died event for the apps). A fixed number of queries for any number of records."""
    new_people = [plan.new_person for plan in plans if plan.new_person is not None]
    bulk_insert(Person, new_people, user=user, reason=reason)
    records = []
    for plan in plans:
        plan.record.person = plan.person
        records.append(plan.record)
    try:
        bulk_insert(DeathRecord, records, user=user, reason=reason)
    except IntegrityError:  # the same person or certificate registered concurrently
        raise ValidationError({"id_number": [_("该逝者已有死亡火化记录，请勿重复登记。")]}) from None
    placements, taken = [], {}
    for plan in plans:
        data = plan.placement
        if data is None:
            continue
        placements.append(
            Placement(
                record=plan.record, form=data.form, facility=data.facility, place=(data.place or "").strip(),
                placed_on=data.placed_on,
            )
        )  # fmt: skip
        field_name = slot_field(data.form)
        if data.facility is not None and field_name is not None:
            key = (data.facility.pk, field_name)
            taken[key] = taken.get(key, 0) + 1
    take_slots(taken)
    bulk_insert(Placement, placements)
    waivers, lines = [], []
    for plan in plans:
        if plan.waiver is not None:
            waivers.append(
                waiver_build(user=user, record=plan.record, codes=plan.waiver_codes, lines=plan.waiver_lines)
            )
    bulk_insert(Waiver, waivers)
    for waiver, plan in zip(waivers, [p for p in plans if p.waiver is not None], strict=True):
        for line in plan.waiver_lines:
            line.waiver = waiver
            lines.append(line)
    bulk_insert(WaiverLine, lines)
    deaths = [(plan.person, plan.record.date_of_death) for plan in plans if plan.person is not None]
    people_record_death(user=user, deaths=deaths, source=DEATH_SOURCE)
    return records


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
