"""make load's statement timings (bench/sql_stats.py): one key per statement shape, whatever it was
asked with, and the workers' files added up into the top statements."""

import json

import pytest
from django.db import connection

from bench.sql_stats import SqlStats, merge, normalise, shorten, top
from core.models import User


def test_values_become_placeholders_and_names_stay():
    sql = (
        'SELECT "core_person"."id", "T3"."x1" FROM "core_person" U0 WHERE "core_person"."township_id" = %s '
        'AND "core_person"."name" LIKE \'it\'\'s%%\' AND U0."amount" > 1.5 LIMIT 21'
    )
    assert normalise(sql) == (
        'SELECT "core_person"."id", "T3"."x1" FROM "core_person" U0 WHERE "core_person"."township_id" = ? '
        'AND "core_person"."name" LIKE ? AND U0."amount" > ? LIMIT ?'
    )


def test_lists_of_any_length_are_one_statement():
    three = normalise("SELECT 1 FROM t WHERE id IN (%s, %s, %s)")
    assert three == normalise("SELECT 1 FROM t WHERE id IN (%s,%s,%s,%s,%s)") == "SELECT ? FROM t WHERE id IN (?...)"
    assert normalise("INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s)\n  RETURNING id") == (
        "INSERT INTO t (a, b) VALUES (?...), ... RETURNING id"
    )


def test_shorten_drops_the_select_list_first():
    sql = "SELECT " + ", ".join(f'"t"."column_{n}"' for n in range(40)) + ' FROM "t" WHERE "t"."id" = ?'  # noqa: S608
    assert shorten(sql) == 'SELECT … FROM "t" WHERE "t"."id" = ?'
    assert shorten("SELECT 1") == "SELECT 1"


@pytest.mark.django_db
def test_the_wrapper_adds_up_calls_and_requests(tmp_path):
    stats = SqlStats()
    with connection.execute_wrapper(stats):
        for name in ("a", "b", "c"):
            stats.request_started()
            User.objects.filter(username=name).exists()
            stats.request_finished()
    assert stats.requests == 3
    ((sql, (calls, seconds)),) = stats.statements.items()
    assert calls == 3 and seconds > 0
    assert '"core_user"."username" = ?' in sql and "LIMIT ?" in sql
    assert 0 < stats.sql_seconds <= stats.request_seconds

    stats.dump(tmp_path)
    other = {"requests": 2, "request_seconds": 1.0, "sql_seconds": 0.5, "cpu_seconds": 0.1,
             "statements": {sql: {"calls": 1, "seconds": 0.25}, "SELECT ?": {"calls": 9, "seconds": 0.01}}}  # fmt: skip
    (tmp_path / "worker-1.json").write_text(json.dumps(other), encoding="utf-8")
    merged = merge(tmp_path)
    assert merged["workers"] == 2 and merged["requests"] == 5
    assert top(merged, 1) == [(sql, 4, pytest.approx(seconds + 0.25))]

    stats.reset()
    assert stats.statements == {} and stats.requests == 0
