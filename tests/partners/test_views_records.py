"""Contacts, collaborations, fairs and global search pages."""
import re

import pytest
from django.urls import reverse

from partners.models import Collaboration, Contact, FairParticipation
from tests.factories import (
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InternshipFairFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_contact_list_searches_full_names_and_filters_by_organization(client, readonly_user):
    statcan = OrganizationFactory(name="Statistics Canada")
    ContactFactory(first_name="Anil", last_name="Arora", organization=statcan)
    ContactFactory(first_name="Wendy", last_name="Gonzalez")
    client.force_login(readonly_user)
    found = client.get(reverse("partners:contact-list"), {"q": "anil arora"}).context["object_list"]
    assert [c.last_name for c in found] == ["Arora"]
    by_org = client.get(reverse("partners:contact-list"), {"organization": statcan.pk}).context["object_list"]
    assert [c.last_name for c in by_org] == ["Arora"]
    # The filter is typed by name too, and shows the partner's name whichever way it was given.
    response = client.get(reverse("partners:contact-list"), {"organization": "statistics canada"})
    assert [c.last_name for c in response.context["object_list"]] == ["Arora"]
    assert 'value="Statistics Canada"' in response.content.decode()
    unknown = client.get(reverse("partners:contact-list"), {"organization": "Statistique"}).content.decode()
    assert "No active partner is named “Statistique”." in unknown and 'value="Statistique"' in unknown


@pytest.mark.parametrize("url_name", ["partners:contact-list", "partners:collaboration-list"])
def test_list_filters_stay_the_same_size_past_the_listed_partners(
        client, readonly_user, monkeypatch, url_name, django_assert_max_num_queries):
    from partners import forms

    monkeypatch.setattr(forms, "PARTNERS_LISTED", 5)
    client.force_login(readonly_user)
    OrganizationFactory(name="Partner 0")
    with django_assert_max_num_queries(30) as few:
        assert '<option value="Partner 0">' in client.get(reverse(url_name)).content.decode()
    for number in range(1, 30):
        OrganizationFactory(name=f"Partner {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse(url_name)).content.decode()
    assert "Partner 1" not in page and 'data-suggest="/partners/suggest/"' in page


def test_adding_a_contact_to_a_partner_preselects_it_and_keeps_one_primary(client, team_user):
    organization = OrganizationFactory()
    old = ContactFactory(organization=organization, is_primary=True)
    client.force_login(team_user)
    url = reverse("partners:contact-create") + f"?organization={organization.pk}"
    # The partner is shown by its name, which is what the input sends back.
    assert client.get(url).context["form"]["organization"].value() == organization.name
    client.post(url, {"first_name": "Anil", "last_name": "Arora", "organization": organization.name,
                      "email": "anil@example.org", "is_primary": "on"})
    new = Contact.objects.get(last_name="Arora")
    old.refresh_from_db()
    assert new.is_primary and not old.is_primary


def test_contact_with_a_bad_email_keeps_the_input(client, team_user):
    organization = OrganizationFactory()
    client.force_login(team_user)
    response = client.post(reverse("partners:contact-create"),
                           {"first_name": "Anil", "last_name": "Arora", "organization": organization.pk, "email": "not-an-email"})
    assert response.status_code == 200 and 'value="Anil"' in response.content.decode()
    assert not Contact.objects.exists()


def test_collaboration_is_created_with_partners_and_participants(client, team_user):
    home = OrganizationFactory(name="Mila", kind="home")
    researcher = ContactFactory(organization=home, last_name="Luccioni")
    partner = OrganizationFactory(name="Sama")
    client.force_login(team_user)
    response = client.post(reverse("partners:collaboration-create"), {
        "title": "Workshop", "kind": "workshop", "status": "completed", "organizations": [partner.pk],
        "participants-TOTAL_FORMS": "2", "participants-INITIAL_FORMS": "0",
        "participants-0-contact": researcher.pk, "participants-0-role": "Co-author",
        "participants-1-contact": "", "participants-1-role": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    collaboration = Collaboration.objects.get()
    assert [o.name for o in collaboration.organizations.all()] == ["Sama"]
    assert [(p.contact.last_name, p.role) for p in collaboration.participants.all()] == [("Luccioni", "Co-author")]


def test_collaboration_end_before_start_is_refused_with_everything_kept(client, team_user):
    partner = OrganizationFactory()
    client.force_login(team_user)
    response = client.post(reverse("partners:collaboration-create"), {
        "title": "Keep this title", "kind": "workshop", "status": "active", "organizations": [partner.pk],
        "start_on": "2026-05-01", "end_on": "2026-04-01",
        "participants-TOTAL_FORMS": "0", "participants-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "The end cannot be before the start." in page and 'value="Keep this title"' in page
    assert not Collaboration.objects.exists()


def test_editing_a_collaboration_replaces_its_partners(client, team_user):
    first, second = OrganizationFactory(name="First"), OrganizationFactory(name="Second")
    collaboration = CollaborationFactory(organizations=[first])
    client.force_login(team_user)
    client.post(reverse("partners:collaboration-update", args=[collaboration.pk]), {
        "title": collaboration.title, "kind": collaboration.kind, "status": "active", "organizations": [second.pk],
        "participants-TOTAL_FORMS": "0", "participants-INITIAL_FORMS": "0", "version": collaboration.version,
    })
    assert [o.name for o in collaboration.organizations.all()] == ["Second"]


def test_registering_a_partner_for_a_fair_and_recording_placements(client, team_user):
    fair = InternshipFairFactory(name="Fall 2026")
    partner = OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    url = reverse("partners:participation-create", args=[fair.pk])
    client.post(url, {"organization": partner.pk, "status": "registered", "internships_offered": 3,
                      "full_time_offered": 1, "interns_hired": 0, "converted_full_time": 0})
    participation = FairParticipation.objects.get()
    again = client.post(url, {"organization": partner.pk, "status": "invited", "internships_offered": 0,
                              "full_time_offered": 0, "interns_hired": 0, "converted_full_time": 0})
    assert "already registered" in again.content.decode()
    client.post(reverse("partners:participation-update", args=[participation.pk]),
                {"status": "attended", "internships_offered": 3, "full_time_offered": 1, "interns_hired": 2,
                 "converted_full_time": 1, "version": participation.version})
    participation.refresh_from_db()
    assert (participation.status, participation.interns_hired, participation.converted_full_time) == ("attended", 2, 1)
    page = client.get(reverse("partners:fair-detail", args=[fair.pk])).content.decode()
    assert "2 interns hired, 1 converted to full-time" in page


def test_more_conversions_than_hires_is_refused(client, team_user):
    participation = FairParticipationFactory()
    client.force_login(team_user)
    response = client.post(reverse("partners:participation-update", args=[participation.pk]),
                           {"status": "attended", "internships_offered": 1, "full_time_offered": 0,
                            "interns_hired": 1, "converted_full_time": 3, "version": participation.version})
    assert "Cannot convert more interns than were hired." in response.content.decode()


def test_global_search_finds_organizations_contacts_and_collaborations(client, readonly_user):
    sama = OrganizationFactory(name="Sama")
    ContactFactory(first_name="Wendy", last_name="Gonzalez", organization=sama)
    CollaborationFactory(title="Internships at Sama", organizations=[sama])
    client.force_login(readonly_user)
    context = client.get(reverse("partners:search"), {"q": "sama"}).context
    assert [o.name for o in context["organizations"]] == ["Sama"]
    assert [c.title for c in context["collaborations"]] == ["Internships at Sama"]
    page = client.get(reverse("partners:search"), {"q": "sama"}).content.decode()
    collaboration = Collaboration.objects.get()
    for url in (sama.get_absolute_url(), reverse("partners:collaboration-detail", args=[collaboration.pk])):
        assert f'href="{url}"' in page
    contact = client.get(reverse("partners:search"), {"q": "wendy"}).content.decode()
    assert f'href="{reverse("partners:contact-detail", args=[sama.contacts.get().pk])}"' in contact
    assert [c.last_name for c in client.get(reverse("partners:search"), {"q": "gonz"}).context["contacts"]] == ["Gonzalez"]


@pytest.mark.parametrize("url_name", ["contact-list", "collaboration-list", "fair-list", "search"])
def test_list_pages_query_count_is_constant(client, readonly_user, url_name, django_assert_max_num_queries):
    # Guards against a query per row (organization, partners or outcome counts fetched per row).
    client.force_login(readonly_user)

    def make(n):
        for _ in range(n):
            organization = OrganizationFactory(name=f"Sama {OrganizationFactory._meta.model.objects.count()}")
            ContactFactory(organization=organization, last_name="Samaritan")
            CollaborationFactory(title="Sama project", organizations=[organization, OrganizationFactory()])
            FairParticipationFactory(organization=organization)

    make(1)
    url = reverse(f"partners:{url_name}")
    with django_assert_max_num_queries(15) as few:
        client.get(url, {"q": "sama"})
    make(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"q": "sama"})


@pytest.mark.parametrize("url_name,factory", [
    ("contact-detail", ContactFactory), ("collaboration-detail", CollaborationFactory), ("fair-detail", InternshipFairFactory),
])
def test_detail_pages_render_and_unknown_ids_are_404(client, readonly_user, url_name, factory):
    client.force_login(readonly_user)
    record = factory()
    assert client.get(reverse(f"partners:{url_name}", args=[record.pk])).status_code == 200
    assert client.get(reverse(f"partners:{url_name}", args=[987654])).status_code == 404


@pytest.mark.parametrize("url_name,factory,name", [
    ("organization-detail", OrganizationFactory, lambda record: record.name),
    ("contact-detail", ContactFactory, lambda record: record.full_name),
    ("collaboration-detail", CollaborationFactory, lambda record: record.title),
])
def test_record_pages_are_titled_by_the_record_and_show_history_once(client, readonly_user, url_name, factory, name):
    client.force_login(readonly_user)
    record = factory()
    html = client.get(reverse(f"partners:{url_name}", args=[record.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title == f"{name(record)} · Partner CRM"
    assert html.count('id="history-title"') == 1



def test_a_large_fair_lists_its_partners_a_page_at_a_time(client, readonly_user, monkeypatch):
    from partners.views.fairs import FairDetailView

    monkeypatch.setattr(FairDetailView, "participations_per_page", 2)
    fair = InternshipFairFactory()
    for name in ("Cohere", "Ai Vancouver", "Dialogue"):
        FairParticipationFactory(fair=fair, organization=OrganizationFactory(name=name))
    client.force_login(readonly_user)
    url = reverse("partners:fair-detail", args=[fair.pk])

    def shown(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return [p.organization.name for p in response.context["participations"]], response.content.decode()

    names, page = shown({})
    assert names == ["Ai Vancouver", "Cohere"]
    assert "Page 1 of 2" in page and 'href="?page=2"' in page and "(3)" in page
    assert shown({"page": "2"})[0] == ["Dialogue"]
    # A page number that is not one, or past the end, shows a page rather than an error.
    assert shown({"page": "x"})[0] == ["Ai Vancouver", "Cohere"]
    assert shown({"page": "99"})[0] == ["Dialogue"]

def test_fair_detail_query_count_is_constant(client, readonly_user, django_assert_max_num_queries):
    # Guards against a query per participating organization.
    fair = InternshipFairFactory()
    client.force_login(readonly_user)
    FairParticipationFactory(fair=fair)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("partners:fair-detail", args=[fair.pk]))
    FairParticipationFactory.create_batch(10, fair=fair)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("partners:fair-detail", args=[fair.pk]))


def test_collaboration_pages_query_count_is_constant(client, team_user, django_assert_max_num_queries):
    # Guards against a query per participant on the detail page and per participant row on the form.
    home = OrganizationFactory(kind="home")
    collaboration = CollaborationFactory(organizations=[OrganizationFactory()])
    client.force_login(team_user)
    from partners.models import Participant

    Participant.objects.create(collaboration=collaboration, contact=ContactFactory(organization=home))
    urls = [reverse("partners:collaboration-detail", args=[collaboration.pk]),
            reverse("partners:collaboration-update", args=[collaboration.pk])]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for _ in range(8):
        Participant.objects.create(collaboration=collaboration, contact=ContactFactory(organization=home))
    for url, count in zip(urls, counts):
        with django_assert_max_num_queries(count):
            client.get(url)


def test_editing_a_contact_changes_it_rather_than_adding_one(client, team_user):
    contact = ContactFactory(first_name="Anil", last_name="Arora")
    client.force_login(team_user)
    client.post(reverse("partners:contact-update", args=[contact.pk]),
                {"first_name": "Anil", "last_name": "Arora", "title": "Chief Statistician",
                 "organization": contact.organization_id, "version": contact.version})
    assert Contact.objects.get().title == "Chief Statistician"


@pytest.mark.parametrize("organization", ["abc", "²", "99999999999999999999"])
def test_collaboration_form_ignores_an_organization_that_is_not_an_id(client, team_user, organization):
    """A tampered ?organization= answered 500 (found by the fuzz tests); now the form opens with none chosen."""
    client.force_login(team_user)
    response = client.get(reverse("partners:collaboration-create"), {"organization": organization})
    assert response.status_code == 200 and response.context["form"]["organizations"].value() == []


def test_collaboration_form_preselects_the_partner_it_was_opened_from(client, team_user):
    partner = OrganizationFactory()
    client.force_login(team_user)
    response = client.get(reverse("partners:collaboration-create"), {"organization": partner.pk})
    assert response.context["form"]["organizations"].value() == [partner.name]


def test_search_with_a_nul_byte_shows_an_error_and_keeps_the_text(client, readonly_user):
    """PostgreSQL refuses NUL in a comparison: the search answered 500 there (found by the fuzz tests)."""
    OrganizationFactory(name="Sama")
    client.force_login(readonly_user)
    response = client.get(reverse("partners:search"), {"q": "Sa\x00ma"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Null characters are not allowed." in page and 'value="Sa\x00ma"' in page
    assert "organizations" not in response.context


def test_collaboration_partners_typed_by_name_offer_their_people(client, team_user):
    partner = OrganizationFactory(name="Giatec Scientific")
    engineer = ContactFactory(organization=partner, last_name="Ghods")
    client.force_login(team_user)
    response = client.post(reverse("partners:collaboration-create"), {
        "title": "Concrete sensors", "kind": "applied_research", "status": "active",
        "organizations": ["giatec scientific", ""],
        "participants-TOTAL_FORMS": "1", "participants-INITIAL_FORMS": "0",
        "participants-0-contact": engineer.pk, "participants-0-role": "Engineer",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    collaboration = Collaboration.objects.get()
    assert [o.name for o in collaboration.organizations.all()] == ["Giatec Scientific"]
    assert [p.contact.last_name for p in collaboration.participants.all()] == ["Ghods"]


def test_contact_list_pages_by_name_from_an_index_and_counts_to_a_cap(client, readonly_user, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.pagination import BoundedPaginator
    from tests.plans import index_columns, sqlite_plan

    monkeypatch.setattr(BoundedPaginator, "cap", 3)
    for last_name in ["Dubois", "Arora", "Chen", "Brown"]:
        ContactFactory(last_name=last_name)
    client.force_login(readonly_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("partners:contact-list"))
    assert "More than 3 contacts" in response.content.decode()
    assert [c.last_name for c in response.context["object_list"]] == ["Arora", "Brown", "Chen", "Dubois"]
    (page_sql,) = [q["sql"] for q in captured.captured_queries if 'ORDER BY "partners_contact"."last_name"' in q["sql"]]
    if connection.vendor == "sqlite":
        # Prevents sorting every active contact (300,000 at scale L) for each page.
        assert "INDEX contact_name" in sqlite_plan(page_sql) and "TEMP B-TREE" not in sqlite_plan(page_sql)
    else:
        assert index_columns("partners_contact", "contact_name") == ["last_name", "first_name"]
