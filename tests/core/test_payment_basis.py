"""A payment line's basis may hold dates and amounts: both write paths store them as text (the
SQLite quick start's bulk insert failed on a date that PostgreSQL's COPY path wrote)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import PaymentBatch, PaymentLine
from core.payments import Entitlement, _bulk_create_lines
from tests.factories import HONGLAI, PersonFactory


def test_the_bulk_insert_path_stores_dates_and_decimals_in_the_basis(db):
    person = PersonFactory()
    batch = PaymentBatch.objects.create(program="test", month=timezone.localdate().replace(day=1))
    entitlement = Entitlement(
        source_type="test.entry", source_id=1, payee_id=person.pk, township_id=HONGLAI, village_id=None,
        category="orphan", members=1, amount=Decimal("1500.00"),
        basis={"standard_from": datetime.date(2025, 1, 1), "standard": Decimal("1500.00")},
    )  # fmt: skip
    total, people = _bulk_create_lines(batch, [entitlement])
    assert (total, people) == (Decimal("1500.00"), 1)
    assert PaymentLine.objects.get().basis == {"standard_from": "2025-01-01", "standard": "1500.00"}
