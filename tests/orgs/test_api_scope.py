"""The orgs API's contract and who sees what: a township officer sees and edits only their
township's organisations (another's answers 404), leaders and API clients only read, names of
people are masked for them, and every response matches the schema."""

import datetime
from decimal import Decimal

import pytest

from core.models import Division
from orgs.models import CommunityFacility, SocialWorker
from tests.api_schema import check
from tests.factories import HONGLAI, SHUITOU, PersonFactory
from tests.orgs.conftest import api

D = datetime.date
BASE = "/api/v1/orgs/"


def test_the_organisation_list_has_the_contract_fields_and_filters(staff, honglai_org, shuitou_org, schema):
    client = api(staff)
    body = client.get(f"{BASE}organisations/").json()
    check(schema, f"{BASE}organisations/", "get", "200", body)
    row = body["results"][0]
    assert {"id", "name", "credit_code", "type", "registered_on", "deregistered_on", "revoked_on", "township",
            "status", "grade"} <= set(row)  # fmt: skip
    assert [r["name"] for r in client.get(f"{BASE}organisations/?township={SHUITOU}").json()["results"]] == [
        shuitou_org.name
    ]
    assert client.get(f"{BASE}organisations/?status=deregistered").json()["count"] == 0
    assert client.get(f"{BASE}organisations/?type=association").json()["count"] == 2


def test_a_township_officer_sees_and_edits_only_their_township(officer, honglai_org, shuitou_org):
    client = api(officer)
    assert [r["id"] for r in client.get(f"{BASE}organisations/").json()["results"]] == [honglai_org.pk]
    assert client.get(f"{BASE}organisations/{shuitou_org.pk}/").status_code == 404
    assert client.patch(f"{BASE}organisations/{shuitou_org.pk}/", {"address": "x"}, format="json").status_code == 404
    ok = client.patch(f"{BASE}organisations/{honglai_org.pk}/", {"address": "洪濑镇新址"}, format="json")
    assert ok.status_code == 200
    moved = client.patch(f"{BASE}organisations/{honglai_org.pk}/", {"township": SHUITOU}, format="json")
    assert moved.status_code == 400 and "township" in moved.json()
    honglai_org.refresh_from_db()
    assert honglai_org.township_id == HONGLAI


def test_an_officer_cannot_register_or_grade_another_townships_organisation(officer, shuitou_org):
    client = api(officer)
    assert client.post(f"{BASE}organisations/", {}, format="json").status_code == 403
    refused = client.post(f"{BASE}annual-reports/", {"organisation": shuitou_org.pk, "year": 2023,
                                                       "submitted_on": "2024-03-01"}, format="json")  # fmt: skip
    assert refused.status_code == 400 and "organisation" in refused.json()  # unknown to them, like a missing id
    assert not shuitou_org.annual_reports.exists()


@pytest.mark.parametrize("role", ["leader", "api_client_user"])
def test_readers_never_write_and_see_people_masked(request, role, honglai_org, schema):
    honglai_org.legal_representative = "林志明"
    honglai_org.save()
    person = PersonFactory(name="陈秀英")
    SocialWorker.objects.create(person=person, level="assistant", certificate_no="C1", certified_year=2020,
                                township_id=HONGLAI)  # fmt: skip
    client = api(request.getfixturevalue(role))
    org = client.get(f"{BASE}organisations/{honglai_org.pk}/").json()
    assert org["legal_representative"] != "林志明" and org["legal_representative"].startswith("林")
    workers = client.get(f"{BASE}social-workers/").json()
    check(schema, f"{BASE}social-workers/", "get", "200", workers)
    assert workers["results"][0]["name"] != "陈秀英"
    assert person.id_number not in str(workers)
    assert client.patch(f"{BASE}organisations/{honglai_org.pk}/", {"address": "x"}, format="json").status_code == 403
    assert client.post(f"{BASE}grades/", {}, format="json").status_code == 403


def test_every_orgs_list_matches_its_schema(staff, honglai_org, schema):
    village = Division.objects.filter(level="village", parent_id=HONGLAI).first() or Division.objects.create(
        code=f"{HONGLAI}201", name="测试村", level="village", kind="village", parent_id=HONGLAI
    )
    CommunityFacility.objects.create(village=village, township_id=HONGLAI, name="综合服务中心", floor_area_m2=500,
                                     in_use_from=D(2019, 1, 1))  # fmt: skip
    client = api(staff)
    for name in ("organisations", "grades", "annual-reports", "supervisions", "abnormal-list", "dishonest-list",
                 "social-workers", "stations", "facilities", "volunteer-records"):  # fmt: skip
        response = client.get(f"{BASE}{name}/")
        assert response.status_code == 200, name
        check(schema, f"{BASE}{name}/", "get", "200", response.json())


