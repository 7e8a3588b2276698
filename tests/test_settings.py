"""Configuration from the environment and SQLite set up for concurrent writers."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import dj_database_url
import pytest
from django.db import connections

from partners.models import Organization

PROJECT = Path(__file__).resolve().parents[1]


def test_database_url_names_postgresql():
    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/crm")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "crm"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    """Checked in a fresh process on a SQLite file, so the PostgreSQL run proves it too."""
    probe = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=PROJECT, capture_output=True, text=True, check=True
    )
    mode, timeout, transaction_mode = result.stdout.split()
    assert (mode, transaction_mode) == ("wal", "IMMEDIATE")
    assert int(timeout) >= 10_000


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
