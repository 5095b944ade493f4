# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install translations system-deps migrate demo run test test-sqlite test-postgres bench lint clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed translations

# Compiles the message catalogs when there are any (the UI is Chinese first: no catalog needed).
translations: $(VENV)/.installed
	@if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel compile -q -d app/translations; \
	fi

# Debian packages the tests need: a PostgreSQL 15 server and chromium for browser tests.
system-deps:
	@if ! command -v chromium >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql-15 >/dev/null; \
	fi

migrate: install
	$(FLASK) db upgrade

# `flask demo seed` is idempotent: the first run builds the demo district, later runs only
# print the demo accounts (so a deleted database is simply rebuilt).
demo: migrate
	$(FLASK) demo seed

run: demo
	SCHEDULER_EMBEDDED=1 $(FLASK) run --host 127.0.0.1 --port 5000

# SQLite (with the browser tests), then a PostgreSQL server the tests start themselves.
test: install system-deps
	$(VENV)/bin/ruff check app tests bench
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
	TEST_DB=postgres $(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

test-sqlite: install system-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install system-deps
	TEST_DB=postgres $(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

bench: install system-deps
	$(PY) -m bench.run_all

lint: install
	$(VENV)/bin/ruff check app tests bench

clean:
	rm -rf $(VENV) instance
