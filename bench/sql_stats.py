"""Statement timings from the Django side, for `make load` (issue 15, item 5): the shared PostgreSQL
does not preload pg_stat_statements and is not ours to restart, so each gunicorn worker times its
own statements instead. Opt-in: scripts/gunicorn_sql_stats.py installs it only when SQL_STATS_DIR is
set (production runs never load this module, and nothing wraps their statements).

- `normalise(sql)`: the statement with its values as `?` (placeholders, string and number
  literals; an IN list or VALUES row of any length as one), so one query is one key whatever it
  was asked with;
- `SqlStats`: an execute wrapper that adds up calls and time per normalised statement, and the
  requests around them (the gunicorn hooks call `request_started` / `request_finished`): the
  worker's request time less its SQL time is the Python side;
- `merge(dir)`: the workers' JSON files added together; `top(stats, n)` by total time.
"""

import json
import os
import re
import signal
import time
from pathlib import Path

_TOKEN = re.compile(
    r"""(?P<ident>"(?:[^"]|"")*")"""  # a quoted identifier stays
    r"""|(?P<string>(?:[EeBbXxNn])?'(?:[^']|'')*')"""  # a string literal
    r"""|(?P<param>%s|%\(\w+\)s|\$\d+)"""  # a driver placeholder
    r"""|(?P<number>(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.]))"""  # a number, not part of a name
)
_LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)+\s*\)")  # (?, ?, ?) of any length
_ROWS = re.compile(r"\(\?\.\.\.\)(?:\s*,\s*\(\?\.\.\.\))+")  # VALUES (…), (…), …
_SPACE = re.compile(r"\s+")


def normalise(sql: str) -> str:
    """One key per statement shape: values become ?, lists of values one (?...)."""

    def token(match):
        return match.group("ident") or "?"

    text = _TOKEN.sub(token, _SPACE.sub(" ", sql).strip())
    text = _LIST.sub("(?...)", text)
    return _ROWS.sub("(?...), ...", text)


class SqlStats:
    """Calls and seconds per normalised statement, and requests and their seconds, in one process."""

    def __init__(self):
        self._keys: dict[str, str] = {}  # statement text -> its normalised form
        self.reset()

    def reset(self) -> None:
        self.statements: dict[str, list] = {}  # sql -> [calls, seconds]
        self.requests = 0
        self.request_seconds = 0.0
        self.sql_seconds = 0.0
        self.since = time.time()
        self.cpu_since = time.process_time()
        self._request_started = None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql_seconds += elapsed
            key = self._keys.get(sql)  # the same text again is not normalised again
            if key is None:
                key = normalise(sql)
                if len(self._keys) < 20_000:
                    self._keys[sql] = key
            entry = self.statements.get(key)
            if entry is None:
                entry = self.statements[key] = [0, 0.0]
            entry[0] += 1
            entry[1] += elapsed

    def request_started(self) -> None:
        self._request_started = time.perf_counter()

    def request_finished(self) -> None:
        if self._request_started is not None:
            self.requests += 1
            self.request_seconds += time.perf_counter() - self._request_started
            self._request_started = None

    def as_dict(self) -> dict:
        return {
            "pid": os.getpid(),
            "seconds": time.time() - self.since,
            "cpu_seconds": time.process_time() - self.cpu_since,
            "requests": self.requests,
            "request_seconds": self.request_seconds,
            "sql_seconds": self.sql_seconds,
            "statements": {
                sql: {"calls": calls, "seconds": seconds} for sql, (calls, seconds) in self.statements.items()
            },
        }

    def dump(self, directory) -> Path:
        path = Path(directory) / f"worker-{os.getpid()}.json"
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False), encoding="utf-8")
        return path


def install(stats: SqlStats) -> None:
    """Wrap every statement of this process's connections (gunicorn's sync workers: one thread), and
    start the counts afresh on SIGUSR2 (scripts/load.sh sends it once every user has signed in)."""
    from django.db import connections

    for connection in connections.all():
        connection.execute_wrappers.append(stats)
    signal.signal(signal.SIGUSR2, lambda *_: stats.reset())
    signal.siginterrupt(signal.SIGUSR2, False)


def merge(directory) -> dict:
    """The workers' files in `directory` added together."""
    total = {"workers": 0, "requests": 0, "request_seconds": 0.0, "sql_seconds": 0.0, "cpu_seconds": 0.0}
    statements: dict[str, dict] = {}
    for path in sorted(Path(directory).glob("worker-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        total["workers"] += 1
        for field in ("requests", "request_seconds", "sql_seconds", "cpu_seconds"):
            total[field] += data[field]
        for sql, entry in data["statements"].items():
            into = statements.setdefault(sql, {"calls": 0, "seconds": 0.0})
            into["calls"] += entry["calls"]
            into["seconds"] += entry["seconds"]
    total["statements"] = statements
    return total


_SELECT_LIST = re.compile(r"^SELECT (DISTINCT )?(.+?) FROM ", re.S)


def shorten(sql: str, width: int = 200) -> str:
    """For printing: a long select list as …, then cut to `width` characters."""
    if len(sql) > width:
        sql = _SELECT_LIST.sub(r"SELECT \g<1>… FROM ", sql, count=1)
    return sql if len(sql) <= width else sql[: width - 1] + "…"


def top(merged: dict, n: int = 5) -> list[tuple[str, int, float]]:
    """(statement, calls, seconds) of the `n` statements with the most total time."""
    rows = sorted(merged["statements"].items(), key=lambda item: item[1]["seconds"], reverse=True)[:n]
    return [(sql, entry["calls"], entry["seconds"]) for sql, entry in rows]
