"""Locks held to the end of the current transaction, for writes that must take turns."""

import hashlib

from django.db import connection


def hold_named(name: str) -> None:
    """Writers naming the same `name` take turns (PostgreSQL's transaction advisory lock, released
    at commit or rollback): e.g. one programme's payment builds, or one year's certificate numbers.
    SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def hold_person(person) -> None:
    """Lock the person's row: two requests adding a record to the same person (a double submit, or
    two at once) take turns, so the second one's check sees what the first one wrote."""
    from core.models import Person

    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
