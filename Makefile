# Policy Portal: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Links in emails (sign-in, reminders, approvals) point here; the worker sends
# without a request, so it cannot ask the browser. Set it to reach the portal
# from another machine (e.g. HOST=0.0.0.0 PORTAL_BASE_URL=http://laptop.local:8000).
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-fast lint audit bench faults load install migrate demo clean

install: $(VENV)/.installed

# Re-installs only when a requirements file changes, so a second `make run` is quick.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# On PostgreSQL, migrations run as the owner role and the app as policyportal_app
# (bin/dev-database, docs/database-roles.md); SQLite needs no roles.
migrate: install
	. bin/dev-database && deploy/release.sh

demo: migrate
	. bin/dev-database && $(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  Policy Portal is starting at http://$(HOST):$(PORT)/"
	@echo "  Sign in with a demo login above. Stop with Ctrl-C."
	@HTTP_HOST=$(HOST) HTTP_PORT=$(PORT) PORTAL_BASE_URL=$(PORTAL_BASE_URL) bin/run-dev

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The edit loop: everything but the tests marked `slow` (fuzzing, PDF rendering, the
# school year day by day; docs/testing.md). `make test` and .ci/run still run them all.
test-fast: install
	@echo "make test-fast: every test except those marked slow (make test runs those too)"
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Benchmarks: never part of `make test`. Figures are recorded in docs/performance.md.
# The large trust (5,000 and 20,000 staff) is seeded once into policyportal_bench_5k and
# _20k on PostgreSQL and reused; BENCH_SIZES=5k, BENCH_PARTS=small|large to run less.
bench: install
	$(BIN)/python bench/run.py

# Load test: 200 staff sign within a minute while HR exports, gunicorn + PostgreSQL
# (database policyportal_load, Redis DB 3), run steady and as a burst (200 in 4 s);
# each fails unless the sign-off p95 is within 2x the trivial view's. See "Load" in
# docs/performance.md.
load: install
	bench/load/run.sh

# Fault scripts (Redis, worker, PostgreSQL, full disk): root, throwaway servers; see docs/faults.md.
faults: install
	faults/run_all.sh

# ruff's S rules are bandit's checks; `make lint` fails on any of them.
lint: install
	$(BIN)/ruff check .

audit: install
	bin/audit

# Also the emails an earlier version wrote into the project folder by mistake:
# only Django's file-backend names (20250101-120000-<number>.log), nothing else.
clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .broker .redis sent-emails
	rm -f [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*.log
