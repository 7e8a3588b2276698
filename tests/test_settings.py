"""Configuration from the environment and SQLite set up for concurrent writers."""
import threading

import dj_database_url
import pytest
from django.db import connection, connections

from partners.models import Organization


def test_database_url_names_postgresql():
    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/crm")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "crm"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-specific: this run uses %s" % connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


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
