"""Targets match the plan exactly: every stored number equals the project's verbatim copy of
Table 2 (indicators/data/table2_indicators.csv)."""

from decimal import Decimal

from indicators.models import Indicator, KeyProject, PreviousPlanResult, Target
from indicators.plan_data import YEARS, table1, table2, table3


def test_every_table2_number_is_stored_exactly(db):
    rows = table2()
    assert len(rows) == 13 and Indicator.objects.count() == 13
    for row in rows:
        indicator = Indicator.objects.get(no=int(row["no"]))
        assert (indicator.name_zh, indicator.unit, indicator.attribute, indicator.owner_app) == (
            row["name_zh"],
            row["unit"],
            row["attribute"],
            row["owner_app"],
        )
        assert indicator.baseline_2020 == (Decimal(row["baseline_2020"]) if row["baseline_2020"] else None)
        for year in YEARS:
            stored = Target.objects.get(indicator=indicator, year=int(year)).value
            expected = Decimal(row[f"target_{year}"]) if row[f"target_{year}"] else None
            assert stored == expected, (row["no"], year)


def test_known_figures_from_the_plan(db):
    assert Indicator.objects.get(no=2).attribute == "binding"
    assert Target.objects.get(indicator_id=2, year=2025).value == Decimal("60")
    assert Target.objects.get(indicator_id=10, year=2025).value == Decimal("808")
    assert Indicator.objects.get(no=6).baseline_2020 is None
    assert list(Target.objects.filter(indicator_id=13).values_list("year", "value")) == [
        (2021, None), (2022, None), (2023, None), (2024, None), (2025, Decimal("100")),
    ]  # fmt: skip
    assert sorted(Indicator.objects.filter(attribute="binding").values_list("no", flat=True)) == [2, 8, 9]


def test_table1_keeps_the_plans_own_inconsistencies_as_notes(db):
    assert PreviousPlanResult.objects.count() == len(table1())
    assert PreviousPlanResult.objects.get(no="10").actual_2020 == "89"
    assert "98" in PreviousPlanResult.objects.get(no="10").note
    assert "181" in PreviousPlanResult.objects.get(no="11").note
    assert KeyProject.objects.count() == len(table3()) == 9


def test_indicators_api_contract(leader, client_for):
    client = client_for(leader)
    data = client.get("/api/v1/indicators/").json()
    assert [d["no"] for d in data] == list(range(1, 14))
    first = data[0]
    assert first["name"] == "最低生活保障标准占当地最低工资标准的比例"
    assert first["unit"] == "%" and first["attribute"] == "expected" and first["baseline_2020"] == 44.5
    assert first["targets"] == {"2021": 44.5, "2022": 45.0, "2023": 45.6, "2024": 46.4, "2025": 47.5}
    thirteen = client.get("/api/v1/indicators/13/").json()
    assert thirteen["baseline_2020"] is None and thirteen["targets"]["2025"] == 100.0
    assert thirteen["targets"]["2021"] is None
    assert len(client.get("/api/v1/indicators/projects/").json()) == 9


def test_indicators_api_needs_login(client, db):
    assert client.get("/api/v1/indicators/").status_code in {401, 403}


def test_staff_update_a_key_projects_progress_and_leaders_cannot(staff, leader, client_for):
    url = "/api/v1/indicators/projects/1/"
    done = client_for(staff).patch(
        url, {"status": "in_progress", "progress": 40, "milestones": "2023年主体封顶"}, content_type="application/json"
    )
    assert done.status_code == 200, done.json()
    project = KeyProject.objects.get(no=1)
    assert (project.status, project.progress, project.updated_by) == ("in_progress", 40, staff)
    bad = client_for(staff).patch(url, {"status": "completed", "progress": 90}, content_type="application/json")
    assert bad.status_code == 400 and "progress" in bad.json()
    assert client_for(leader).patch(url, {"progress": 50}, content_type="application/json").status_code == 403
    assert KeyProject.objects.get(no=1).progress == 40
