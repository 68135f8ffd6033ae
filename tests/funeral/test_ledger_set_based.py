"""The ledger import checks and saves a whole file at once: the same messages as the form (the
service registering the rows one after another), a number of queries that does not grow with the
rows, and every death's consequences applied."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.imports import Row, validation_messages
from core.models import Person
from funeral.importers import _BY_KEY, _choice_labels, _item_labels, _row_input, save_ledger, validate_ledger
from funeral.models import DeathRecord, Facility, Placement, Waiver
from funeral.services.facilities import default_funeral_home
from funeral.services.records import death_record_register
from tests.factories import PersonFactory, make_id_number

D = datetime.date
DAYS = [D(2024, 3, 1), D(2024, 3, 2), D(2024, 3, 4)]


def ledger_row(number: int, **values) -> Row:
    base = {"township": "洪濑镇", "date_of_death": "2024-03-01", "cremation_date": "2024-03-05"}
    base.update(values)
    return Row(number, base)


class _Rollback(Exception):
    pass


def one_by_one(rows, user) -> list[tuple[int, str, str]]:
    """The reference: every row through death_record_register one after another, each in a savepoint
    kept when it passes, all rolled back (what the import did before it was set-based)."""
    from core.models import Division

    townships = {}
    for d in Division.objects.filter(level=Division.Level.TOWNSHIP):
        townships[d.code] = townships[d.name] = d
    facilities = {f.name: f for f in Facility.objects.all()}
    forms, items = _choice_labels(Placement.Form.choices), _item_labels()
    out, seen = [], {}
    try:
        with transaction.atomic():
            for row in rows:
                data, errors = _row_input(row, townships, facilities, forms, items)
                data["funeral_home"] = default_funeral_home()
                number = data["id_number"]
                if number and number in seen:
                    out.append((row.number, "身份证号", f"与第 {seen[number]} 行的身份证号重复。"))
                    continue
                if number:
                    seen[number] = row.number
                out.extend((e.row, e.column, e.message) for e in errors)
                if errors:
                    continue
                try:
                    with transaction.atomic():
                        death_record_register(user=user, **data)
                except ValidationError as exc:
                    out.extend((row.number, h, m) for h, m in validation_messages(exc, _BY_KEY))
            raise _Rollback
    except _Rollback:
        pass
    return out


def set_based(rows, user) -> list[tuple[int, str, str]]:
    _prepared, errors = validate_ledger(rows, user=user, progress=lambda n: None)
    return [(e.row, e.column, e.message) for e in errors]


def test_every_row_is_told_exactly_what_the_form_says_registered_one_after_another(
    staff, poor, funeral_home, honglai, honglai_hall, shuitou_person
):
    recorded = PersonFactory(township=honglai, name="李美玲")
    death_record_register(
        user=staff, person=recorded, date_of_death=D(2024, 1, 2), funeral_home=funeral_home,
        certificate_no="NA2024010001",
    )  # fmt: skip
    eligible, living, old = (PersonFactory(township=honglai, name=n) for n in ("陈志明", "林秀英", "王伟强"))
    poor.add(eligible, D(2020, 1, 1))
    young = PersonFactory(township=honglai, name="黄建国", id_number=make_id_number(D(2024, 3, 10)))
    hall = {"form": "骨灰楼堂存放", "facility": "洪濑镇骨灰堂", "placed_on": "2024-03-06"}  # 3 niches
    rows = [
        ledger_row(2, name="陈志明", id_number=eligible.id_number, waiver="是", urn_price="260", **hall),
        ledger_row(3, name="林秀", id_number=living.id_number),  # not the registered name
        ledger_row(4, name="李美玲", id_number=recorded.id_number),  # already has a record
        ledger_row(5, name="王伟强", id_number=old.id_number, certificate_no="NA2024010001", **hall),  # taken
        ledger_row(6, name="新逝者", id_number=make_id_number(D(1940, 5, 5)), certificate_no="NA2024030007", **hall),
        ledger_row(7, name="再一位", id_number=make_id_number(D(1941, 5, 5)), certificate_no="NA2024030007"),
        ledger_row(8, name="第三位", id_number=make_id_number(D(1942, 5, 5)), **hall),
        ledger_row(9, name="第四位", id_number=make_id_number(D(1943, 5, 5)), **hall),  # the hall is full
        ledger_row(10, name="未减免", id_number=make_id_number(D(1944, 5, 5)), waiver="是"),  # a new person
        ledger_row(11, unknown_description="无名男性", waiver="是"),  # identity unknown
        ledger_row(12, name="黄建国", id_number=young.id_number),  # died before birth
        ledger_row(13, name="林建国", id_number=shuitou_person.id_number, township="水头镇", date_of_death="2099-01-01"),
        ledger_row(14, name="海葬者", id_number=make_id_number(D(1945, 5, 5)), form="海葬", facility="洪濑镇骨灰堂"),
    ]  # fmt: skip
    expected = one_by_one(rows, staff)
    assert set_based(rows, staff) == expected
    told = {r for r, _c, _m in expected}
    assert told == {3, 4, 5, 7, 9, 10, 11, 12, 13, 14}  # every rule above said something
    assert (9, "安葬（放）设施", "洪濑镇骨灰堂 已满，请选择其他设施。") in expected
    assert (7, "火化证明编号", "火化证明编号 NA2024030007 已登记。") in expected


def test_a_township_officer_is_told_what_the_form_tells_them(officer, funeral_home, honglai, shuitou_person):
    mine = PersonFactory(township=honglai, name="陈志明")
    rows = [
        ledger_row(2, name="陈志明", id_number=mine.id_number),
        ledger_row(3, name="林建国", id_number=shuitou_person.id_number, township="水头镇"),
        ledger_row(4, name="外乡人", id_number=make_id_number(D(1950, 1, 1)), township="水头镇"),
    ]
    expected = one_by_one(rows, officer)
    assert set_based(rows, officer) == expected
    assert {r for r, _c, _m in expected} == {3, 4}


def _good_rows(n: int, honglai, poor) -> list[Row]:
    rows = []
    for i in range(n):
        day = DAYS[i % len(DAYS)].isoformat()
        values = {"date_of_death": day, "certificate_no": f"QC{n:04d}{i:04d}"}
        if i % 5 == 4:  # not in the registry
            values.update(name="新逝者", id_number=make_id_number(D(1930, 1, 1) + datetime.timedelta(days=i)))
        else:
            person = PersonFactory(township=honglai, name="陈志明")
            values.update(name=person.name, id_number=person.id_number)
            if i % 5 == 1:
                poor.add(person, D(2020, 1, 1))
                values.update(waiver="是", urn_price="180")
        if i % 3 == 0:
            values.update(form="骨灰楼堂存放", facility="南安市公益性骨灰楼堂", placed_on="2024-03-08")
        elif i % 3 == 1:
            values.update(form="海葬", placed_on="2024-03-09")
        rows.append(ledger_row(i + 2, **values))
    rows.append(ledger_row(n + 2, unknown_description="无名女性", township="水头镇"))
    return rows


def _costs(rows, user) -> tuple[int, int]:
    user = type(user).objects.get(pk=user.pk)
    user.has_perm("funeral.add_waiver")  # the user's permissions read (core.backends caches them): not per row
    with CaptureQueriesContext(connection) as validate:
        prepared, errors = validate_ledger(rows, user=user, progress=lambda n: None)
    assert errors == []
    with CaptureQueriesContext(connection) as save, transaction.atomic():
        assert save_ledger(prepared, user=user) == len(rows)
    return len(validate), len(save)


def test_ten_rows_and_two_hundred_cost_the_same_queries_to_validate_and_to_save(
    staff, poor, funeral_home, county_hall, honglai
):
    county_hall.niche_capacity = 1000
    county_hall.save()
    small = _costs(_good_rows(10, honglai, poor), staff)
    large = _costs(_good_rows(200, honglai, poor), staff)
    assert small == large
    assert small[0] <= 15 and small[1] <= 35  # validation and save: a few queries per rule, never per row


def test_a_set_based_save_writes_what_the_service_writes(staff, poor, funeral_home, county_hall, honglai):
    rows = _good_rows(10, honglai, poor)
    prepared, errors = validate_ledger(rows, user=staff, progress=lambda n: None)
    assert errors == []
    used = county_hall.niches_used
    save_ledger(prepared, user=staff)
    assert DeathRecord.objects.count() == 11
    assert DeathRecord.objects.filter(identity_unknown=True).get().person_id is None
    new = Person.objects.filter(name="新逝者")
    assert new.count() == 2 and all(p.date_of_death for p in new)
    assert all(p.history.count() == 2 for p in new)  # created, then dead: as person_create and the death
    assert Person.objects.filter(death_record__isnull=False, date_of_death__isnull=True).count() == 0
    recorded = Person.objects.filter(death_record__isnull=False).exclude(name="新逝者")
    assert all(p.history.first().history_type == "~" and p.history.first().date_of_death for p in recorded)
    assert DeathRecord.history.count() == 11
    county_hall.refresh_from_db()
    assert county_hall.niches_used == used + 4  # rows 0, 3, 6, 9
    assert Placement.objects.filter(form="sea").count() == 3
    waivers = Waiver.objects.prefetch_related("lines")
    assert len(waivers) == 2
    for waiver in waivers:
        assert waiver.categories == ["test_poor"]
        assert waiver.total == sum(line.amount for line in waiver.lines.all())
        assert waiver.lines.get(item="urn").amount == 180  # under the cap: the price paid


def test_a_facility_filled_between_check_and_save_saves_nothing(staff, funeral_home, honglai_hall, honglai):
    person = PersonFactory(township=honglai, name="陈志明")
    rows = [ledger_row(2, name="陈志明", id_number=person.id_number, form="骨灰楼堂存放", facility="洪濑镇骨灰堂",
                       placed_on="2024-03-06")]  # fmt: skip
    prepared, errors = validate_ledger(rows, user=staff, progress=lambda n: None)
    assert errors == []
    Facility.objects.filter(pk=honglai_hall.pk).update(niches_used=honglai_hall.niche_capacity)
    with pytest.raises(ValidationError, match="已满"), transaction.atomic():
        save_ledger(prepared, user=staff)
    assert not DeathRecord.objects.exists()
    person.refresh_from_db()
    assert person.date_of_death is None
