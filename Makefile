# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install system-deps migrate demo run test test-sqlite test-postgres bench lint clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -q -d app/translations 2>/dev/null || true

# Debian packages the tests need: a PostgreSQL 15 server and chromium for browser tests.
system-deps:
	@if ! command -v chromium >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql-15 >/dev/null; \
	fi

migrate: install
	$(FLASK) db upgrade

# Demo data is loaded once; `flask demo seed` itself is idempotent too.
instance/.demo-seeded: | migrate
	$(FLASK) demo seed
	touch $@

demo: migrate instance/.demo-seeded

run: demo
	SCHEDULER_EMBEDDED=1 $(FLASK) run --host 127.0.0.1 --port 5000

test: install system-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
	TEST_DB=postgres $(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

test-sqlite: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-postgres: install system-deps
	TEST_DB=postgres $(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

bench: install system-deps
	$(PY) -m bench.run_all

lint: install
	$(VENV)/bin/ruff check app tests bench

clean:
	rm -rf $(VENV) instance
