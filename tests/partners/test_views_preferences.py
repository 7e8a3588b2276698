"""Language choice: follows the browser first, then the user's remembered choice."""
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partners.models import UserPreference
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_switching_language_is_remembered_for_the_user_across_logins(client, team_user):
    client.force_login(team_user)
    response = client.post(reverse("partners:language"), {"language": "fr", "next": "/partners/"})
    assert response["Location"] == "/partners/"
    assert UserPreference.objects.get(user=team_user).language == "fr"
    client.logout()
    client.cookies.clear()
    login = client.post(reverse("login"), {"username": "team", "password": "correct horse battery staple"})
    assert login.status_code == 302
    assert login.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_unknown_language_is_ignored(client, team_user):
    client.force_login(team_user)
    client.post(reverse("partners:language"), {"language": "xx"})
    assert not UserPreference.objects.exists()


def test_first_visit_follows_the_browser_language(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert page.context["LANGUAGE_CODE"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


def test_organization_shows_its_official_name_in_the_users_language():
    statcan = OrganizationFactory(name="Statistics Canada", name_fr="Statistique Canada")
    giatec = OrganizationFactory(name="Giatec")
    with translation.override("fr"):
        assert (str(statcan), str(giatec)) == ("Statistique Canada", "Giatec")
    with translation.override("en"):
        assert str(statcan) == "Statistics Canada"


def test_french_name_is_searchable(client, readonly_user):
    OrganizationFactory(name="Statistics Canada", name_fr="Statistique Canada")
    client.force_login(readonly_user)
    found = client.get(reverse("partners:organization-list"), {"q": "statistique"}).context["object_list"]
    assert [o.name for o in found] == ["Statistics Canada"]


def test_switch_names_each_language_in_itself(client, team_user):
    client.force_login(team_user)
    assert ">English</button>" in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode().replace("\n", "")
    assert ">Français</button>" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode().replace("\n", "")
