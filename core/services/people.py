"""Writes to people and households. Forms, the API and the Excel import all come through here, so
one rule gives one error whichever door the data came through."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.bulk import bulk_history, bulk_update
from core.changes import touch
from core.events import people_died, person_died, person_moved
from core.exceptions import FieldErrors
from core.identifiers import IdNumberInfo, normalize_id_number, parse_id_number, validate_person_name
from core.jurisdiction import user_can_act_in
from core.limits import EARLIEST_DATE, LATEST_DATE, check_date, check_text
from core.models import ID_NUMBER_TAKEN, Division, Household, HouseholdMember, Person

PERSON_FIELDS = (
    "name",
    "id_number",
    "phone",
    "township",
    "village",
    "hukou",
    "disability_category",
    "disability_grade",
    "date_of_death",
)
# Mobile (11 digits from 1) or a landline with or without the 0595 area code and extension.
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


def person_build(*, person: Person | None = None, identity_unknown: bool = False, today=None, **data) -> Person:
    """Apply data to a (new) person and derive birth date and sex from the ID number. Does not
    validate or save. `today`: an import's, read once for the file."""
    person = person or Person()
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(person, field, value)
    person.name = (person.name or "").strip()
    person.phone = (person.phone or "").strip()
    person.id_number = normalize_id_number(person.id_number) or None
    person._identity_unknown = identity_unknown
    person.id_note = ""
    #: (number, its error or None): person_validate need not parse the same number again.
    person._id_checked = (person.id_number, None)
    if person.id_number:
        try:
            info = parse_id_number(person.id_number, today=today)
        except ValidationError as exc:
            person._id_checked = (person.id_number, exc.messages[0])  # reported against the field
        else:
            person.birth_date, person.sex, person.id_note = info.birth_date, info.sex, info.note
    return person


def _loaded(instance, field: str) -> bool:
    related = instance._state.fields_cache.get(field)
    return related is not None and not related._state.adding


def _name_is_new(person: Person) -> bool:
    if person._state.adding or person.pk is None:
        return True
    if hasattr(person, "_db_name"):  # the name as read from the database with the person
        return person._db_name != person.name
    return Person.objects.filter(pk=person.pk).values_list("name", flat=True).first() != person.name


def person_validate(person: Person, *, user, check_unique: bool = True, unique_known: bool = False, today=None) -> None:
    """Every rule for a person; raises ValidationError keyed by field. `today`: an import's, read
    once for the file. `unique_known`: the caller has already found that no one else has this ID
    number (a whole file's numbers in one query), so the rules are the same as with check_unique but
    for that query."""
    errors = FieldErrors()
    # Divisions already loaded from the database need no existence query, and the check
    # constraints (disability grade 1–4, the date window) are checked here with their messages:
    # without both, an import validates a row with no query at all (it was 5 round trips a row).
    # The database still enforces them.
    loaded = [f for f in ("township", "village") if _loaded(person, f)]
    checked = getattr(person, "_id_checked", None)
    if not check_unique and checked and checked[0] == person.id_number and person.id_number:
        # Parsed by person_build a moment ago (the import's rows): its verdict, not a second parse.
        loaded.append("id_number")
        if checked[1]:
            errors.add("id_number", checked[1])
    try:
        person.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    if (
        check_unique
        and not unique_known
        and person.id_number
        and "id_number" not in errors
        and Person.objects.filter(id_number=person.id_number).exclude(pk=person.pk).exists()
    ):  # person_id_number_unique
        errors.add("id_number", ID_NUMBER_TAKEN)
    # The rule applies to a name as it is typed: a name kept from before the rule (an old import)
    # does not stop the person from being edited or a death from being recorded.
    if person.name and "name" not in errors and _name_is_new(person):
        try:
            validate_person_name(person.name)
        except ValidationError as exc:
            errors.add("name", exc.messages[0])
    if not person.id_number and not getattr(person, "_identity_unknown", False):
        errors.add("id_number", _("请填写身份证号。"))
    if person.phone and not _PHONE.match(person.phone):
        errors.add("phone", _("联系电话格式不正确：手机11位，座机如 0595-86383000。"))
    township = person.township if person.township_id else None
    if township is not None and township.level != Division.Level.TOWNSHIP:
        errors.add("township", _("请选择乡镇（街道）。"))
    if not person.township_id and not getattr(person, "_identity_unknown", False):
        errors.add("township", _("请选择户籍乡镇（街道）。"))
    if person.village_id:
        village = person.village
        if village.level != Division.Level.VILLAGE or village.parent_id != person.township_id:
            errors.add("village", _("该村（社区）不属于所选乡镇（街道）。"))
    if bool(person.disability_category) != bool(person.disability_grade):
        errors.add("disability_grade", _("残疾类别和残疾等级应同时填写或同时留空。"))
    check_date(errors, "birth_date", person.birth_date, not_after_today=True, today=today)
    # A death has happened: in the window and not after today, and not before the birth.
    check_date(errors, "date_of_death", person.date_of_death, not_after_today=True, today=today)
    if (
        "date_of_death" not in errors
        and person.date_of_death
        and person.birth_date
        and person.date_of_death < person.birth_date
    ):
        errors.add("date_of_death", _("死亡日期不能早于出生日期 %(d)s。") % {"d": person.birth_date.isoformat()})
    if person.township_id and not user_can_act_in(user, person.township_id):
        errors.add("township", _("您只能登记本乡镇（街道）的人员。"))
    errors.raise_if_any()


