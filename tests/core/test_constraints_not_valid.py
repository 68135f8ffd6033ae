"""Upgrading a database that already holds implausible rows (an outside probe's 1800-01-01, a
100,000-character reason, a price of 0.00): the new CHECK constraints are added NOT VALID, so
`migrate` succeeds, the rows stay exactly as they were, new bad rows are refused at once, and
`check_constraints` lists the old ones until they are fixed and validated."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.models import Person

#: Just before the migrations that add the plausibility constraints.
BEFORE = [
    ("core", "0004_personal_data_permissions"),
    ("assistance", "0002_decision_case_pay_from"),
    ("funeral", "0001_initial"),
    ("indicators", "0008_key_project_progress"),
]
LONG_REASON = "理" * 100_000


def _migrate(targets=None):
    """Migrate to `targets`, or to the latest migration of every app; returns the executor."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def _unvalidated() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'c' AND NOT convalidated")
        return {row[0] for row in cursor.fetchall()}


def _row(table: str, columns: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (the test's own names)
        return cursor.fetchone()


def _insert_bad_rows(apps) -> dict[str, int]:
    """With the models as they were before the constraints: what the old API accepted."""
    Division = apps.get_model("core", "Division")
    if not Division.objects.exists():
        from core.reference import ensure_divisions

        ensure_divisions(apps)
    township = Division.objects.filter(parent__isnull=False).first() or Division.objects.first()
    user = apps.get_model(settings.AUTH_USER_MODEL).objects.create(username="probe-upgrade", password="!")
    OldPerson = apps.get_model("core", "Person")
    applicant = OldPerson.objects.create(name="陈志明")
    dead = OldPerson.objects.create(name="林秀英", date_of_death=datetime.date(2999, 1, 1))
    household = apps.get_model("core", "Household").objects.create(township=township, head=applicant)
    case = apps.get_model("assistance", "Case").objects.create(
        kind=apps.get_model("assistance", "Case")._meta.get_field("kind").choices[0][0],
        applied_on=datetime.date(1800, 1, 1),
        reason=LONG_REASON,
        applicant=applicant,
        household=household,
        township=township,
        created_by=user,
    )
    price = apps.get_model("funeral", "FeeItemPrice").objects.create(
        item="urn", price=Decimal("0.00"), effective_from=datetime.date(2024, 1, 1)
    )
    return {"case": case.pk, "person": dead.pk, "price": price.pk}


@pytest.mark.django_db(transaction=True)
def test_migrate_keeps_old_bad_rows_refuses_new_ones_and_validates_once_fixed():
    if connection.vendor != "postgresql":
        pytest.skip("NOT VALID constraints are PostgreSQL's")
    try:
        executor = _migrate(BEFORE)
        ids = _insert_bad_rows(executor.loader.project_state(BEFORE).apps)

        _migrate()  # would raise IntegrityError if the constraints checked the existing rows

        assert {
            "case_applied_on_plausible",
            "case_reason_length",
            "person_date_of_death_plausible",
            "feeitemprice_price_plausible",
        } <= _unvalidated()
        # The rows are there, unchanged.
        assert _row("assistance_case", "applied_on, reason", ids["case"]) == (datetime.date(1800, 1, 1), LONG_REASON)
        assert _row("core_person", "date_of_death", ids["person"]) == (datetime.date(2999, 1, 1),)
        assert _row("funeral_feeitemprice", "price", ids["price"]) == (Decimal("0.00"),)
        # A new bad row is refused at once.
        with pytest.raises(IntegrityError, match="person_date_of_death_plausible"), transaction.atomic():
            Person.objects.create(name="黄文华", date_of_death=datetime.date(2999, 1, 1))

        out = StringIO()
        with pytest.raises(CommandError):
            call_command("check_constraints", stdout=out)
        report = out.getvalue()
        for name, pk in [
            ("case_applied_on_plausible", ids["case"]),
            ("case_reason_length", ids["case"]),
            ("person_date_of_death_plausible", ids["person"]),
            ("feeitemprice_price_plausible", ids["price"]),
        ]:
            section = report.split(f"· {name}")[1].split("●")[0]
            assert f"违规记录 1 条，编号：{pk}" in section, section
        assert "case_requested_amount_plausible" in report  # no violations: listed as ready to validate

        # --validate with violations left: the clean ones are validated, the others stay, exit non-zero.
        with pytest.raises(CommandError, match="仍有违规记录"):
            call_command("check_constraints", "--validate", stdout=StringIO())
        assert _unvalidated() == {
            "case_applied_on_plausible",
            "case_reason_length",
            "person_date_of_death_plausible",
            "feeitemprice_price_plausible",
        }

        # The administrator fixes the rows (one UPDATE per row: any update is checked in full).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE assistance_case SET applied_on = '2024-01-01', reason = '生活困难' WHERE id = %s", [ids["case"]]
            )
            cursor.execute("UPDATE core_person SET date_of_death = NULL WHERE id = %s", [ids["person"]])
            cursor.execute("UPDATE funeral_feeitemprice SET price = 200 WHERE id = %s", [ids["price"]])
        out = StringIO()
        call_command("check_constraints", "--validate", stdout=out)
        assert "4 条已校验生效" in out.getvalue()
        assert _unvalidated() == set()
        call_command("check_constraints", stdout=(out := StringIO()))
        assert "无需处理" in out.getvalue()
    finally:
        _migrate()  # other tests share the database: leave it at the latest migrations
