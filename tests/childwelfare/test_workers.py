"""Child directors (one per village) and supervisors (one per township): the rules, and the page
that names the villages and townships still missing one."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from childwelfare.models import ChildWorker
from childwelfare.services.workers import worker_save
from core.models import Division

D = datetime.date


def refused(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


@pytest.fixture
def honglai_villages(db):
    township = Division.objects.get(code="350583113")
    made = []
    for n in (1, 2):
        code = f"350583113{200 + n:03d}"
        made.append(
            Division.objects.get_or_create(
                code=code, defaults={"name": f"测试村{n}", "level": "village", "kind": "village", "parent": township}
            )[0]
        )
    return township, made


def test_one_director_in_office_per_village_and_one_supervisor_per_township(officer, honglai_villages):
    township, (v1, _v2) = honglai_villages
    worker_save(user=officer, kind="director", name="陈秀英", township=township, village=v1, since=D(2021, 1, 1))
    errors = refused(
        lambda: worker_save(
            user=officer, kind="director", name="林美玲", township=township, village=v1, since=D(2022, 1, 1)
        )
    )
    assert "village" in errors
    worker_save(user=officer, kind="supervisor", name="黄丽华", township=township, since=D(2021, 1, 1))
    assert "township" in refused(
        lambda: worker_save(user=officer, kind="supervisor", name="吴淑芬", township=township, since=D(2022, 1, 1))
    )


def test_a_director_needs_a_village_of_the_township_and_a_supervisor_none(officer, honglai_villages):
    township, (v1, _v2) = honglai_villages
    assert "village" in refused(
        lambda: worker_save(user=officer, kind="director", name="陈秀英", township=township, since=D(2021, 1, 1))
    )
    assert "village" in refused(
        lambda: worker_save(
            user=officer, kind="supervisor", name="陈秀英", township=township, village=v1, since=D(2021, 1, 1)
        )
    )
    shuitou = Division.objects.get(code="350583119")
    assert "township" in refused(
        lambda: worker_save(user=officer, kind="supervisor", name="陈秀英", township=shuitou, since=D(2021, 1, 1))
    )


def test_the_coverage_page_names_the_villages_without_a_director(officer, client_for, honglai_villages):
    township, (v1, v2) = honglai_villages
    worker_save(user=officer, kind="director", name="陈秀英", township=township, village=v1, since=D(2021, 1, 1),
                last_trained_on=D(2024, 5, 1))  # fmt: skip
    response = client_for(officer).get("/childwelfare/workers/", {"township": township.code})
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["township"] == township and row["directors"] == 1 and row["trained"] == 1 and row["supervisor"] is None
    assert v2 in list(response.context["missing"]) and v1 not in list(response.context["missing"])
    assert ChildWorker.objects.count() == 1


def test_the_workers_api_reads_and_writes_through_the_service(officer, shuitou_officer, honglai_villages, schema):
    from tests.api_schema import check
    from tests.childwelfare.conftest import api

    township, (v1, _v2) = honglai_villages
    body = {"kind": "director", "name": "陈秀英", "township": township.code, "village": v1.code, "since": "2021-01-01"}
    response = api(officer).post("/api/v1/childwelfare/workers/", body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, "/api/v1/childwelfare/workers/", "post", "201", response.json())
    again = api(officer).post("/api/v1/childwelfare/workers/", {**body, "name": "林美玲"}, format="json")
    assert again.status_code == 400 and "village" in again.json()
    listing = api(officer).get("/api/v1/childwelfare/workers/").json()
    check(schema, "/api/v1/childwelfare/workers/", "get", "200", listing)
    assert listing["count"] == 1
    assert api(shuitou_officer).get(f"/api/v1/childwelfare/workers/{response.json()['id']}/").status_code == 404


def test_the_workers_api_masks_a_directors_phone_for_a_reader_who_sees_masked_phones(officer, leader, honglai_villages):
    """Found by review: stations' phones were masked, child directors' (their own mobiles) were not."""
    from tests.childwelfare.conftest import api

    township, (v1, _v2) = honglai_villages
    worker = worker_save(
        user=officer, kind="director", name="陈秀英", phone="13905951234", township=township, village=v1,
        since=D(2021, 1, 1),
    )  # fmt: skip
    masked = api(leader).get(f"/api/v1/childwelfare/workers/{worker.pk}/").json()
    assert masked["phone"] != "13905951234" and "*" in masked["phone"]
    listing = api(leader).get("/api/v1/childwelfare/workers/").json()
    assert "13905951234" not in str(listing)
    assert api(officer).get(f"/api/v1/childwelfare/workers/{worker.pk}/").json()["phone"] == "13905951234"
