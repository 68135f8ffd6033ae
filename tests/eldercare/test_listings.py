"""Red and black lists of care institutions: the bureau lists one (one list at a time, reason and
dates checked), the entry shows on the institution page and through the API, a removal keeps the
history; another township's institution answers 404."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from eldercare.models import InstitutionListing
from eldercare.services.institutions import listing_add, listing_remove
from tests.api_schema import check
from tests.eldercare.conftest import TODAY

D = datetime.date
BASE = "/api/v1/eldercare/institution-listings/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_black_listing_shows_on_the_institution_page_until_removed(client_for, staff, make_institution):
    home = make_institution()
    listing_add(user=staff, institution=home, kind="black", reason="消防安全隐患拒不整改", listed_on=D(2024, 5, 1))
    page = client_for(staff).get(f"/eldercare/institutions/{home.pk}/").content.decode()
    assert 'data-testid="listing-badge">黑名单' in page and "消防安全隐患拒不整改" in page
    listing_remove(user=staff, listing=home.listings.get(), removed_on=D(2025, 5, 1), reason="整改到位")
    page = client_for(staff).get(f"/eldercare/institutions/{home.pk}/").content.decode()
    assert 'data-testid="listing-badge"' not in page and "整改到位" in page


def test_one_list_at_a_time_and_dates_and_reasons_are_checked(staff, officer, make_institution):
    home = make_institution(opened_on=D(2015, 1, 1))
    listing_add(user=staff, institution=home, kind="red", reason="服务质量优良", listed_on=D(2023, 1, 1))
    for data, field in [
        ({"kind": "black", "reason": "违规收费", "listed_on": D(2024, 1, 1)}, "kind"),  # still on the red list
        ({"kind": "black", "reason": "", "listed_on": D(2024, 1, 1)}, "reason"),
        ({"kind": "black", "reason": "违规收费", "listed_on": TODAY + datetime.timedelta(days=1)}, "listed_on"),
        ({"kind": "grey", "reason": "违规收费", "listed_on": D(2024, 1, 1)}, "kind"),
    ]:
        with pytest.raises(ValidationError) as err:
            listing_add(user=staff, institution=home, **data)
        assert field in err.value.message_dict, data
    with pytest.raises(ValidationError) as err:
        listing_add(user=officer, institution=make_institution(), kind="red", reason="好", listed_on=D(2024, 1, 1))
    assert "kind" in err.value.message_dict  # the bureau decides
    with pytest.raises(ValidationError) as err:
        listing_remove(user=staff, listing=home.listings.get(), removed_on=D(2022, 1, 1), reason="到期")
    assert "removed_on" in err.value.message_dict
    assert InstitutionListing.objects.count() == 1


def test_the_api_lists_and_removes_by_the_schema_and_hides_other_townships(
    schema, staff, officer, make_institution, shuitou, client_for
):
    home = make_institution()
    created = api(staff).post(BASE, {"institution": home.pk, "kind": "black", "reason": "违规收费",
                                     "listed_on": "2024-05-01"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    check(schema, BASE, "post", "201", created.json())
    listed = api(officer).get(BASE, {"removed_on__isnull": "true"}).json()
    check(schema, BASE, "get", "200", listed)
    assert [r["institution"] for r in listed["results"]] == [home.pk]
    assert api(officer).post(f"{BASE}{created.json()['id']}/remove/", {"removed_on": "2025-01-01", "reason": "x"}
                             ).status_code == 403  # fmt: skip
    removed = api(staff).post(f"{BASE}{created.json()['id']}/remove/", {"removed_on": "2025-01-01", "reason": "整改"})
    assert removed.status_code == 200
    check(schema, f"{BASE}{{id}}/remove/", "post", "200", removed.json())
    other = make_institution(township=shuitou)
    listing = listing_add(user=staff, institution=other, kind="red", reason="优", listed_on=D(2024, 1, 1))
    assert api(officer).get(f"{BASE}{listing.pk}/").status_code == 404
    assert client_for(officer).get(f"/eldercare/institutions/{other.pk}/").status_code == 404
