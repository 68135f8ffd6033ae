"""适老化改造: who may apply, the steps in order (application → survey → works → acceptance, or a
refusal), dates in order and never in the future, the cost as Decimal with the devices, counts per
year of acceptance; every door names the field; another township's record answers 404."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from eldercare.models import HomeAdaptation
from eldercare.services.adaptations import adaptation_advance, adaptation_apply, adaptation_counts
from tests.api_schema import check
from tests.eldercare.conftest import TODAY, assess, older

D = datetime.date
BASE = "/api/v1/eldercare/adaptations/"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def done(user, person, *, applied, cost="3500.50", devices=("grab_bar", "anti_slip")):
    a = adaptation_apply(user=user, person=person, applied_on=applied)
    a = adaptation_advance(user=user, adaptation=a, action="survey", on=applied + datetime.timedelta(days=5),
                           findings="卫生间无扶手，地面湿滑")  # fmt: skip
    a = adaptation_advance(user=user, adaptation=a, action="complete_works", on=applied + datetime.timedelta(days=20),
                           cost=cost, devices=list(devices))  # fmt: skip
    return adaptation_advance(user=user, adaptation=a, action="accept", on=applied + datetime.timedelta(days=25))


def test_an_adaptation_goes_through_every_step_and_is_counted_in_its_acceptance_year(officer, honglai):
    person = older(honglai, 85)
    a = done(officer, person, applied=D(2024, 12, 1))
    assert (a.state, a.cost, a.devices, a.accepted_on) == ("accepted", Decimal("3500.50"), ["anti_slip", "grab_bar"],
                                                            D(2024, 12, 26))  # fmt: skip
    done(officer, older(honglai, 86, "林阿公"), applied=D(2024, 3, 1), cost="1000")
    counts = adaptation_counts(HomeAdaptation.objects.all())
    assert counts == [{"year": 2024, "households": 2, "cost": Decimal("4500.50")}]


def test_steps_out_of_order_or_dates_before_the_last_are_refused(officer, honglai):
    a = adaptation_apply(user=officer, person=older(honglai, 85), applied_on=ago(30))
    with pytest.raises(ValidationError) as err:
        adaptation_advance(user=officer, adaptation=a, action="accept", on=ago(1))
    assert "已申请" in err.value.message_dict["action"][0]
    with pytest.raises(ValidationError) as err:
        adaptation_advance(user=officer, adaptation=a, action="survey", on=ago(31), findings="x")
    assert "on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        adaptation_advance(user=officer, adaptation=a, action="survey", on=TODAY + datetime.timedelta(days=1))
    assert {"on", "findings"} <= set(err.value.message_dict)
    a = adaptation_advance(user=officer, adaptation=a, action="survey", on=ago(20), findings="需加装扶手")
    with pytest.raises(ValidationError) as err:
        adaptation_advance(user=officer, adaptation=a, action="complete_works", on=ago(5), cost="100001",
                           devices=["jetpack"])  # fmt: skip
    assert {"cost", "devices"} <= set(err.value.message_dict)
    refused = adaptation_advance(user=officer, adaptation=a, action="refuse", on=ago(4), reason="房屋产权不清")
    assert refused.state == "refused" and refused.refusal_reason == "房屋产权不清"


def test_who_may_apply(officer, honglai):
    with pytest.raises(ValidationError) as err:
        adaptation_apply(user=officer, person=older(honglai, 70, on=TODAY), applied_on=TODAY)
    assert "不符合适老化改造条件" in err.value.message_dict["person"][0]
    assessed = older(honglai, 70, "黄阿婆", on=TODAY)
    assess(officer, assessed, self_care=0)  # moderate loss of ability
    assert adaptation_apply(user=officer, person=assessed, applied_on=TODAY).state == "applied"
    with pytest.raises(ValidationError) as err:
        adaptation_apply(user=officer, person=assessed, applied_on=TODAY)
    assert "办理中" in err.value.message_dict["person"][0]


def test_the_api_applies_steps_counts_by_the_schema_and_hides_other_townships(schema, officer, staff, honglai,
                                                                              shuitou):  # fmt: skip
    person = older(honglai, 85)
    created = api(officer).post(BASE, {"person": person.pk, "applied_on": f"{ago(30)}"}, format="json")
    assert created.status_code == 201, created.json()
    check(schema, BASE, "post", "201", created.json())
    url = f"{BASE}{created.json()['id']}/step/"
    for body in ({"action": "survey", "on": f"{ago(25)}", "findings": "需改造"},
                 {"action": "complete_works", "on": f"{ago(10)}", "cost": "2800.00", "devices": ["ramp"]},
                 {"action": "accept", "on": f"{ago(5)}"}):  # fmt: skip
        response = api(officer).post(url, body, format="json")
        assert response.status_code == 200, response.json()
    check(schema, f"{BASE}{{id}}/step/", "post", "200", response.json())
    assert (response.json()["state"], response.json()["cost"], response.json()["devices"]) == ("accepted", "2800.00",
                                                                                                ["ramp"])  # fmt: skip
    again = api(officer).post(url, {"action": "accept", "on": f"{TODAY}"}, format="json")
    assert again.status_code == 400 and "action" in again.json()
    counts = api(officer).get(f"{BASE}counts/").json()
    check(schema, f"{BASE}counts/", "get", "200", counts)
    assert counts == [{"year": ago(5).year, "households": 1, "cost": "2800.00"}]
    check(schema, BASE, "get", "200", api(officer).get(BASE).json())
    other = adaptation_apply(user=staff, person=older(shuitou, 90), applied_on=ago(3))
    assert api(officer).get(f"{BASE}{other.pk}/").status_code == 404
    assert api(officer).post(f"{BASE}{other.pk}/step/", {"action": "refuse", "on": f"{TODAY}", "reason": "x"},
                             format="json").status_code == 404  # fmt: skip


def test_the_pages_apply_show_steps_and_count(client_for, officer, honglai):
    person = older(honglai, 85, "陈阿婆")
    client = client_for(officer)
    assert (
        client.post(f"/eldercare/people/{person.pk}/adaptations/", {"adapt-applied_on": f"{ago(10)}"}).status_code
        == 302
    )
    a = HomeAdaptation.objects.get(person=person)
    client.post(f"/eldercare/adaptations/{a.pk}/step/", {"action": "survey", "on": f"{ago(8)}", "findings": "加扶手"})
    client.post(f"/eldercare/adaptations/{a.pk}/step/", {"action": "complete_works", "on": f"{ago(4)}", "cost": "1200",
                                                         "devices": ["grab_bar", "alarm"]})  # fmt: skip
    client.post(f"/eldercare/adaptations/{a.pk}/step/", {"action": "accept", "on": f"{ago(2)}"})
    a.refresh_from_db()
    assert (a.state, a.cost) == ("accepted", Decimal("1200.00"))
    page = client.get(f"/eldercare/people/{person.pk}/").content.decode()
    assert "安全扶手" in page and "已验收" in page
    listing = client.get("/eldercare/adaptations/").content.decode()
    assert "1,200.00" in listing or "1200.00" in listing
    export = client.get("/eldercare/adaptations/export/")
    assert export.status_code == 200
