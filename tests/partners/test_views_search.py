"""Partner names as one types: the suggestion address the partner inputs of forms ask."""
import pytest
from django.urls import reverse
from django.utils import timezone

from partners import forms
from partners.models import Contact
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def suggest(client, text):
    response = client.get(reverse("partners:partner-suggest"), {"q": text})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["names"]


def test_suggests_active_partners_whose_names_contain_the_text_first_by_name(client, readonly_user):
    for name in ["Hydro-Québec", "Hydro One", "Giatec"]:
        OrganizationFactory(name=name)
    OrganizationFactory(name="Old Hydro", archived_at=timezone.now())
    OrganizationFactory(name="Institut de recherche", short_name="IREQ-hydro")
    client.force_login(readonly_user)
    assert suggest(client, "hydro") == ["Hydro One", "Hydro-Québec", "Institut de recherche"]
    assert suggest(client, "h") == [] and suggest(client, "") == []
    assert suggest(client, "Hy\x00dro") == []


def test_suggests_a_bounded_number_of_names_in_constant_queries(client, readonly_user, django_assert_max_num_queries):
    client.force_login(readonly_user)
    OrganizationFactory(name="Partner 0")
    with django_assert_max_num_queries(10) as few:
        suggest(client, "partner")
    for number in range(1, 20):
        OrganizationFactory(name=f"Partner {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(suggest(client, "partner")) == forms.SUGGESTED


def test_the_contact_form_stays_the_same_size_past_the_listed_partners(
        client, team_user, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(forms, "PARTNERS_LISTED", 5)
    url = reverse("partners:contact-create")
    client.force_login(team_user)
    OrganizationFactory(name="Partner 0")
    with django_assert_max_num_queries(20) as few:
        small = client.get(url).content.decode()
    assert '<option value="Partner 0">' in small
    for number in range(1, 30):
        OrganizationFactory(name=f"Partner {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(url).content.decode()
    assert "Partner 1" not in large and 'data-suggest="/partners/suggest/"' in large
    # Typed in full, a partner that is not listed is still found.
    response = client.post(url, {"first_name": "Anil", "last_name": "Arora", "organization": "partner 17"})
    assert response.status_code == 302
    assert Contact.objects.get(last_name="Arora").organization.name == "Partner 17"
