"""Login throttling (django-axes), the 403 hook and /healthz."""
import datetime

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed sign-in attempts for this account"


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_five_times(client, username):
    return [sign_in(client, username, f"wrong-{n}") for n in range(5)]


def test_fifth_failure_locks_the_account_and_the_right_password_is_then_refused(client, team_user):
    responses = fail_five_times(client, "team")
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert LOCKED not in responses[3].content.decode()
    assert responses[4].status_code == 429

    sixth = sign_in(client, "team", PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert LOCKED in page and "30 minutes" in page
    # The person stays on the sign-in page with what they typed.
    assert 'value="team"' in page
    assert "_auth_user_id" not in client.session



@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_a_username_longer_than_the_attempts_column_is_refused_like_any_wrong_one(client, login):
    """Django's login forms do not check the length; the attempt is recorded under the name cut to 255."""
    username = "A" * 1000
    response = client.post(reverse(login), {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["A" * 255]

def test_lock_is_kept_in_the_database_so_every_server_process_sees_it(client, team_user):
    fail_five_times(client, "team")
    assert AccessAttempt.objects.get(username="team").failures_since_start == 5
    # A new browser (no cookies, any worker) is refused too: the lock is not in the session.
    assert sign_in(Client(), "team", PASSWORD).status_code == 429


def test_lock_message_is_translated(client, team_user):
    fail_five_times(client, "team")
    page = sign_in(client, "team", PASSWORD, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Trop de tentatives de connexion infructueuses pour ce compte" in page


def test_other_accounts_are_not_locked(client, team_user, readonly_user):
    fail_five_times(client, "team")
    assert sign_in(Client(), "reader", PASSWORD).status_code == 302


def test_lock_ends_after_the_cool_off(client, team_user):
    fail_five_times(client, "team")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31))
    assert sign_in(client, "team", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_add_up(client, team_user):
    for _ in range(4):
        sign_in(client, "team", "wrong")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31))
    assert sign_in(client, "team", "wrong").status_code == 200
    assert sign_in(client, "team", PASSWORD).status_code == 302


def test_refused_write_answers_403(client, readonly_user):
    organization = OrganizationFactory()
    client.force_login(readonly_user)
    response = client.post(reverse("partners:interaction-create", args=[organization.pk]), {"subject": "x"})
    assert response.status_code == 403


def test_healthz_answers_ok_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_does_not(client, tmp_path):
    # Point the real connection at a database that cannot be opened: SQLite in a missing folder,
    # PostgreSQL at a database that does not exist. The view's own query then really fails.
    original = connection.settings_dict["NAME"]
    broken = str(tmp_path / "missing" / "db.sqlite3") if connection.vendor == "sqlite" else "crm_healthz_missing"
    connection.close()
    connection.settings_dict["NAME"] = broken
    try:
        response = client.get(reverse("healthz"))
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_healthz_costs_one_query(client, django_assert_max_num_queries):
    # Load balancers call it every few seconds: it must never grow into a real page's work.
    with django_assert_max_num_queries(1):
        client.get(reverse("healthz"))


def test_lockout_page_query_count_does_not_grow_with_failed_attempts(client, team_user, django_assert_max_num_queries):
    # Prevents the lockout answer from walking the attempt history an attacker keeps adding to.
    fail_five_times(client, "team")
    for _ in range(20):
        sign_in(client, "team", "wrong")
    with django_assert_max_num_queries(7):
        assert sign_in(client, "team", "wrong").status_code == 429
