# Two commands: `make run` sets everything up and serves the portal; `make test` sets up and
# runs the whole test suite. Both are quick the second time.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-packages system-packages-test data lint format ci clean \
	bench bench-cert bench-verify bench-import

run: setup
	@echo "平台地址 / serving on http://$(HOST):$(PORT)/"
	RUN_HOST=$(HOST) RUN_PORT=$(PORT) DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

setup: system-packages $(INSTALLED) data

# Two passes. First the tests that may run side by side, in TEST_WORKERS processes (pytest-xdist,
# whole files to a process, each process on a test database of its own); then, in one process,
# those marked serial (the PostgreSQL races) or celery_worker (served by .ci/run's worker, which
# reads the test database without xdist's suffix). .ci/run splits its PostgreSQL run the same way.
# pytest's exit code 5 (no test collected) is not a failure.
TEST_WORKERS ?= 2
test: system-packages-test $(INSTALLED) data
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m "not serial and not celery_worker"; \
	status=$$?; [ $$status -eq 5 ] && status=0; exit $$status
	$(VENV)/bin/pytest -m "serial or celery_worker"; status=$$?; [ $$status -eq 5 ] && status=0; \
	exit $$status

system-packages:
	@bash scripts/system-packages.sh run

system-packages-test:
	@bash scripts/system-packages.sh test

# Reinstalled only when pyproject.toml changes.
$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# Idempotent: a second run applies nothing and creates nothing.
data: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo

lint: $(INSTALLED)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

ci:
	bash .ci/run

# The benchmarks' commands live in the bench app, which only bench.settings installs.
BENCH := DJANGO_SETTINGS_MODULE=bench.settings $(PY) manage.py

# Renders 200 certificates in one process (no database) and fails above 200 ms median or 300 KB.
bench-cert: $(INSTALLED)
	$(BENCH) bench_cert

# Serves the demo with gunicorn on a throwaway PostgreSQL database and Redis, and compares
# the QR verification page's throughput with a bare Django view (budget: at least half).
bench-verify: $(INSTALLED)
	bash scripts/bench-verify.sh

# The province benchmark: generates SCALE x Henan (1.0 = 1,000,000 people, 5,000,000
# declarations) in a throwaway PostgreSQL database and measures every page and job against the
# budget of DESIGN.md. BENCH_KEEP=1 keeps the database for the next run at the same scale.
SCALE ?= 1.0
bench: $(INSTALLED)
	SCALE=$(SCALE) BENCH_KEEP=$(BENCH_KEEP) bash scripts/bench.sh

# The Excel import alone, on the same generated province (and the same SCALE and BENCH_KEEP):
# the largest unit's admin uploads a 50,000-row batch declaration, validated and committed by
# the import jobs; prints rows/s of each (budget: at least 1,000) and deletes what it made.
bench-import: $(INSTALLED)
	SCALE=$(SCALE) BENCH_KEEP=$(BENCH_KEEP) BENCH_ONLY=imports bash scripts/bench.sh

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
