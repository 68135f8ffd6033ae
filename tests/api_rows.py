"""What a list of the API built from its records' rows (core.api.serializers.RowsSerializer) must
equal: the same records through its serializer's own fields, one by one, for every reader. Readers
are every role and four users given one personal-data right each on top of a leader's (rights can
be granted per user), so a row that masks one kind by another kind's right fails."""

import json
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from core.models import User
from core.roles import TOWNSHIP_ROLES, Role
from tests.factories import HONGLAI

ONE_RIGHT = ("view_full_name", "view_full_id_number", "view_full_phone", "view_full_bank_account")


def readers(make_user, *, allowed_to: str = "") -> list[User]:
    """Every role and the one-right readers; with `allowed_to`, those of them holding that right."""
    users = [make_user(role, HONGLAI if role in TOWNSHIP_ROLES else None) for role in Role]
    for codename in ONE_RIGHT:
        user = make_user(Role.LEADER)
        user.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename=codename))
        user = User.objects.get(pk=user.pk)  # the right moved the user's perms_version
        assert user.has_perm(f"core.{codename}") and not user.has_perm("core.view_full_birth_date")
        users.append(user)
    return [user for user in users if not allowed_to or user.has_perm(allowed_to)]


def assert_rows_are_the_fields(url, params, serializer_class, records_of, users, *, expected: int) -> None:
    """For each reader: the list's rows at `url` are exactly `serializer_class`'s fields for the same
    records (`records_of(ids)`, in the list's order) through DRF's plain ListSerializer, with the
    same keys in the same order, nested parts included."""
    for user in users:
        client = APIClient()
        client.force_authenticate(user)
        rows = client.get(url, params).json()["results"]
        assert len(rows) == expected, user
        context = {"request": SimpleNamespace(user=User.objects.get(pk=user.pk))}
        records = records_of([row["id"] for row in rows])
        plain = serializers.ListSerializer(records, child=serializer_class(context=context), context=context).data
        assert [list(row) for row in rows] == [list(row) for row in plain], (user, list(rows[0]), list(plain[0]))
        assert rows == [dict(row) for row in plain], user
        # The same text, nested parts (a child's categories, an organisation's status changes) in order too.
        assert json.dumps(rows, ensure_ascii=False, separators=(",", ":")) == JSONRenderer().render(plain).decode(), (
            user
        )
