import pytest

from indicators.models import BaseStatistic


def test_2020_census_figures_are_loaded(db):
    stat = BaseStatistic.objects.get(year=2020, township=None)
    assert (stat.resident_population, stat.population_60_plus) == (1517514, 216397)


def test_staff_posts_a_year_twice_and_the_row_is_updated_not_duplicated(staff, client_for):
    client = client_for(staff)
    url = "/api/v1/indicators/base-statistics/"
    first = client.post(
        url,
        {"year": 2024, "resident_population": 1520000, "population_60_plus": 230000},
        content_type="application/json",
    )
    assert first.status_code == 201, first.json()
    again = client.post(url, {"year": 2024, "households": 480000}, content_type="application/json")
    assert again.status_code == 201
    stat = BaseStatistic.objects.get(year=2024, township=None)
    assert (stat.resident_population, stat.households, stat.updated_by) == (1520000, 480000, staff)
    township = client.post(
        url, {"year": 2024, "township": "350583113", "resident_population": 80000}, content_type="application/json"
    )
    assert township.status_code == 201 and BaseStatistic.objects.filter(year=2024).count() == 2


def test_more_older_people_than_residents_is_refused(staff, client_for):
    response = client_for(staff).post(
        "/api/v1/indicators/base-statistics/",
        {"year": 2023, "resident_population": 100, "population_60_plus": 200},
        content_type="application/json",
    )
    assert response.status_code == 400 and "population_60_plus" in response.json()
    assert not BaseStatistic.objects.filter(year=2023).exists()


def test_a_population_below_the_older_figure_already_on_file_is_a_field_error(staff, client_for):
    """Found by the schema fuzzer: only the population sent, below the 60+ figure stored for the
    year, reached the database constraint (500)."""
    client = client_for(staff)
    url = "/api/v1/indicators/base-statistics/"
    client.post(
        url, {"year": 2022, "resident_population": 1000, "population_60_plus": 300}, content_type="application/json"
    )
    response = client.post(url, {"year": 2022, "resident_population": 200}, content_type="application/json")
    assert response.status_code == 400 and "population_60_plus" in response.json()
    assert BaseStatistic.objects.get(year=2022, township=None).resident_population == 1000


def test_leader_reads_but_cannot_write(leader, client_for):
    client = client_for(leader)
    assert client.get("/api/v1/indicators/base-statistics/", {"year": 2020}).json()["count"] == 1
    assert (
        client.post("/api/v1/indicators/base-statistics/", {"year": 2024}, content_type="application/json").status_code
        == 403
    )


def test_base_statistics_import_is_all_or_nothing(staff, client_for):
    from django.urls import reverse

    from core.models import ImportJob
    from tests.core.test_import import xlsx

    headers = ["年份", "乡镇（街道）", "常住人口", "60岁及以上人口", "户数", "数据来源"]
    client = client_for(staff)
    url = reverse("core:import_upload", args=["base-statistics"])
    client.post(
        url,
        {
            "file": xlsx(
                [[2024, "", 1520000, 230000, 480000, "年鉴"], [2024, "洪濑镇", 100, 200, "", "x"]], headers=headers
            )
        },
    )
    job = ImportJob.objects.get()
    assert job.state == "rejected" and [(e["row"], e["column"]) for e in job.errors] == [(3, "60岁及以上人口")]
    assert not BaseStatistic.objects.filter(year=2024).exists()
    client.post(
        url,
        {
            "file": xlsx(
                [[2024, "", 1520000, 230000, 480000, "年鉴"], [2024, "洪濑镇", 90000, 12000, "", "x"]], headers=headers
            )
        },
    )
    assert BaseStatistic.objects.filter(year=2024).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_2020_census_figures_come_back_after_a_flush():
    """Reference data from the plan, like the divisions and the indicators: a flush (every
    transactional test's teardown) emptied it, and a test after one found no 2020 row."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    stat = BaseStatistic.objects.get(year=2020, township=None)
    assert (stat.resident_population, stat.population_60_plus) == (1517514, 216397)
