"""Request guards in front of the admin."""
import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        {"city": "Mont\x00real"},
        {"term": "a\x00", "app_label": "partners", "model_name": "organization", "field_name": "parent"},
    ],
)
def test_admin_refuses_a_nul_in_the_query_string_with_400(client, admin_user, query):
    """PostgreSQL answered these admin filters and autocompletes with a 500 (found by probing the fuzz values)."""
    OrganizationFactory(city="Montreal")
    client.force_login(admin_user)
    url = reverse("admin:autocomplete") if "term" in query else reverse("admin:partners_organization_changelist")
    response = client.get(url, query)
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()


def test_admin_filters_without_nul_still_work(client, admin_user):
    OrganizationFactory(city="Montreal")
    client.force_login(admin_user)
    assert client.get(reverse("admin:partners_organization_changelist"), {"q": "Organization"}).status_code == 200


def test_staff_pages_keep_their_own_validation_of_nul(client, readonly_user):
    client.force_login(readonly_user)
    assert client.get(reverse("partners:search"), {"q": "a\x00"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"occurred_on__year": "99999999999999999999"},  # OverflowError in the admin's date hierarchy
        {"occurred_on__year": "9999"},  # no year after it to bound the list
        {"occurred_on__year": "2026", "occurred_on__month": "2", "occurred_on__day": "30"},
        {"occurred_on__year": "²"},
        {"occurred_on__month": "99999999999999999999"},
    ],
)
def test_admin_refuses_a_date_drill_down_that_names_no_date_with_400(client, admin_user, query):
    """Regression: the first of these was a 500 on the interactions list (found by the admin-list fuzz test)."""
    client.force_login(admin_user)
    response = client.get(reverse("admin:partners_interaction_changelist"), query)
    assert response.status_code == 400
    assert "date that does not exist" in response.content.decode()


def test_admin_date_drill_down_to_a_real_day_still_works(client, admin_user):
    client.force_login(admin_user)
    query = {"occurred_on__year": "2026", "occurred_on__month": "2", "occurred_on__day": "28"}
    assert client.get(reverse("admin:partners_interaction_changelist"), query).status_code == 200