def test_another_townships_facility_names_cannot_be_tested(staff, officer):
    """A 洪濑镇 officer who sends a 水头镇 village (orgs) or township (eldercare) gets the same answer
    whether or not 水头镇 has a facility of that name: its names are not checked against, nor told."""
    village = Division.objects.filter(level="village", parent_id=SHUITOU).first() or Division.objects.create(
        code=f"{SHUITOU}202", name="测试社区", level="village", kind="community", parent_id=SHUITOU
    )
    facility = {"village": village.code, "floor_area_m2": "100", "in_use_from": "2020-05-01"}
    assert api(staff).post(f"{BASE}facilities/", {**facility, "name": "水头党群中心"}, format="json").status_code == 201
    elder = {"township": SHUITOU, "kind": "centre", "opened_on": "2018-01-01", "status": "operating"}
    made = api(staff).post("/api/v1/eldercare/facilities/", {**elder, "name": "水头照料中心"}, format="json")
    assert made.status_code == 201, made.json()
    client = api(officer)
    for url, body, name in ((f"{BASE}facilities/", facility, "水头党群中心"),
                            ("/api/v1/eldercare/facilities/", elder, "水头照料中心")):  # fmt: skip
        taken = client.post(url, {**body, "name": name}, format="json")
        free = client.post(url, {**body, "name": "无此设施"}, format="json")
        assert taken.status_code == free.status_code == 400
        assert taken.json() == free.json(), (taken.json(), free.json())
        assert "name" not in taken.json()


