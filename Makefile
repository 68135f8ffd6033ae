# One command per habit: make run, make test, make bench, make lint.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests and benchmarks run on PostgreSQL and Redis (the local servers unless told otherwise).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nanan
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nanan_bench
BENCH_SCALE ?= 500
# Test processes (pytest-xdist): one per core by default; each has its own test database and Redis
# database. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto

.PHONY: run test lint bench venv deps dev-deps services migrate clean help

help:
	@echo "make run    - set up and serve the portal with demo data on http://$(HOST):$(PORT)"
	@echo "make test   - set up PostgreSQL/Redis/Chromium, lint, check migrations, run every test"
	@echo "make bench  - build the city-scale data set (1.5M people) and time the list pages"
	@echo "make lint   - ruff check, ruff format --check and the layering contracts (import-linter)"
	@echo "make load   - the portal under load: gunicorn on the bench database, 50 locust users for 60 s"
	@echo "make scaleout - two gunicorn instances behind nginx, two Celery workers: sessions, lockout, payroll hold"

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found %s" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $(VENV)/.deps $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# The quick start: SQLite under var/ and eager tasks unless DATABASE_URL / CELERY_BROKER_URL are set.
run: deps
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)  (stop with Ctrl-C)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

services:
	bash scripts/ensure_services.sh postgres redis browser

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) scripts/lint_imports.py

test: dev-deps services lint
	DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 DATABASE_URL=$(TEST_DATABASE_URL) TEST_BROKER_URL=$(TEST_BROKER_URL) FAST_PASSWORD_HASHER=1 \
		CELERY_RESULT_BACKEND=$(TEST_BROKER_URL) \
		$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: dev-deps
	bash scripts/ensure_services.sh postgres
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/people_lists.py --scale $(BENCH_SCALE)
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/indicators_dashboard.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/assistance.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/funeral.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/orgs.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/eldercare.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/childwelfare.py
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/imports_ledger.py 10 200 1000
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/imports.py 100000 --cases 10000
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/imports.py 100000 --bad 10
	DEBUG=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/imports.py 100000 --long 160

# The portal under load: gunicorn (DEBUG off, LOAD_WORKERS sync workers) on the bench database, driven by
# locust (bench/load.py) with LOAD_USERS users signed in as their roles for LOAD_SECONDS.
.PHONY: load
load: dev-deps
	bash scripts/ensure_services.sh postgres
	DATABASE_URL=$(BENCH_DATABASE_URL) bash scripts/load.sh

clean:
	rm -rf var/staticfiles var/screenshots .pytest_cache

# The longer schema fuzz (make test runs a short one): schemathesis from requirements-dev on a seeded demo database.
.PHONY: fuzz
FUZZ_EXAMPLES ?= 25
fuzz: dev-deps
	bash scripts/ensure_services.sh postgres
	ST=$(VENV)/bin/st bash scripts/fuzz_api.sh $(FUZZ_EXAMPLES)

# The deployment scaled out on one machine: two gunicorn instances behind an nginx of its own, two
# Celery workers, one PostgreSQL database (nanan_scaleout); checks sessions, the login lockout and
# payroll idempotency across the instances (scripts/scaleout.sh, bench/scaleout.py).
.PHONY: scaleout
scaleout: deps
	bash scripts/ensure_services.sh postgres redis
	bash scripts/scaleout.sh