_NAME_MAX = Person._meta.get_field("name").max_length
_PHONE_MAX = Person._meta.get_field("phone").max_length
_NOTE_MAX = Person._meta.get_field("id_note").max_length
_HUKOU = frozenset(Person.Hukou.values)
_DISABILITY = frozenset(Person.Disability.values)


def person_surely_valid(
    *,
    name: str,
    id_number: str,
    phone: str,
    township,
    village,
    hukou: str = Person.Hukou.RURAL,
    disability_category: str = "",
    disability_grade: int | None = None,
    townships_allowed,
    today,
) -> IdNumberInfo | None:
    """A quick yes for an import's rows: what the ID number says when every rule of person_validate
    surely passes for a new person with these values (text already stripped and normalised,
    divisions already loaded, `townships_allowed` the ids where the user may register people), else
    None. A row without the quick yes goes through person_build and person_validate, which say what
    is wrong, so no message is written twice; the quick yes is never given where person_validate
    says no (tests/core/test_person_quick_check.py holds the two side by side). 100,000 rows through
    full_clean cost more than the database's whole write."""
    if not name or len(name) > _NAME_MAX or not id_number:
        return None
    try:
        validate_person_name(name)
        info = parse_id_number(id_number, today=today)
    except ValidationError:
        return None
    if len(info.note) > _NOTE_MAX or not (EARLIEST_DATE <= info.birth_date <= min(LATEST_DATE, today)):
        return None
    if phone and (len(phone) > _PHONE_MAX or not _PHONE.match(phone)):
        return None
    if township is None or township.level != Division.Level.TOWNSHIP or township.pk not in townships_allowed:
        return None
    if village is not None and (village.level != Division.Level.VILLAGE or village.parent_id != township.pk):
        return None
    if hukou not in _HUKOU or disability_category not in _DISABILITY:
        return None
    if disability_grade not in (None, 1, 2, 3, 4) or bool(disability_category) != bool(disability_grade):
        return None
    return info


def _set_history_user(instance, user):
    instance._history_user = user


@transaction.atomic
def person_create(*, user, identity_unknown: bool = False, **data) -> Person:
    person = person_build(identity_unknown=identity_unknown, **data)
    person_validate(person, user=user)
    _set_history_user(person, user)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent insert of the same ID number
        raise ValidationError({"id_number": [ID_NUMBER_TAKEN]}) from None
    return person


