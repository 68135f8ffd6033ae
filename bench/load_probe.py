"""What the machine does while `make load` runs (scripts/load.sh starts it beside locust): once the
sign-in phase is over (bench/load.py writes --ready-file when the last user has signed in) it tells the gunicorn workers to start their statement counts afresh
(SIGUSR2, bench/sql_stats.py) and then samples twice a second until stopped (SIGTERM):

- CPU: the gunicorn workers' and the database's client backends' (from /proc/<pid>/stat; the
  backends are the pids pg_stat_activity lists for the database), and the whole machine's;
- connections: client backends of the database, how many active;
- waits: what the active backends wait on (pg_stat_activity's wait_event_type:wait_event), and
  lock requests not granted (pg_locks);
- pg_stat_database's counters over the window (commits, rollbacks, blocks read and hit, deadlocks,
  temporary files).

On SIGTERM it writes all of it as JSON to --out. Reads DATABASE_URL; needs only psycopg2."""

import argparse
import json
import os
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import psycopg2

TICK = os.sysconf("SC_CLK_TCK")
INTERVAL = 0.5
DB_COUNTERS = """SELECT xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted,
    tup_updated, deadlocks, temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()"""


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, in seconds (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # fields 14 and 15 of stat(5), after "pid (comm)"


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except FileNotFoundError:
        return []


class CpuOf:
    """CPU used by a changing set of processes since the window began: a process there at the start
    counts from its reading then, one started later from zero (its whole life is in the window)."""

    def __init__(self):
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def see(self, pid: int, *, new: bool) -> None:
        seconds = cpu_seconds(pid)
        if seconds is None:
            return
        self.first.setdefault(pid, 0.0 if new else seconds)
        self.last[pid] = seconds

    def total(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--ready-file", required=True, help="the window starts when this file appears")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop and not os.path.exists(args.ready_file):
        time.sleep(0.1)
    if stop:  # the run ended before every user signed in: there is no steady window to report
        return 0

    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    cur = conn.cursor()

    def db_counters() -> dict:
        cur.execute(DB_COUNTERS)
        return dict(zip([column.name for column in cur.description], cur.fetchone(), strict=True))

    workers = children(args.gunicorn_pid)
    for pid in workers:  # the workers' statement counts start with the window
        os.kill(pid, signal.SIGUSR2)
    started, started_at = time.monotonic(), datetime.now(UTC)
    counters, busy = db_counters(), machine_busy()
    worker_cpu, backend_cpu = CpuOf(), CpuOf()
    for pid in workers:
        worker_cpu.see(pid, new=False)
    samples, connections, active, lock_waits, not_granted = 0, [], [], 0, []
    waits = Counter()
    while True:
        cur.execute(
            """SELECT pid, state, wait_event_type, wait_event, backend_start >= %s FROM pg_stat_activity
               WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()""",
            [started_at],
        )
        rows = cur.fetchall()
        cur.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE NOT l.granted AND d.datname = current_database()"
        )
        not_granted.append(cur.fetchone()[0])
        samples += 1
        connections.append(len(rows))
        busy_rows = [r for r in rows if r[1] == "active"]
        active.append(len(busy_rows))
        for _pid, _state, wait_type, wait_event, _new in busy_rows:
            waits[f"{wait_type}:{wait_event}" if wait_type else "CPU (no wait)"] += 1
        lock_waits += sum(1 for r in busy_rows if r[2] == "Lock")
        for pid, _state, _wt, _we, new in rows:
            backend_cpu.see(pid, new=new)
        for pid in children(args.gunicorn_pid):
            worker_cpu.see(pid, new=pid not in workers)
        if stop:
            break
        time.sleep(INTERVAL)

    seconds = time.monotonic() - started
    after = db_counters()
    result = {
        "seconds": seconds,
        "cores": os.cpu_count(),
        "cpu": {
            "gunicorn_workers": worker_cpu.total(),
            "postgres_backends": backend_cpu.total(),
            "machine": machine_busy() - busy,
        },
        "workers_seen": len(worker_cpu.last),
        "samples": samples,
        "connections": {"max": max(connections), "mean": sum(connections) / samples},
        "active": {"max": max(active), "mean": sum(active) / samples},
        "lock": {
            "backend_samples_waiting": lock_waits,
            "not_granted_max": max(not_granted),
            "samples_with_not_granted": sum(1 for n in not_granted if n),
        },
        "waits": dict(waits.most_common(8)),
        "database": {name: int(after[name] - counters[name]) for name in after},
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
