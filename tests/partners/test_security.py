"""The security log: what it records, and that it holds no password or personal data."""
import logging

import pytest
from django.test import Client
from django.urls import reverse

from partners.security import account_digest
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="partners.security")
    return caplog


def security_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "partners.security"]


def test_sign_in_failed_sign_in_lockout_and_refusal_are_logged_without_personal_data(client, security_log):
    user = UserFactory(username="marie.curie", last_name="Curie", email="marie.curie@example.org", group="Read-only")
    organization = OrganizationFactory()

    for _ in range(5):
        client.post(reverse("login"), {"username": "marie.curie", "password": "hunter2-secret"})
    client.post(reverse("login"), {"username": "marie.curie", "password": PASSWORD})
    client.force_login(user)
    client.post(reverse("partners:interaction-create", args=[organization.pk]), {"subject": "x"})

    lines = security_lines(security_log)
    digest = account_digest("marie.curie")
    assert lines.count(f"login_failed account={digest} method=POST path=/accounts/login/") >= 5
    assert f"login_locked account={digest} method=POST path=/accounts/login/" in lines
    assert f"permission_denied user_id={user.pk} method=POST path=/partners/{organization.pk}/interactions/new/" in lines
    everything = "\n".join(security_log.text.splitlines() + lines)
    for secret in ["hunter2-secret", PASSWORD, "marie.curie", "marie.curie@example.org", "Curie"]:
        assert secret not in everything


def test_successful_sign_in_is_logged_by_user_id(client, team_user, security_log):
    client.post(reverse("login"), {"username": "team", "password": PASSWORD})
    assert f"login user_id={team_user.pk} method=POST path=/accounts/login/" in security_lines(security_log)
    assert PASSWORD not in security_log.text


def test_account_digest_is_stable_and_hides_the_username():
    assert account_digest("Marie.Curie ") == account_digest("marie.curie")
    assert account_digest("marie.curie") != account_digest("pierre.curie")
    assert "marie" not in account_digest("marie.curie")


def test_refused_csrf_check_is_logged(team_user, security_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team_user)
    organization = OrganizationFactory()
    response = client.post(reverse("partners:interaction-create", args=[organization.pk]), {"subject": "x"})
    assert response.status_code == 403
    line = f"csrf_failure user_id={team_user.pk} method=POST path=/partners/{organization.pk}/interactions/new/"
    assert any(message.startswith(line) for message in security_lines(security_log))
