# Partner CRM: `make run` serves a demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: run test test-memory install install-test messages browser clean bench-import serve load

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements.txt 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import django, django_filters, simple_history, whitenoise, dj_database_url, psycopg, openpyxl, icalendar, axes, csp"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-test.txt 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import pytest, pytest_django, factory, playwright, python_calamine, hypothesis"
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are build output (gitignored); gettext's msgfmt comes from Debian.
messages: install
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "gettext is missing: sudo apt-get install gettext"; exit 1; fi; }
	$(PY) manage.py compilemessages --ignore=.venv -v0

# The browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: sudo apt-get install chromium (the browser tests need it)"; fi; }

run: install messages
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(PY) manage.py load_seed
	DJANGO_DEBUG=1 $(PY) manage.py ensure_demo_user
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The production way on loopback: gunicorn, collected static files (see bin/serve and README "Production").
serve: install messages
	PY=$(PY) bin/serve

# Load test against bin/serve on loopback (README "Load test"); not part of `make test`.
DURATION ?= 120
USERS ?= 20
load: install messages
	$(PY) bench/load.py --duration $(DURATION) --users $(USERS)

test: $(VENV)/.installed-test messages browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Only the export-memory check (100,000 generated interactions); `make test` runs it too.
test-memory: $(VENV)/.installed-test messages
	$(PY) -m pytest -m memory $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* test_db*.sqlite3* staticfiles

# 20,000 rows through import_records on a throwaway database; prints time and peak memory (README, "Importing data").
bench-import: install
	$(PY) bench/import_bench.py

# Benchmark the main pages against the admin and the raw-SQL floor (bench/README in README "Performance").
.PHONY: bench
SCALE ?= S
bench: install messages
	$(PY) bench/run.py --scale $(SCALE)

.PHONY: bench-load
bench-load: install messages
	$(PY) bench/rps.py --scale $(SCALE)