@transaction.atomic
def person_update(*, user, person: Person, **data) -> Person:
    if not user_can_act_in(user, person.township_id):
        raise ValidationError({"township": [_("您只能修改本乡镇（街道）的人员。")]})
    died_before, township_before = person.date_of_death, person.township_id
    person_build(person=person, **data)
    person_validate(person, user=user)
    _set_history_user(person, user)
    person.save()
    if person.township_id != township_before:
        person_moved.send(
            Person, person=person, township_from=township_before, township_to=person.township_id, user=user
        )
    if person.date_of_death and person.date_of_death != died_before:
        _announce_deaths([(person, person.date_of_death)], user=user, source="person_form")
    return person


def person_death_check(person: Person, date_of_death, *, user) -> None:
    """The rules on recording `person`'s death on `date_of_death`, without saving: raises
    ValidationError as person_record_death would (the ledger import asks it of a whole file before
    it saves anything). Leaves `person` as it was."""
    if not user_can_act_in(user, person.township_id) and person.township_id is not None:
        raise ValidationError({"person": [_("您只能登记本乡镇（街道）人员的死亡。")]})
    before = person.date_of_death
    person.date_of_death = date_of_death
    try:
        person_validate(person, user=user, check_unique=False)
    finally:
        person.date_of_death = before


def _announce_deaths(deaths: list, *, user, source: str) -> None:
    """core.events: people_died once for all of them, then person_died for each."""
    if not deaths:
        return
    people_died.send(Person, deaths=deaths, user=user, source=source)
    for person, date_of_death in deaths:
        person_died.send(Person, person=person, date_of_death=date_of_death, user=user, source=source)


@transaction.atomic
def person_record_death(*, user, person: Person, date_of_death, source: str) -> Person:
    """Record a death once, for every app: assistance stops the person's share of the next payroll
    and re-checks the household, and so on (receivers of core.events.people_died). Recording the
    same date again changes nothing and sends nothing; a different date is a correction that
    every receiver hears about."""
    return people_record_death(user=user, deaths=[(person, date_of_death)], source=source)[0]


@transaction.atomic
def people_record_death(*, user, deaths, source: str) -> list[Person]:
    """person_record_death for many people at once, in a fixed number of queries: the people are
    locked and read in one query, checked by person_death_check, written in one UPDATE with their
    history rows (core.bulk), and the apps hear of them in one people_died event. `deaths` is
    (person, date_of_death) pairs, each person once; returns the people as now recorded, in order.
    The first person refused raises its ValidationError, and nothing is recorded."""
    deaths = list(deaths)
    ids = [person.pk for person, _date in deaths]
    if len(set(ids)) != len(ids):
        raise ValueError("people_record_death: a person given twice")
    locked = (
        Person.objects.select_for_update(of=("self",))
        .select_related("township", "village")  # what person_validate reads, read here
        .in_bulk(ids)
    )
    people, changed = [], []
    for person, date_of_death in deaths:
        person = locked[person.pk]
        people.append(person)
        if person.date_of_death == date_of_death:
            continue
        person._db_name = person.name  # as read: person_validate need not read it again
        person_death_check(person, date_of_death, user=user)
        person.date_of_death = date_of_death
        changed.append((person, date_of_death))
    if changed:
        now = timezone.now()
        for person, _date in changed:
            person.updated_at = now
        rows = [person for person, _date in changed]
        bulk_update(Person, rows, ["date_of_death", "updated_at"])
        bulk_history(Person, rows, user=user)
        _announce_deaths(changed, user=user, source=source)
    return people


def _check_can_act(user, township_id):
    if not user_can_act_in(user, township_id):
        raise ValidationError({"township": [_("您只能登记本乡镇（街道）的家庭。")]})


