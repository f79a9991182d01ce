# Minka: the two commands are `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP := $(BIN)/python -m pip --disable-pip-version-check --no-input

.PHONY: run test pytest-fast system-deps lint typecheck pytest lock messages bench bench-load check-deploy clean help screenshots prod-check

help:
	@echo "make run    - install, migrate, load the demo and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - lint, type checks and the whole test suite"
	@echo "make lock   - re-pin requirements/*.lock with hashes"
	@echo "make messages - update and compile the es/en translation catalogs"
	@echo "make bench  - run the benchmarks in bench/"
	@echo "make bench-load - the load test on a generated dataset (SCALE=1.0), SQLite and PostgreSQL"
	@echo "make prod-check - minka doctor on a configured production server (ENV_FILE, MINKA)"
	@echo "make screenshots - take the README's phone screenshots (browser tests)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)

# Each stamp records that the venv matches a lock file; a changed lock reinstalls.
$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes --no-deps -r requirements/base.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock $(VENV)/.base-installed
	$(PIP) install --require-hashes --no-deps -r requirements/dev.lock
	touch $@

# The development settings (debug on, a secret key of this checkout's own, console email),
# written once and never overwritten; every `minka` command run in this folder reads them.
minka.env: | $(BIN)/python
	$(BIN)/python -m minka.core.env $@

run: $(VENV)/.base-installed minka.env
	@scripts/system-deps run
	$(BIN)/minka migrate --no-input
	$(BIN)/minka load_demo
	@echo "Minka on http://127.0.0.1:$(PORT)/ (task and notification workers alongside; Ctrl+C stops all)"
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/minka db_worker & \
	$(BIN)/minka outbox & \
	$(BIN)/minka runserver --noreload 127.0.0.1:$(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.dev-installed
	MINKA_TESTING=1 $(BIN)/mypy minka bench

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# What CI's second engine stage runs: the suite without lint, types and the slow tests
# (LibreOffice, S3, browser, crawl), which the first stage ran already.
pytest-fast: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 --dist loadgroup -m "not slow" $(PYTEST_ARGS)

system-deps:
	@scripts/system-deps test

test: system-deps lint typecheck pytest

lock: $(VENV)/.dev-installed
	cd requirements && ../$(BIN)/uv pip compile -q --generate-hashes --python-version 3.11 --no-header base.in -o base.lock
	cd requirements && ../$(BIN)/uv pip compile -q --generate-hashes --python-version 3.11 --no-header dev.in -o dev.lock
	cd requirements && ../$(BIN)/uv pip compile -q --generate-hashes --python-version 3.11 --no-header bench.in -o bench.lock
	@! grep -n '://' requirements/*.lock || (echo "a lock file names an index host" && exit 1)

messages: $(VENV)/.dev-installed
	cd minka && MINKA_TESTING=1 ../$(BIN)/minka makemessages -l es -l en --no-obsolete --add-location file
	cd minka && MINKA_TESTING=1 ../$(BIN)/minka compilemessages

bench: $(VENV)/.dev-installed
	MINKA_TESTING=1 $(BIN)/python bench/page_weight.py
	MINKA_TESTING=1 $(BIN)/python bench/search.py --pages $(or $(PAGES),2000)
	MINKA_TESTING=1 $(BIN)/python bench/agreements.py
	MINKA_TESTING=1 $(BIN)/python bench/notifications.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The README's phone screenshots, taken by a browser test on the demo.
screenshots: $(VENV)/.dev-installed
	MINKA_SCREENSHOTS=docs/screenshots $(BIN)/pytest -p no:randomly minka/browser_tests/test_screenshots.py

# Check a configured production server with the services' settings file and user (see the
# README's "Production"): one line per check, and the exit status says whether all passed.
ENV_FILE ?= /etc/minka/minka.env
MINKA ?= /opt/minka/.venv/bin/minka
prod-check:
	@if [ "$$(id -u)" = 0 ] && id minka >/dev/null 2>&1; then \
		runuser -u minka -- env MINKA_ENV_FILE=$(ENV_FILE) $(MINKA) doctor; \
	else \
		MINKA_ENV_FILE=$(ENV_FILE) $(MINKA) doctor; \
	fi

# The load test (bench/load.py) on both set-ups, each on a dataset generated at SCALE
# (bench/generate.py; 1.0 takes a while); the load tool has its own lock. One worker runs
# without --preload (nothing to share the master's copy of Minka with), two with it.
bench-load: $(VENV)/.dev-installed
	$(PIP) install -q --require-hashes --no-deps -r requirements/bench.lock
	$(BIN)/python bench/load.py --setup sqlite --data-dir $(or $(BENCH_DIR),/tmp/minka-bench)/sqlite --generate $(or $(SCALE),1.0)
	$(BIN)/python bench/load.py --preload --setup sqlite --data-dir $(or $(BENCH_DIR),/tmp/minka-bench)/sqlite --web-workers 2
	$(BIN)/python bench/load.py --preload --setup postgres --data-dir $(or $(BENCH_DIR),/tmp/minka-bench)/postgres --generate $(or $(SCALE),1.0) \
		--database-url $(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/minka_bench)
