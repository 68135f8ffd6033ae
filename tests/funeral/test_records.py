"""Death and cremation records: the death is recorded in core once, for every app."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.events import person_died
from core.models import Person
from funeral.models import DeathRecord, Facility, Placement
from funeral.services.placements import PlacementInput, placement_save
from funeral.services.records import death_record_register, death_record_update
from tests.concurrency import second_while_first_uncommitted
from tests.factories import make_id_number

D = datetime.date


@pytest.fixture
def deaths():
    heard = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    person_died.connect(receiver, dispatch_uid="test.funeral.deaths")
    yield heard
    person_died.disconnect(dispatch_uid="test.funeral.deaths")


def test_a_record_sets_the_date_of_death_in_core_and_sends_person_died_once(deaths, staff, record_for, honglai_person):
    record = record_for(honglai_person, died=D(2024, 3, 1))
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death == D(2024, 3, 1)
    assert len(deaths) == 1
    assert deaths[0]["person"].pk == honglai_person.pk
    assert deaths[0]["date_of_death"] == D(2024, 3, 1)
    assert deaths[0]["source"] == "funeral"
    assert deaths[0]["user"] == staff
    assert record.township_id == honglai_person.township_id


def test_saving_the_record_again_sends_nothing_and_a_corrected_date_is_heard_once_more(
    deaths, staff, record_for, honglai_person
):
    record = record_for(honglai_person, died=D(2024, 3, 1))
    death_record_update(user=staff, record=record, contact_name="陈建华")
    assert len(deaths) == 1
    death_record_update(user=staff, record=record, date_of_death=D(2024, 2, 28))
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death == D(2024, 2, 28)
    assert [d["date_of_death"] for d in deaths] == [D(2024, 3, 1), D(2024, 2, 28)]


def test_a_record_another_township_keeps_is_not_numbered_to_this_one(record_for, shuitou_person, honglai, officer,
                                                                    funeral_home):  # fmt: skip
    """The deceased's township was changed after 水头镇 registered the death: a 洪濑镇 officer who
    registers it again is refused without the 水头镇 record's number."""
    record = record_for(shuitou_person)
    Person.objects.filter(pk=shuitou_person.pk).update(township=honglai)  # as the admin's change does
    shuitou_person.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        death_record_register(user=officer, person=shuitou_person, date_of_death=D(2024, 3, 1),
                              cremation_date=D(2024, 3, 3), funeral_home=funeral_home, township=honglai)  # fmt: skip
    assert exc.value.message_dict["id_number"] == ["该逝者已有死亡火化记录（由其他乡镇（街道）登记），请勿重复登记。"]
    assert str(record.pk) not in str(exc.value.message_dict)


def test_a_second_record_for_the_same_person_is_refused(record_for, honglai_person):
    record_for(honglai_person)
    with pytest.raises(ValidationError) as exc:
        record_for(honglai_person, died=D(2024, 3, 2))
    assert "已有死亡火化记录" in str(exc.value.message_dict["id_number"])
    assert DeathRecord.objects.count() == 1


def test_the_person_is_found_by_id_number_and_the_name_must_match(staff, funeral_home, honglai_person):
    with pytest.raises(ValidationError) as exc:
        death_record_register(
            user=staff, id_number=honglai_person.id_number, name="王伟强", date_of_death=D(2024, 3, 1)
        )
    assert "陈志明" in exc.value.message_dict["name"][0]
    record = death_record_register(
        user=staff, id_number=honglai_person.id_number, name="陈志明", date_of_death=D(2024, 3, 1)
    )
    assert record.person == honglai_person


def test_an_unregistered_deceased_becomes_a_person_through_core(deaths, staff, funeral_home, honglai):
    number = make_id_number(D(1940, 5, 1))
    record = death_record_register(
        user=staff, id_number=number, name="黄建国", township=honglai, date_of_death=D(2024, 3, 1)
    )
    person = Person.objects.get(id_number=number)
    assert record.person == person
    assert person.date_of_death == D(2024, 3, 1)
    assert person.birth_date == D(1940, 5, 1)  # derived from the ID number by core
    assert len(deaths) == 1


def test_an_unknown_deceased_is_allowed_and_marked_without_a_person(deaths, staff, funeral_home, honglai):
    people = Person.objects.count()
    record = death_record_register(
        user=staff, identity_unknown=True, unknown_description="无名男性，约60岁", township=honglai,
        date_of_death=D(2024, 3, 1),
    )  # fmt: skip
    assert record.person is None and record.identity_unknown
    assert "身份不明" in record.deceased_name
    assert Person.objects.count() == people
    assert deaths == []


def test_every_bad_field_is_reported_at_once(staff, funeral_home, honglai_person):
    with pytest.raises(ValidationError) as exc:
        death_record_register(
            user=staff, person=honglai_person, date_of_death=D(2024, 3, 5), cremation_date=D(2024, 3, 1),
            contact_phone="12345", placement=PlacementInput(form="sea", placed_on=D(2024, 3, 1)),
        )  # fmt: skip
    errors = exc.value.message_dict
    assert set(errors) >= {"cremation_date", "contact_phone", "placed_on"}
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death is None


