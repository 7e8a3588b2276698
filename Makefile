# Partner CRM: `make run` serves a demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: run test install install-test messages browser clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements.txt 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import django, django_filters, simple_history, whitenoise, dj_database_url, psycopg, openpyxl"
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-test.txt 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import pytest, pytest_django, factory, playwright, hypothesis"
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
	DJANGO_DEBUG=1 $(PY) manage.py loaddata seed -v0
	DJANGO_DEBUG=1 $(PY) manage.py populate_history --auto -v0
	DJANGO_DEBUG=1 $(PY) manage.py ensure_demo_user
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-test messages browser
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* test_db*.sqlite3* staticfiles
