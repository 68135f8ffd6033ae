"""Reference data every installation has: Nan'an city and its township-level divisions
(statistical division codes, vintage 2022; the development zone is stored but is not one of the
plan's 26). Created where missing after every migrate (and after a test database flush); rows the
bureau has edited are left as they are."""

import csv
from pathlib import Path

TOWNSHIPS_CSV = Path(__file__).resolve().parent / "data" / "townships.csv"
KINDS = {"street": "street", "town": "town", "township": "township", "development zone": "development_zone"}
CITY = {"code": "350583", "name": "南安市", "level": "city", "kind": "city"}


def ensure_divisions(apps=None) -> int:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Division = apps.get_model("core", "Division")
    created = 0
    city, made = Division.objects.get_or_create(code=CITY["code"], defaults={**CITY, "parent": None})
    created += made
    existing = set(Division.objects.filter(level="township").values_list("code", flat=True))
    with TOWNSHIPS_CSV.open(encoding="utf-8") as fh:
        missing = [
            Division(
                code=row["code"],
                name=row["name_zh"],
                level="township",
                kind=KINDS[row["kind"]],
                parent=city,
                in_plan=row["counts_in_26"] == "yes",
            )
            for row in csv.DictReader(fh)
            if row["code"] not in existing
        ]
    Division.objects.bulk_create(missing)
    return created + len(missing)