def test_a_facility_and_a_volunteer_record_through_the_api(staff, schema):
    village = Division.objects.filter(level="village", parent_id=HONGLAI).first() or Division.objects.create(
        code=f"{HONGLAI}202", name="测试社区", level="village", kind="community", parent_id=HONGLAI
    )
    client = api(staff)
    made = client.post(f"{BASE}facilities/", {"village": village.code, "name": "党群服务中心", "floor_area_m2": "820.5",
                                              "in_use_from": "2020-05-01", "volunteer_station_since": "2020-04-01"},
                       format="json")  # fmt: skip
    assert made.status_code == 400 and "volunteer_station_since" in made.json()
    made = client.post(f"{BASE}facilities/", {"village": village.code, "name": "党群服务中心", "floor_area_m2": "820.5",
                                              "in_use_from": "2020-05-01", "volunteer_station_since": "2021-04-01"},
                       format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    assert made.json()["township"] == HONGLAI
    check(schema, f"{BASE}facilities/", "post", "201", made.json())
    person = PersonFactory(birth_date=D(1990, 1, 1))
    record = {"volunteer": person.pk, "township": HONGLAI, "activity": "敬老院陪护", "served_on": "2024-03-02",
              "hours": "20", "organiser": "洪濑镇志愿者协会", "facility": made.json()["id"]}  # fmt: skip
    assert client.post(f"{BASE}volunteer-records/", record, format="json").status_code == 201
    again = client.post(f"{BASE}volunteer-records/", record, format="json")
    assert again.status_code == 400 and "24 小时" in " ".join(again.json()["hours"])


def test_a_volunteers_hours_elsewhere_count_toward_the_day_but_are_not_told(staff, officer):
    """A volunteer who served 20 hours in 水头镇 on a day, and has since moved to 洪濑镇: a 洪濑镇
    officer cannot record 8 more hours that day, and is not told how many 水头镇 recorded; staff,
    who see every township's records, are."""
    from core.services.people import person_update

    person = PersonFactory(township=Division.objects.get(code=SHUITOU), birth_date=D(1990, 1, 1))
    day = {"activity": "敬老院陪护", "served_on": "2024-03-02", "organiser": "志愿者协会"}
    made = api(staff).post(f"{BASE}volunteer-records/", {"volunteer": person.pk, "township": SHUITOU, "hours": "20",
                                                         **day}, format="json")  # fmt: skip
    assert made.status_code == 201, made.json()
    person_update(user=staff, person=person, township=Division.objects.get(code=HONGLAI))
    more = {"volunteer": person.pk, "township": HONGLAI, "hours": "8", **day}
    refused = api(officer).post(f"{BASE}volunteer-records/", more, format="json")
    assert refused.status_code == 400
    assert refused.json()["hours"] == ["此人 2024-03-02 的服务时长合计不能超过 24 小时（含其他乡镇（街道）的记录）。"]
    told = api(staff).post(f"{BASE}volunteer-records/", more, format="json")
    assert told.status_code == 400 and "已记录 20" in told.json()["hours"][0]


def test_an_officer_filters_their_records_by_a_volunteer_from_another_township(staff, officer):
    """A 水头镇 resident who served in 洪濑镇: the 洪濑镇 officer sees the record, and may filter the
    list by that volunteer, though the person is not theirs; a 水头镇 person who never served there
    answers as an unknown id does."""
    shuitou = Division.objects.get(code=SHUITOU)
    served, stranger = PersonFactory(township=shuitou, birth_date=D(1990, 1, 1)), PersonFactory(township=shuitou)
    record = {"volunteer": served.pk, "township": HONGLAI, "activity": "敬老院陪护", "served_on": "2024-03-02",
              "organiser": "志愿者协会", "hours": "3"}  # fmt: skip
    assert api(staff).post(f"{BASE}volunteer-records/", record, format="json").status_code == 201
    client = api(officer)
    listed = client.get(f"{BASE}volunteer-records/", {"volunteer": served.pk})
    assert listed.status_code == 200 and [r["volunteer"] for r in listed.json()["results"]] == [served.pk]
    unknown = client.get(f"{BASE}volunteer-records/", {"volunteer": stranger.pk + 1000})
    theirs = client.get(f"{BASE}volunteer-records/", {"volunteer": stranger.pk})
    assert theirs.status_code == unknown.status_code == 400 and theirs.json() == unknown.json()


def test_the_legal_representatives_name_in_api_notes_and_reasons_is_masked_for_the_leader(
    make_org, staff, leader, schema
):
    from orgs.services.organisations import organisation_change_status
    from orgs.services.supervision import supervision_record

    org = make_org("南安市洪濑镇书法协会", legal_representative="陈建国")
    supervision_record(user=staff, organisation=org, kind="interview", done_on=D(2024, 4, 1), result="rectify",
                       note="约谈法定代表人陈建国")  # fmt: skip
    organisation_change_status(user=staff, organisation=org, status="deregistered", changed_on=D(2024, 9, 1),
                               reason="陈建国申请注销")  # fmt: skip
    client = api(leader)
    for url in (f"{BASE}organisations/", f"{BASE}organisations/{org.pk}/", f"{BASE}supervisions/"):
        body = client.get(url).json()
        assert "陈建国" not in str(body) and "陈*国" in str(body), url
    assert "陈建国申请注销" in str(api(staff).get(f"{BASE}organisations/{org.pk}/").json())
    assert "约谈法定代表人陈建国" in str(api(staff).get(f"{BASE}supervisions/").json())


@pytest.mark.django_db(transaction=True)
def test_two_volunteer_records_at_once_cannot_pass_the_days_24_hours(staff):
    """Found by review: the day's hours were summed, then the record saved, with nothing locked, so
    two records at once each saw the other's hours missing. Here the first record's transaction is
    held open while a second arrives: the second must wait for it and be refused."""
    import threading
    import time

    from django.core.exceptions import ValidationError
    from django.db import connection, transaction

    from orgs.models import VolunteerRecord
    from orgs.services.facilities import volunteer_record_create

    person = PersonFactory(township=Division.objects.get(code=HONGLAI), birth_date=D(1990, 1, 1))
    township = Division.objects.get(code=HONGLAI)
    day = {"activity": "敬老院陪护", "organiser": "志愿者协会", "served_on": D(2024, 3, 2), "township": township}
    outcome = []

    def second():
        try:
            volunteer_record_create(user=staff, volunteer=person, hours=Decimal(10), **day)
            outcome.append("saved")
        except ValidationError as exc:
            outcome.append(exc.message_dict)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    with transaction.atomic():
        volunteer_record_create(user=staff, volunteer=person, hours=Decimal(20), **day)
        thread.start()
        time.sleep(1.5)  # the second request reads the day while the first is not yet committed
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], dict) and "hours" in outcome[0], outcome
    assert [r.hours for r in VolunteerRecord.objects.filter(volunteer=person)] == [Decimal(20)]
