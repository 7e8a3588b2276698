"""Configuration from the environment and SQLite set up for concurrent writers."""
import os
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import dj_database_url
import pytest
from django.db import connections
from django.urls import reverse

from partners.models import Organization

PROJECT = Path(__file__).resolve().parents[1]


def test_database_url_names_postgresql():
    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/crm")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "crm"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_reads_through_a_memory_map(tmp_path):
    """Checked in a fresh process on a SQLite file, so the PostgreSQL run proves it too."""
    probe = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0],"
        " c.execute('PRAGMA mmap_size').fetchone()[0],"
        " connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=PROJECT, capture_output=True, text=True, check=True
    )
    mode, timeout, mmap_size, transaction_mode = result.stdout.split()
    assert (mode, transaction_mode) == ("wal", "IMMEDIATE")
    assert int(timeout) >= 10_000
    assert int(mmap_size) == 2**30



@pytest.mark.django_db
def test_postgresql_connections_do_not_compile_statements_just_in_time():
    """Read from the settings a PostgreSQL URL yields, and from the live connection when it is PostgreSQL."""
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/crm", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=PROJECT, capture_output=True, text=True, check=True)
    assert "-c jit=off" in result.stdout
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"

@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_never_see_database_is_locked():
    errors, start = [], threading.Barrier(6)

    def write(n):
        try:
            start.wait()
            for i in range(15):
                from django.db import transaction

                with transaction.atomic():
                    # Read then write in one transaction: the pattern that deadlocks on DEFERRED.
                    Organization.objects.filter(name__startswith="Writer").count()
                    Organization.objects.create(name=f"Writer {n}-{i}", kind="industry")
        except Exception as exc:  # noqa: BLE001 - any failure is what we report
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Organization.objects.filter(name__startswith="Writer").count() == 90


BASE = Path(__file__).resolve().parent.parent
# The production environment the README documents.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "crm.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://crm.example.org",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
}


def check_deploy(extra_env):
    """`manage.py check --deploy --fail-level WARNING` in a fresh process with only ``extra_env`` set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") or k == "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE, env={**env, **extra_env}, capture_output=True, text=True, timeout=120,
    )


def test_documented_production_environment_passes_check_deploy():
    result = check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_are_not_silently_production():
    result = check_deploy({})
    assert result.returncode != 0
    for warning in ["security.W004", "security.W008", "security.W009", "security.W012", "security.W016"]:
        assert warning in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_no_template_has_inline_script_or_style_the_policy_would_block():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style|\son[a-z]+=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(BASE))
        for path in (BASE / "templates").rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only(client, team_user):
    page = client.get(reverse("login"))
    assert page.cookies["csrftoken"]["httponly"]
    signed_in = client.post(reverse("login"), {"username": "team", "password": "correct horse battery staple"})
    assert signed_in.cookies["sessionid"]["httponly"]
