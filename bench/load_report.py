"""The end of `make load` (scripts/load.sh): the locust totals, then where the time went over the same
steady window (after every user signed in): CPU per request of the gunicorn workers (Python) and of
the database's backends, the workers' request time split into SQL and the rest, connections, waits
and locks, and the 5 statements with the most total time (bench/sql_stats.py, timed in the workers).

    python bench/load_report.py LOCUST_STATS_CSV PROBE_JSON SQL_STATS_DIR"""

import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sql_stats import merge, shorten, top


def main(stats_csv: str, probe_json: str, sql_dir: str) -> None:
    with open(stats_csv, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\nrequests {total['Request Count']}, errors {total['Failure Count']}, "
        f"{float(total['Requests/s']):.1f} requests/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms"
    )
    probe = json.loads(Path(probe_json).read_text(encoding="utf-8")) if Path(probe_json).exists() else None
    sql = merge(sql_dir)
    if not probe or not sql["workers"]:
        print("(no probe or statement figures: the run ended before its steady window)")
        return
    requests = sql["requests"] or 1
    window, cores, cpu = probe["seconds"], probe["cores"], probe["cpu"]
    other = max(0.0, cpu["machine"] - cpu["gunicorn_workers"] - cpu["postgres_backends"])

    def share(seconds: float) -> str:
        return f"{seconds:6.1f} s CPU = {seconds / window:4.2f} of {cores} cores, {1000 * seconds / requests:5.1f} ms/request"

    print(f"\nWhere it bends ({window:.0f} s after every user signed in, {sql['requests']} requests served):")
    if probe.get("workers_seen", 0) > sql["workers"]:
        print(f"  ({probe['workers_seen'] - sql['workers']} of {probe['workers_seen']} gunicorn workers did not report: "
              "killed (WORKER TIMEOUT) before they could; their statements are missing)")  # fmt: skip
    print(f"  gunicorn workers (Python)   {share(cpu['gunicorn_workers'])}")
    print(f"  PostgreSQL backends         {share(cpu['postgres_backends'])}")
    print(f"  rest of the machine         {share(other)}  (locust itself, other jobs)")
    busy = cpu["machine"] / window
    print(f"  machine busy {busy:.2f} of {cores} cores ({100 * busy / cores:.0f}%)")
    in_sql = sql["sql_seconds"] / (sql["request_seconds"] or 1)
    print(
        f"  workers' request time: {1000 * sql['request_seconds'] / requests:.1f} ms/request, "
        f"of which SQL {1000 * sql['sql_seconds'] / requests:.1f} ms ({100 * in_sql:.0f}%), "
        f"Python {1000 * (sql['request_seconds'] - sql['sql_seconds']) / requests:.1f} ms"
    )
    calls = sum(entry["calls"] for entry in sql["statements"].values())
    print(f"  statements: {calls / requests:.1f} per request")
    conn, active, lock = probe["connections"], probe["active"], probe["lock"]
    print(
        f"  connections: {conn['max']} client backends at most ({conn['mean']:.1f} on average), "
        f"active {active['mean']:.1f} on average, {active['max']} at most"
    )
    print(
        f"  locks: {lock['backend_samples_waiting']} backend samples waiting on a lock out of {probe['samples']} "
        f"samples; ungranted lock requests at most {lock['not_granted_max']}; "
        f"deadlocks {probe['database']['deadlocks']}"
    )
    waits = ", ".join(f"{name} {count}" for name, count in probe["waits"].items()) or "none"
    print(f"  active backends sampled: {waits}")
    db = probe["database"]
    hit = db["blks_hit"] / ((db["blks_hit"] + db["blks_read"]) or 1)
    print(
        f"  database: {db['xact_commit']} commits, {db['xact_rollback']} rollbacks, "
        f"{100 * hit:.2f}% of blocks from shared buffers, {db['temp_files']} temporary files"
    )
    print("\nTop 5 statements by total time (timed in the gunicorn workers):")
    print(f"  {'ms':>8} {'calls':>7} {'ms/call':>8}  statement")
    for statement, count, seconds in top(sql, 5):
        print(f"  {1000 * seconds:8.0f} {count:7d} {1000 * seconds / count:8.2f}  {shorten(statement)}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
