"""What every response says about itself: signed-in pages and API answers are never stored by a
browser or proxy, and every /api/ error is JSON."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/core/people/",
        "/core/households/",
        "/api/v1/people/",
        "/api/v1/households/",
        "/api/v1/divisions/",
        "/funeral/records/",
        "/api/v1/funeral/records/",
        "/assistance/cases/",
        "/api/schema/",
    ],
)
def test_signed_in_responses_are_never_stored(staff, client_for, path):
    response = client_for(staff).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_person_page_and_token_authenticated_api_are_never_stored(staff, client_for, honglai_household):
    person = honglai_household.head
    assert "no-store" in client_for(staff).get(f"/core/people/{person.pk}/")["Cache-Control"]
    token = Client().post(
        "/api/v1/auth/token/", {"username": staff.username, "password": PASSWORD}, content_type="application/json"
    )
    # The answer that carries the token is itself a credential.
    assert token.status_code == 200 and "no-store" in token["Cache-Control"]
    listed = Client().get(f"/api/v1/people/{person.pk}/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert listed.status_code == 200 and "no-store" in listed["Cache-Control"]


def test_a_30_mb_json_body_is_refused_with_a_json_answer(officer, client_for):
    body = '{"name": "' + "x" * (30 * 1024 * 1024) + '"}'
    for client, path in ((client_for(officer), "/api/v1/people/"), (Client(), "/api/v1/auth/token/")):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 413, path
        assert response["Content-Type"].startswith("application/json")
        assert "MB" in response.json()["detail"]
        assert "no-store" in response["Cache-Control"]


def test_malformed_json_and_unknown_api_paths_answer_json(officer, client_for):
    client = client_for(officer)
    bad = client.post("/api/v1/people/", "{bad", content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/json")
    assert "detail" in bad.json()
    missing = client.get("/api/v1/no-such-resource/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")
    assert missing.json()["detail"]
    # Pages keep their HTML error pages.
    page = client.get("/core/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_absent_object_answers_one_chinese_404_that_names_no_model(staff, client_for):
    response = client_for(staff).get("/api/v1/people/99999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_field_errors_reach_a_browser_asking_for_html_instead_of_a_generic_message(officer, client_for):
    response = client_for(officer).post("/api/v1/people/", {"name": "=1+1"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert "汉字" in response.content.decode()  # the name rule, not "请求格式不正确"


@pytest.mark.parametrize(
    "path",
    [
        # Lists that filtered on a raw parameter answered 500 ("A string literal cannot contain NUL").
        "/orgs/volunteers/?q=%00",
        "/orgs/volunteers/export/?q=%00",
        "/orgs/reports/?township=%00",
        "/childwelfare/recognitions/?q=%00",
        "/childwelfare/workers/?township=a%00b",
        "/api/v1/eldercare/visit-targets/due/?township=%00",
        # and in a key, or beside good parameters
        "/core/people/?page=1&%00=1",
    ],
)
def test_a_nul_character_in_the_query_string_is_a_400_not_a_500(staff, client_for, path):
    response = client_for(staff).get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_request"
    else:
        assert "请求无法处理" in response.content.decode()


def test_a_percent_sign_that_is_not_a_nul_character_still_searches(staff, client_for):
    # "%2500" is the text "%00", not a NUL character
    assert client_for(staff).get("/core/people/?q=%2500").status_code == 200
