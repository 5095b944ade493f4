# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install translations translations-update system-deps migrate demo run test test-sqlite test-postgres bench lint clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed translations

# The UI is written in Chinese (the msgids); app/translations/<lang>/LC_MESSAGES/messages.po holds
# the other languages (English). `translations` compiles them into the .mo files Flask-Babel
# reads (not committed); `translations-update` extracts every marked string from app/ into
# messages.pot and merges it into each .po: translate the new (empty) entries, then
# `make translations`. tests/test_i18n.py fails while a marked string has no translation.
# Keywords: _ and gettext (default), _l / lazy_gettext (lazy, in forms and module-level
# dicts), N_ (a no-op marker, app/i18n.py, for labels translated where they are shown) and
# NP_ (the same with a context: menu entries).
BABEL_EXTRACT := -F babel.cfg -k _l -k lazy_gettext -k N_ -k NP_:1c,2 --add-location=file --no-wrap \
	--project=shuangbaodao --copyright-holder=shuangbaodao --msgid-bugs-address=none
BABEL_UPDATE := --no-wrap --ignore-obsolete --no-fuzzy-matching

translations: $(VENV)/.installed
	@if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel -q compile -d app/translations; \
	fi

translations-update: $(VENV)/.installed
	$(VENV)/bin/pybabel -q extract $(BABEL_EXTRACT) -o app/translations/messages.pot .
	$(VENV)/bin/pybabel -q update $(BABEL_UPDATE) -i app/translations/messages.pot -d app/translations
	$(VENV)/bin/pybabel -q compile -d app/translations

# Debian packages the tests need: a PostgreSQL 15 server, a Redis server (the shared limiter
# store), chromium for browser tests, wrk for the HTTP bench, the CJK fonts for screenshots and
# server-side PDFs, and Pango, which WeasyPrint lays the PDFs out with (app/pdf.py).
SYSTEM_PACKAGES := chromium postgresql-15 redis-server wrk fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
system-deps:
	@if ! command -v chromium >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/initdb ] \
	    || ! command -v redis-server >/dev/null || ! command -v wrk >/dev/null \
	    || [ ! -d /usr/share/fonts/opentype/noto ] || ! ldconfig -p | grep -q libpangoft2-1.0; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

migrate: install
	$(FLASK) db upgrade

# `flask demo seed` is idempotent: the first run builds the demo district, later runs only
# print the demo accounts (so a deleted database is simply rebuilt).
demo: migrate
	$(FLASK) demo seed

run: demo
	SCHEDULER_EMBEDDED=1 $(FLASK) run --host 127.0.0.1 --port 5000

# ruff, the import contracts (.importlinter: the layers of app/), then the tests: SQLite (with
# the browser tests), then a PostgreSQL server the tests start themselves.
# The two suites run side by side (one per core: each is one process, mostly waiting on its
# own database or browser); each prints its own summary when it ends, and either failing fails
# `make test`.
test: install system-deps
	$(VENV)/bin/ruff check app tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(MAKE) --no-print-directory -j2 --output-sync=target suite-sqlite suite-postgres

.PHONY: suite-sqlite suite-postgres
suite-sqlite:
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
suite-postgres:
	TEST_DB=postgres $(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

test-sqlite: install system-deps
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-postgres: install system-deps
	TEST_DB=postgres $(PY) -m pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_ARGS)

bench: install system-deps
	$(PY) -m bench.run_all

lint: install
	$(VENV)/bin/ruff check app tests bench
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) instance
