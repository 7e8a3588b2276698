"""No lost updates on staff pages: the version form mixin and the UpdateView mixin, through the real middleware."""
import re
from pathlib import Path

import pytest
from django.urls import reverse

from partners.models import Organization
from partners.selectors import history_for
from partners.services import RecordConflict
from partners.versioning import describe_conflict
from tests.factories import OrganizationFactory, SectorFactory
from tests.partners.versioning_urls import OrganizationEditForm

pytestmark = pytest.mark.django_db

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def edit_page(settings):
    """The example staff edit page of tests/partners/versioning_urls.py, served with the project's middleware."""
    settings.ROOT_URLCONF = "tests.partners.versioning_urls"
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]
    return lambda organization: reverse("organization-edit", args=[organization.pk])


def form_data(organization, **changes):
    data = {
        "name": organization.name,
        "kind": organization.kind,
        "status": organization.status,
        "city": organization.city,
        "version": organization.version,
    }
    return {**data, **changes}


def hidden_version(html):
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_form_carries_the_version_it_was_opened_on():
    organization = OrganizationFactory()
    organization.save()
    form = OrganizationEditForm(instance=organization)
    assert form.initial["version"] == 2
    assert 'type="hidden" name="version" value="2"' in str(form["version"])


def test_form_without_a_version_is_refused_with_a_message():
    organization = OrganizationFactory()
    data = form_data(organization)
    del data["version"]
    form = OrganizationEditForm(data=data, instance=organization)
    assert not form.is_valid()
    assert "Reload the page" in form.errors["version"][0]


def test_form_opened_before_another_save_cannot_overwrite_it():
    organization = OrganizationFactory(city="Montreal")
    stale = OrganizationEditForm(data=form_data(organization, city="Quebec"), instance=organization)
    colleague = Organization.objects.get(pk=organization.pk)
    colleague.city = "Laval"
    colleague.save()
    assert stale.is_valid()
    with pytest.raises(RecordConflict) as refused:
        stale.save()
    assert refused.value.saved.city == "Laval"
    assert Organization.objects.get(pk=organization.pk).city == "Laval"


def test_form_opened_on_the_latest_version_saves_through_the_version_check():
    organization = OrganizationFactory(city="Montreal")
    form = OrganizationEditForm(data=form_data(organization, city="Quebec"), instance=organization)
    assert form.is_valid()
    form.save()
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.city, stored.version) == ("Quebec", 2)


def test_describe_conflict_lists_both_versions_and_flags_the_differences(admin_user):
    health, energy = SectorFactory(name="Health"), SectorFactory(name="Energy")
    organization = OrganizationFactory(city="Montreal", sectors=[health])
    form = OrganizationEditForm(
        data={**form_data(organization, city="Quebec"), "sectors": [energy.pk]}, instance=organization
    )
    assert form.is_valid()
    saved = Organization.objects.get(pk=organization.pk)
    saved._history_user = admin_user
    saved.status = Organization.Status.FORMER
    saved.save()
    report = describe_conflict(form, saved)
    rows = {row.label: row for row in report.rows}
    assert (rows["city"].mine, rows["city"].saved, rows["city"].differs) == ("Quebec", "Montreal", True)
    assert (rows["sectors"].mine, rows["sectors"].saved, rows["sectors"].differs) == ("Energy", "Health", True)
    assert (rows["partnership status"].mine, rows["partnership status"].saved) == ("Partner", "Former partner")
    assert rows["name"].differs is False
    assert report.saved_by == admin_user


def test_second_of_two_people_editing_sees_the_conflict_and_keeps_what_they_typed(client, team_user, edit_page):
    organization = OrganizationFactory(name="Hydro-Québec", city="Montreal")
    url = edit_page(organization)
    client.force_login(team_user)
    opened_at = hidden_version(client.get(url).content.decode())

    first = form_data(organization, city="Varennes", version=opened_at)
    assert client.post(url, first).status_code == 302

    response = client.post(url, form_data(organization, city="Shawinigan <b>", version=opened_at))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in page
    assert "Varennes" in page and "Shawinigan &lt;b&gt;" in page
    assert 'value="Shawinigan &lt;b&gt;"' in page  # the form still holds what they typed
    assert Organization.objects.get(pk=organization.pk).city == "Varennes"

    # Saving again from the conflict page is a knowing choice, and it goes through.
    retry = form_data(organization, city="Shawinigan", version=hidden_version(page))
    assert client.post(url, retry).status_code == 302
    assert Organization.objects.get(pk=organization.pk).city == "Shawinigan"


def test_history_names_the_person_signed_in_on_the_request(client, team_user, edit_page):
    organization = OrganizationFactory(city="Montreal")
    client.force_login(team_user)
    client.post(edit_page(organization), form_data(organization, city="Laval"))
    latest = history_for(organization)[0]
    assert latest.user == team_user
    assert [(c.label, c.before, c.after) for c in latest.changes] == [("city", "Montreal", "Laval")]


def test_edit_page_needs_the_change_permission(client, readonly_user, edit_page):
    organization = OrganizationFactory(city="Montreal")
    client.force_login(readonly_user)
    assert client.post(edit_page(organization), form_data(organization, city="Laval")).status_code == 403
    assert Organization.objects.get(pk=organization.pk).city == "Montreal"