#: Why a deceased person cannot take a role, one message per role (a person is refused by name and
#: death date, whichever door the request came through).
DECEASED_MESSAGES = {
    "head": gettext_lazy("%(name)s已于 %(date)s 去世，不能作为户主。"),
    "member": gettext_lazy("%(name)s已于 %(date)s 去世，不能加入家庭。"),
    "applicant": gettext_lazy("%(name)s已于 %(date)s 去世，不能作为申请人。"),
}


def check_living(person: Person, *, field: str, role: str, on=None) -> None:
    """Refuse a person who has died (on or before `on`, when given) for `role` ("head", "member",
    "applicant"): a ValidationError on `field` naming the person and the date of death."""
    died = person.date_of_death
    if died is None or (on is not None and died > on):
        return
    raise ValidationError({field: [str(DECEASED_MESSAGES[role]) % {"name": person.name, "date": died.isoformat()}]})


def _check_free(person: Person, *, user, field: str = "person"):
    """Refuse a person already in a household. The household is named only to a user of its own
    township: a person who moved keeps their old household until it is changed, and its head's name
    and number are the other township's."""
    existing = HouseholdMember.objects.filter(person=person).select_related("household__head").first()
    if existing is None:
        return
    if not user_can_act_in(user, existing.household.township_id):
        raise ValidationError({field: [_("%(name)s 已是其他乡镇（街道）一个家庭的成员。") % {"name": person.name}]})
    raise ValidationError(
        {
            field: [
                _("%(name)s 已是 %(household)s（家庭编号 %(id)d）的成员。")
                % {"name": person.name, "household": existing.household, "id": existing.household_id}
            ]
        }
    )


@transaction.atomic
def household_create(*, user, head: Person, address: str = "", members=()) -> Household:
    """A household at the head's registered township and village; `members` are (person, relation)."""
    _check_can_act(user, head.township_id)
    check_living(head, field="head", role="head")
    _check_free(head, user=user, field="head")
    household = Household(head=head, township_id=head.township_id, village_id=head.village_id, address=address)
    _check_address(address)
    household.full_clean()
    _set_history_user(household, user)
    household.save()
    head_member = HouseholdMember(household=household, person=head, relation=Household.Relation.HEAD)
    _set_history_user(head_member, user)
    head_member.save()
    for person, relation in members:
        household_member_add(user=user, household=household, person=person, relation=relation)
    return household


def _check_address(address: str) -> None:
    errors = FieldErrors()
    check_text(errors, "address", address, max_length=Household._meta.get_field("address").max_length)
    errors.raise_if_any()


@transaction.atomic
def household_update(*, user, household: Household, address: str) -> Household:
    _check_can_act(user, household.township_id)
    household.address = address.strip()
    _check_address(household.address)
    household.full_clean()
    _set_history_user(household, user)
    household.save()
    return household


@transaction.atomic
def household_member_add(*, user, household: Household, person: Person, relation: str) -> HouseholdMember:
    _check_can_act(user, household.township_id)
    if not user_can_act_in(user, person.township_id):
        raise ValidationError({"person": [_("您只能添加本乡镇（街道）的人员。")]})
    if relation == Household.Relation.HEAD:
        raise ValidationError({"relation": [_("一个家庭只有一位户主。")]})
    check_living(person, field="person", role="member")
    _check_free(person, user=user)
    member = HouseholdMember(household=household, person=person, relation=relation)
    member.full_clean(validate_unique=False)
    _set_history_user(member, user)
    member.save()
    touch(Household, [household.pk])
    return member


@transaction.atomic
def household_member_remove(*, user, member: HouseholdMember) -> None:
    _check_can_act(user, member.household.township_id)
    if member.relation == Household.Relation.HEAD:
        raise ValidationError({"person": [_("不能移除户主。")]})
    _set_history_user(member, user)
    member.delete()
    touch(Household, [member.household_id])
