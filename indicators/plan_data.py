"""Reads the project's verbatim copies of the plan's tables (indicators/data/*.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
YEARS = ("2021", "2022", "2023", "2024", "2025")


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def table2() -> list[dict]:
    return _rows("table2_indicators.csv")


def table1() -> list[dict]:
    return _rows("table1_13th_fyp_results.csv")


def table3() -> list[dict]:
    return _rows("table3_key_projects.csv")


def _known(model, values: dict) -> dict:
    """The values the model (as of the migration running) has fields for: an earlier migration loads
    the tables before later ones add a column."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def load(apps) -> None:
    """Create or refresh the rows from the CSV files (idempotent; used by the data migrations)."""
    Indicator = apps.get_model("indicators", "Indicator")
    Target = apps.get_model("indicators", "Target")
    PreviousPlanResult = apps.get_model("indicators", "PreviousPlanResult")
    KeyProject = apps.get_model("indicators", "KeyProject")
    for row in table2():
        indicator, _ = Indicator.objects.update_or_create(
            no=int(row["no"]),
            defaults=_known(
                Indicator,
                {
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                    "unit": row["unit"],
                    "baseline_2020": number(row["baseline_2020"]),
                    "attribute": row["attribute"],
                    "owner_app": row["owner_app"],
                    "derivation": row["derivation_zh"],
                    "derivation_en": row["how_the_actual_is_derived"],
                },
            ),
        )
        for year in YEARS:
            Target.objects.update_or_create(
                indicator=indicator, year=int(year), defaults={"value": number(row[f"target_{year}"])}
            )
    for row in table1():
        PreviousPlanResult.objects.update_or_create(
            no=row["no"],
            defaults={k: row[k] for k in ("name_zh", "unit", "value_2015", "target_2020", "actual_2020", "note")},
        )
    for row in table3():
        KeyProject.objects.update_or_create(
            no=int(row["no"]),
            defaults=_known(
                KeyProject,
                {
                    "category": row["category_zh"],
                    "name": row["name_zh"],
                    "name_en": row["name_en"],
                    "content": row["content_zh"],
                    "content_en": row["content_en"],
                    "measurable_target": row["measurable_target_zh"],
                    "measurable_target_en": row["measurable_target_en"],
                },
            ),
        )