def test_a_death_before_birth_is_refused_by_core_and_nothing_is_saved(deaths, staff, funeral_home, honglai_person):
    with pytest.raises(ValidationError) as exc:
        death_record_register(user=staff, person=honglai_person, date_of_death=D(1900, 1, 1))
    assert "出生日期" in str(exc.value)
    assert DeathRecord.objects.count() == 0
    assert deaths == []


def test_a_township_officer_cannot_register_another_townships_deceased(officer, funeral_home, shuitou_person):
    with pytest.raises(ValidationError):
        death_record_register(user=officer, id_number=shuitou_person.id_number, date_of_death=D(2024, 3, 1))


def test_a_placement_takes_a_niche_and_a_full_facility_is_refused_with_nothing_saved(
    staff, record_for, honglai_hall, honglai, deaths
):
    honglai_hall.niches_used = 2
    honglai_hall.save()
    first = record_for(
        None,
        township=honglai,
        placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=honglai_hall),
    )
    honglai_hall.refresh_from_db()
    assert honglai_hall.niches_used == 3
    assert first.placement.is_eco
    from tests.factories import PersonFactory

    person = PersonFactory(township=honglai)
    with pytest.raises(ValidationError) as exc:
        record_for(person, placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=honglai_hall))
    assert "已满" in exc.value.message_dict["facility"][0]
    person.refresh_from_db()
    assert person.date_of_death is None  # the record, the death and the placement: all or none
    assert deaths == []


def test_moving_a_placement_frees_the_old_slot_and_sea_burial_takes_none(
    staff, record_for, honglai_hall, county_hall, honglai_person
):
    record = record_for(
        honglai_person, placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=honglai_hall)
    )
    placement_save(user=staff, record=record, form="wall_niche", placed_on=D(2024, 3, 6), facility=county_hall)
    honglai_hall.refresh_from_db()
    county_hall.refresh_from_db()
    assert (honglai_hall.niches_used, county_hall.niches_used) == (0, 11)
    placement_save(user=staff, record=record, form="sea", placed_on=D(2024, 4, 1))
    county_hall.refresh_from_db()
    assert county_hall.niches_used == 10
    assert Placement.objects.get(record=record).facility is None


@pytest.mark.parametrize(
    ("form", "facility", "message"),
    [
        ("sea", "county_hall", "海葬不占用安葬设施"),
        ("tree", None, "请选择安葬（放）设施"),
        ("tree", "county_hall", "没有墓穴"),
        ("hall_niche", "funeral_home", "殡仪馆不是安葬（放）设施"),
    ],
)
def test_placement_rules(
    request, staff, record_for, honglai_person, county_hall, funeral_home, form, facility, message
):
    record = record_for(honglai_person)
    with pytest.raises(ValidationError) as exc:
        placement_save(
            user=staff, record=record, form=form, placed_on=D(2024, 3, 5),
            facility=request.getfixturevalue(facility) if facility else None,
        )  # fmt: skip
    assert message in exc.value.message_dict["facility"][0]


def test_a_facility_not_yet_open_on_the_placement_date_is_refused(staff, record_for, honglai_person, county_hall):
    county_hall.opened_on = D(2025, 1, 1)
    county_hall.save()
    record = record_for(honglai_person)
    with pytest.raises(ValidationError) as exc:
        placement_save(user=staff, record=record, form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall)
    assert "未在运营" in exc.value.message_dict["facility"][0]


def test_the_database_refuses_what_the_services_refuse(staff, funeral_home, honglai):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Facility.objects.create(
            name="x", kind="ash_hall", level="township", township=honglai, niche_capacity=1, niches_used=2,
            opened_on=D(2020, 1, 1),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        DeathRecord.objects.create(
            township=honglai, date_of_death=D(2024, 3, 5), cremation_date=D(2024, 3, 1), identity_unknown=True,
            funeral_home=funeral_home, created_by=staff,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        DeathRecord.objects.create(
            township=honglai, date_of_death=D(2024, 3, 5), identity_unknown=False, funeral_home=funeral_home,
            created_by=staff,
        )  # fmt: skip


def test_the_demo_ledger_reaches_the_current_year():
    """Issue 16, item 12: every app's demo covers 2020 to the current month."""
    import datetime

    from funeral import demo

    assert demo.YEARS[0] == 2020 and demo.YEARS[-1] == datetime.date.today().year


@pytest.mark.django_db(transaction=True)
def test_two_first_placements_of_one_record_at_once_make_one_and_correct_it(
    staff, record_for, honglai_hall, county_hall, honglai_person
):
    """Found by an attacker's walk: the second of two first placements saved at once found no
    placement to lock, inserted its own and failed on the one-placement-a-record key (a 500). The
    record is locked first now: the second waits, then corrects the first, and one slot is taken."""
    record = record_for(honglai_person)
    second_while_first_uncommitted(
        lambda: placement_save(user=staff, record=record, form="hall_niche", placed_on=D(2024, 3, 5),
                               facility=honglai_hall),
        lambda: placement_save(user=staff, record=record, form="wall_niche", placed_on=D(2024, 3, 6),
                               facility=county_hall),
    )  # fmt: skip
    placement = Placement.objects.get(record=record)
    assert (placement.form, placement.facility_id) == ("wall_niche", county_hall.pk)
    honglai_hall.refresh_from_db()
    county_hall.refresh_from_db()
    assert (honglai_hall.niches_used, county_hall.niches_used) == (0, 11)
