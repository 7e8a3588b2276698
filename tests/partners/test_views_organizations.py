"""Partner directory and partner page: what staff see, and the queries it costs."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Collaboration, Organization
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    OrganizationFactory,
    PublicationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_partner(**kwargs):
    organization = OrganizationFactory(sectors=[SectorFactory(name="Health")], **kwargs)
    contacts = ContactFactory.create_batch(2, organization=organization)
    for _ in range(3):
        InteractionFactory(organization=organization, contacts=contacts)
    CollaborationFactory(organizations=[organization])
    AgreementFactory(organization=organization)
    FairParticipationFactory(organization=organization)
    PublicationFactory().organizations.add(organization)
    return organization


def test_directory_shows_counts_per_row(client, team_user):
    organization = make_partner(name="Dialogue Technologies")
    organization.sectors.add(SectorFactory(name="AI <ethics>"))
    client.force_login(team_user)
    page = client.get(reverse("partners:organization-list")).content.decode()
    row = page[page.index("Dialogue Technologies"):]
    row = row[: row.index("</tr>")]
    cells = [cell.split("<td>")[-1].split(">")[-1] for cell in row.split("</td>")]
    assert f'<a href="{organization.get_absolute_url()}">Dialogue Technologies</a>' in page
    assert cells[3] == "AI &lt;ethics&gt;, Health"
    assert cells[6:9] == ["2", "3", "1"]
    assert organization.interactions.first().occurred_on.strftime("%Y") in row


def test_directory_filters_live_in_the_query_string(client, team_user):
    OrganizationFactory(name="Statistics Canada", kind="government")
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    response = client.get(reverse("partners:organization-list"), {"kind": "government", "q": "stat"})
    assert [o.name for o in response.context["object_list"]] == ["Statistics Canada"]
    assert "kind=government" in response.context["query_string"]


def test_directory_invalid_filter_shows_an_error_not_a_500(client, team_user):
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    response = client.get(reverse("partners:organization-list"), {"partner_since_from": "soon"})
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()
    assert 'value="soon"' in response.content.decode()


def test_directory_empty_state_says_what_to_do(client, team_user):
    client.force_login(team_user)
    assert "Add the first one" in client.get(reverse("partners:organization-list")).content.decode()
    assert "No organization matches" in client.get(reverse("partners:organization-list"), {"q": "zzz"}).content.decode()


def test_directory_query_count_is_constant(client, team_user, django_assert_max_num_queries):
    # Guards against a query per row (counts, sectors or owner fetched per organization).
    client.force_login(team_user)
    make_partner()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("partners:organization-list"))
    for _ in range(15):
        make_partner()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("partners:organization-list"), {"sort": "-interactions"})


def test_partner_page_shows_everything_about_the_partner(client, team_user):
    organization = make_partner(name="Sama")
    contact = organization.contacts.first()
    client.force_login(team_user)
    page = client.get(organization.get_absolute_url()).content.decode()
    for text in [contact.full_name, "Partnership agreement", organization.collaborations.first().title,
                 organization.fair_participations.first().fair.name, organization.publications.first().title,
                 organization.interactions.first().subject, "Log interaction"]:
        assert text in page


def test_partner_timeline_is_newest_first_and_paginated(client, team_user):
    organization = OrganizationFactory()
    for day in range(1, 26):
        InteractionFactory(organization=organization, occurred_on=datetime.date(2026, 1, day), subject=f"Day {day}")
    client.force_login(team_user)
    first = client.get(organization.get_absolute_url()).context["timeline"]
    assert [i.subject for i in first][:2] == ["Day 25", "Day 24"]
    assert len(first) == 20
    assert 'rel="next" href="?before=2026-01-06' in client.get(organization.get_absolute_url()).content.decode()
    second = client.get(organization.get_absolute_url(), {"before": first.next_cursor}).context["timeline"]
    assert [i.subject for i in second] == [f"Day {d}" for d in range(5, 0, -1)]
    assert second.next_cursor is None


def test_partner_timeline_keyset_breaks_ties_on_the_same_day_without_gaps_or_repeats(client, team_user):
    organization = OrganizationFactory()
    made = [InteractionFactory(organization=organization, occurred_on=datetime.date(2026, 1, 1)) for _ in range(45)]
    client.force_login(team_user)
    seen, cursor = [], None
    for _ in range(3):
        page = client.get(organization.get_absolute_url(), {"before": cursor} if cursor else {}).context["timeline"]
        seen += [i.pk for i in page]
        cursor = page.next_cursor
    assert cursor is None
    assert seen == sorted((i.pk for i in made), reverse=True)


def test_partner_timeline_ignores_a_malformed_cursor(client, team_user):
    organization = OrganizationFactory()
    InteractionFactory(organization=organization, subject="Only one")
    client.force_login(team_user)
    response = client.get(organization.get_absolute_url(), {"before": "yesterday,<b>"})
    assert response.status_code == 200
    assert [i.subject for i in response.context["timeline"]] == ["Only one"]


def test_deep_timeline_page_costs_the_same_queries_as_the_first(client, team_user, django_assert_max_num_queries):
    # Guards against OFFSET pagination or a count creeping back into the timeline.
    organization = OrganizationFactory()
    for day in range(1, 29):
        for _ in range(3):
            InteractionFactory(organization=organization, occurred_on=datetime.date(2026, 2, day))
    client.force_login(team_user)
    with django_assert_max_num_queries(30) as first:
        page = client.get(organization.get_absolute_url()).context["timeline"]
    first_count = len(first.captured_queries)
    for _ in range(3):
        page = client.get(organization.get_absolute_url(), {"before": page.next_cursor}).context["timeline"]
    with django_assert_max_num_queries(first_count) as deep:
        client.get(organization.get_absolute_url(), {"before": page.next_cursor})
    assert not any("OFFSET" in q["sql"] for q in deep.captured_queries)


def test_directory_counts_up_to_a_cap_and_pages_on_past_it(client, team_user, monkeypatch):
    from partners.pagination import BoundedPaginator

    monkeypatch.setattr(BoundedPaginator, "cap", 30)
    for number in range(60):
        OrganizationFactory(name=f"Partner {number:02d}")
    client.force_login(team_user)
    page = client.get(reverse("partners:organization-list")).content.decode()
    assert "More than 30 organizations" in page and "Page 1<" in page and 'rel="next"' in page
    third = client.get(reverse("partners:organization-list"), {"page": 3}).context
    assert [o.name for o in third["object_list"]] == [f"Partner {n}" for n in range(50, 60)]
    assert not third["page_obj"].has_next()
    assert client.get(reverse("partners:organization-list"), {"page": 4}).status_code == 404
    small = client.get(reverse("partners:organization-list"), {"q": "Partner 0"}).content.decode()
    assert "10 organizations" in small and "More than" not in small


def test_directory_count_query_reads_at_most_the_cap(client, team_user, django_assert_max_num_queries):
    # Guards against an unbounded COUNT(*) over the whole table on every page view.
    OrganizationFactory()
    client.force_login(team_user)
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("partners:organization-list"))
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]
    assert counts and all("LIMIT 1001" in sql for sql in counts)


def test_partner_page_query_count_is_constant(client, team_user, django_assert_max_num_queries):
    # Guards against per-interaction author/contact queries and per-collaboration partner queries.
    client.force_login(team_user)
    organization = make_partner()
    with django_assert_max_num_queries(30) as few:
        client.get(organization.get_absolute_url())
    for _ in range(10):
        InteractionFactory(organization=organization, contacts=list(organization.contacts.all()))
        ContactFactory(organization=organization)
        CollaborationFactory(organizations=[organization, OrganizationFactory()], status=Collaboration.Status.COMPLETED)
        AgreementFactory(organization=organization)
        FairParticipationFactory(organization=organization)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(organization.get_absolute_url())


def test_unknown_partner_is_404(client, team_user):
    client.force_login(team_user)
    assert client.get(reverse("partners:organization-detail", args=[999999])).status_code == 404


def test_team_creates_an_organization_and_a_clashing_name_keeps_the_input(client, team_user):
    client.force_login(team_user)
    url = reverse("partners:organization-create")
    response = client.post(url, {"name": "Giatec", "kind": "industry", "status": "partner"})
    assert response.status_code == 302
    again = client.post(url, {"name": "GIATEC", "kind": "industry", "status": "prospect", "city": "Ottawa"})
    assert again.status_code == 200
    page = again.content.decode()
    assert "already exists" in page and 'value="Ottawa"' in page


def test_read_only_user_sees_no_write_buttons_and_is_refused_writes(client, readonly_user):
    organization = OrganizationFactory()
    client.force_login(readonly_user)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "Log interaction" not in page and "Add contact" not in page and ">Edit<" not in page
    assert client.post(reverse("partners:organization-create"), {"name": "X", "kind": "industry"}).status_code == 403
    assert client.get(reverse("partners:organization-update", args=[organization.pk])).status_code == 403


def test_anonymous_user_is_sent_to_login_and_back(client):
    response = client.get(reverse("partners:organization-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("partners:organization-list")


def test_user_without_a_role_is_refused(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("partners:organization-list")).status_code == 403


def test_user_typed_text_is_escaped(client, team_user):
    organization = OrganizationFactory(name="<script>alert(1)</script>")
    InteractionFactory(organization=organization, notes="<img src=x onerror=alert(2)>")
    client.force_login(team_user)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page


def test_editing_an_organization_changes_it_rather_than_adding_one(client, team_user):
    from partners.models import Organization

    organization = OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    response = client.post(reverse("partners:organization-update", args=[organization.pk]),
                           {"name": "Giatec", "kind": "industry", "status": "former", "partner_since": 2019,
                            "version": organization.version})
    assert response.status_code == 302
    assert Organization.objects.get().status == "former"


def test_a_partner_parent_is_typed_by_name_and_shown_by_name(client, team_user):
    from partners.models import Organization

    parent = OrganizationFactory(name="Natural Resources Canada")
    branch = OrganizationFactory(name="Geological Survey of Canada")
    url = reverse("partners:organization-update", args=[branch.pk])
    client.force_login(team_user)
    response = client.post(url, {"name": branch.name, "kind": "government", "status": "partner",
                                 "parent": "natural resources canada", "version": branch.version})
    assert response.status_code == 302
    assert Organization.objects.get(pk=branch.pk).parent == parent
    assert 'value="Natural Resources Canada"' in str(client.get(url).context["form"]["parent"])
    # A partner is not its own parent: its own name is not among the choices.
    own = client.post(url, {"name": branch.name, "kind": "government", "status": "partner",
                            "parent": branch.name, "version": branch.version + 1})
    assert own.status_code == 200 and own.context["form"].errors["parent"]


def test_second_of_two_staff_editing_a_partner_sees_both_versions_and_nothing_is_overwritten(client, team_user):
    from partners.models import Organization

    organization = OrganizationFactory(name="Giatec", city="Ottawa")
    url = reverse("partners:organization-update", args=[organization.pk])
    client.force_login(team_user)
    opened_at = organization.version
    first = client.post(url, {"name": "Giatec", "kind": "industry", "status": "partner", "city": "Montreal",
                              "version": opened_at})
    assert first.status_code == 302
    second = client.post(url, {"name": "Giatec", "kind": "industry", "status": "partner", "city": "Toronto",
                               "version": opened_at})
    assert second.status_code == 409
    page = second.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "Montreal" in page and 'value="Toronto"' in page
    assert Organization.objects.get().city == "Montreal"


def test_partner_page_shows_the_change_history(client, team_user):
    organization = OrganizationFactory(name="Giatec", city="Ottawa")
    client.force_login(team_user)
    client.post(reverse("partners:organization-update", args=[organization.pk]),
                {"name": "Giatec", "kind": "industry", "status": "partner", "city": "Montreal", "country": "Canada",
                 "version": organization.version})
    history = client.get(organization.get_absolute_url()).context["history"]
    assert [(c.name, c.before, c.after) for c in history[0].changes] == [("city", "Ottawa", "Montreal")]
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "Ottawa" in page and "Montreal" in page


def test_archived_partners_leave_the_directory_and_search(client, team_user):
    from partners.services import organization_archive

    archived = OrganizationFactory(name="Old Partner")
    OrganizationFactory(name="Current Partner")
    organization_archive(organization=archived, by=team_user)
    client.force_login(team_user)
    assert [o.name for o in client.get(reverse("partners:organization-list")).context["object_list"]] == ["Current Partner"]
    found = client.get(reverse("partners:search"), {"q": "partner"}).context["organizations"]
    assert [o.name for o in found] == ["Current Partner"]


def test_partner_page_lists_the_first_contacts_and_collaborations_and_links_to_all(client, team_user):
    organization = OrganizationFactory()
    ContactFactory.create_batch(22, organization=organization)
    for _ in range(21):
        CollaborationFactory(organizations=[organization])
    client.force_login(team_user)
    response = client.get(organization.get_absolute_url())
    page = response.content.decode()
    assert len(response.context["organization"].first_contacts) == 20
    assert len(response.context["organization"].first_collaborations) == 20
    assert f'/contacts/?organization={organization.pk}">All 22 contacts' in page
    assert f'/collaborations/?organization={organization.pk}">All 21 collaborations' in page


def test_a_merged_away_contact_leaves_the_partner_page_and_the_counts(client, team_user):
    from partners.services_merges import contact_merge

    organization = OrganizationFactory(name="Giatec Scientific")
    keep = ContactFactory(organization=organization, first_name="Pouria", last_name="Ghods")
    remove = ContactFactory(organization=organization, first_name="Pouria", last_name="Ghods-Duplicate")
    contact_merge(keep=keep, remove=remove, user=team_user)
    client.force_login(team_user)
    shown = client.get(organization.get_absolute_url()).context["organization"]
    assert [contact.pk for contact in shown.first_contacts] == [keep.pk]
    assert shown.contact_count == 1
    listed = client.get(reverse("partners:organization-list")).context["object_list"]
    assert [row.contact_count for row in listed if row.pk == organization.pk] == [1]


def test_directory_download_has_exactly_the_rows_the_directory_shows(client, team_user):
    import csv
    import html
    import io
    import re

    from django.utils import timezone

    OrganizationFactory(name="Kept Partner", kind="industry")
    OrganizationFactory(name="Generated Partner", kind="industry", is_synthetic=True)
    OrganizationFactory(name="Other Kind", kind="government")
    OrganizationFactory(name="Archived Partner", kind="industry", archived_at=timezone.now())
    client.force_login(team_user)
    response = client.get(reverse("partners:organization-list"), {"kind": "industry"})
    shown = [organization.name for organization in response.context["object_list"]]
    link = html.unescape(re.search(r'href="([^"]*/reports/partners\.csv[^"]*)"', response.content.decode()).group(1))
    download = client.get(link)
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert shown == ["Generated Partner", "Kept Partner"]
    assert [row[0] for row in rows[1:]] == shown
    assert rows[0][:4] == ["Name", "Kind", "Status", "Sectors"]


def test_a_search_counts_interactions_for_the_rows_it_shows_only(client, team_user):
    for number in range(30):
        OrganizationFactory(name=f"Boreal {number:02}")
    InteractionFactory(organization=Organization.objects.get(name="Boreal 01"))
    client.force_login(team_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("partners:organization-list"), {"q": "boreal"})
    rows = response.context["object_list"]
    assert [o.name for o in rows] == [f"Boreal {number:02}" for number in range(25)]
    assert [o.interaction_count for o in rows[:3]] == [0, 1, 0]
    assert "30 organizations" in response.content.decode()
    # Prevents computing every match's counts before sorting them (a broad search at 100,000 partners),
    # and collecting the matches twice, once to count them and once for the page.
    (search,) = [q["sql"] for q in captured.captured_queries if "boreal" in q["sql"].lower()]
    assert "interaction" not in search.lower()


def test_the_directory_count_reads_the_organizations_alone(client, team_user):
    owner = UserFactory(first_name="Ada", last_name="Lovelace")
    OrganizationFactory(name="Giatec", status="partner", country="Canada", relationship_owner=owner)
    client.force_login(team_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("partners:organization-list"), {"status": "partner", "country": "canada"})
    assert [o.owner_name for o in response.context["object_list"]] == ["Ada Lovelace"]
    (count,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    # A join left in the count (from the owner's name) turned PostgreSQL's index-only count into a heap scan.
    assert "JOIN" not in count


@pytest.mark.parametrize("query", [{"q": "sama"}, {}])
def test_a_page_number_no_list_reaches_is_not_found(client, team_user, query):
    OrganizationFactory(name="Sama")
    client.force_login(team_user)
    response = client.get(reverse("partners:organization-list"), {**query, "page": "9" * 25})
    assert response.status_code == 404
