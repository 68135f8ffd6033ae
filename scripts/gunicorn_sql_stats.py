"""gunicorn config for `make load` (scripts/load.sh: gunicorn -c scripts/gunicorn_sql_stats.py): with
SQL_STATS_DIR set, each worker times its statements and requests (bench/sql_stats.py) and writes
them to SQL_STATS_DIR/worker-<pid>.json when it exits. Without it the hooks do nothing and no
statement is wrapped. Production runs gunicorn without this file."""

import os

_STATS = None


def post_worker_init(worker):
    global _STATS
    if not os.environ.get("SQL_STATS_DIR"):
        return
    from bench.sql_stats import SqlStats, install

    _STATS = SqlStats()
    install(_STATS)


def pre_request(worker, req):
    if _STATS is not None:
        _STATS.request_started()


def post_request(worker, req, environ, resp):
    if _STATS is not None:
        _STATS.request_finished()


def worker_exit(server, worker):
    if _STATS is not None:
        _STATS.dump(os.environ["SQL_STATS_DIR"])
