"""The reports page, its exports and the partner report card: what staff see, and what it costs."""
import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Organization
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    OrganizationFactory,
    ProgramFactory,
    PublicationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXPORTS = ["partners", "breakdowns", "activity", "interactions", "collaborations", "fairs", "agreements", "cooling", "figures"]


def make_partner(index, today):
    organization = OrganizationFactory(
        name=f"Partner {index}", sectors=[SectorFactory(name="Health")], programs=[ProgramFactory(name="Industry")]
    )
    contacts = ContactFactory.create_batch(2, organization=organization)
    for days in (3, 40):
        InteractionFactory(organization=organization, contacts=contacts, occurred_on=today - datetime.timedelta(days=days))
    CollaborationFactory(organizations=[organization])
    AgreementFactory(organization=organization, end_on=today + datetime.timedelta(days=20))
    FairParticipationFactory(organization=organization, fair__held_on=today - datetime.timedelta(days=10))
    PublicationFactory().organizations.add(organization)
    return organization


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_reports_need_a_login(client):
    response = client.get(reverse("partners:report"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_seeded_government_report_lists_statistics_canada_and_natural_resources_canada(client, seeded, team_user):
    client.force_login(team_user)
    response = client.get(reverse("partners:report"), {"kind": "government"})
    names = [organization.name for organization in response.context["partner_rows"]]
    assert "Statistics Canada" in names and "Natural Resources Canada" in names
    assert all(organization.kind == "government" for organization in response.context["partner_rows"])


def test_seeded_collaborations_block_counts_the_applied_research_projects(client, seeded, team_user):
    client.force_login(team_user)
    response = client.get(reverse("partners:report"))
    counts = {(kind, status): n for kind, status, n in response.context["collaboration_counts"]}
    # Solar irradiance, telemedicine chatbot, rock composition (active) and Giatec's concrete project (completed).
    assert counts[("Applied research", "Active")] == 3
    assert counts[("Applied research", "Completed")] == 1
    assert "Concrete performance prediction and optimization" in response.content.decode()


def test_headline_figures_show_the_live_count_beside_the_published_one(client, seeded, team_user):
    client.force_login(team_user)
    response = client.get(reverse("partners:report"))
    applied = [f for f in response.context["headline_figures"] if f.metric == "applied_collaborations"]
    assert applied and {f.live_count for f in applied} == {4} and {f.value for f in applied} == {10}
    assert "as stated" in response.content.decode()


def test_report_query_string_reproduces_the_report_and_keeps_options(client, team_user):
    OrganizationFactory(name="Statistics Canada", kind="government")
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    query = {"kind": "government", "days": "30", "columns": ["country", "owner"], "date_from": "2025-12-01", "date_to": "2026-01-31"}
    response = client.get(reverse("partners:report"), query)
    assert [o.name for o in response.context["partner_rows"]] == ["Statistics Canada"]
    assert [value for value, label in response.context["columns"]] == ["country", "owner"]
    assert [label for label, count in response.context["per_month"].rows] == ["2025-12", "2026-01"]
    assert response.context["scope"].days == 30
    assert "kind=government" in response.context["query_string"]


def test_report_with_a_backwards_period_says_so_and_keeps_what_was_typed(client, team_user):
    client.force_login(team_user)
    response = client.get(reverse("partners:report"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in page
    assert 'value="2026-05-01"' in page
    assert response.context["scope"] is None


def test_export_with_invalid_filters_shows_the_form_not_a_500(client, team_user):
    client.force_login(team_user)
    response = client.get(reverse("partners:report-export", args=["partners", "csv"]), {"days": "many"})
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()


def test_unknown_export_is_a_404(client, team_user):
    client.force_login(team_user)
    assert client.get(reverse("partners:report-export", args=["salaries", "csv"])).status_code == 404
    assert client.get(reverse("partners:report-export", args=["partners", "pdf"])).status_code == 404


def test_report_page_escapes_what_users_typed(client, team_user):
    OrganizationFactory(name="<script>alert(1)</script>")
    client.force_login(team_user)
    page = client.get(reverse("partners:report")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_partner_list_shows_every_column_as_text_a_reader_can_use(client, team_user):
    """Each cell as the table shows it (the downloads' values): labels, names joined, counts, ISO dates, a dash
    for nothing known."""
    today = timezone.localdate()
    owner = UserFactory(username="jdoe", first_name="Jane", last_name="Doe")
    busy = OrganizationFactory(
        name="Busy", kind="startup", status="prospect", city="Québec", country="Canada", partner_since=2019,
        relationship_owner=owner, sectors=[SectorFactory(name="Health"), SectorFactory(name="Energy")],
        programs=[ProgramFactory(name="Industry")],
    )
    ContactFactory.create_batch(2, organization=busy)
    ContactFactory(organization=busy, archived_at=timezone.now())
    for days in (3, 40, 400):
        InteractionFactory(organization=busy, occurred_on=today - datetime.timedelta(days=days))
    CollaborationFactory(organizations=[busy], status="active")
    OrganizationFactory(name="Quiet", city="", country="")
    client.force_login(team_user)
    every_column = ["kind", "status", "sectors", "programs", "city", "country", "owner", "partner_since", "contacts",
                    "interactions", "active_collaborations", "last_interaction"]
    page = client.get(reverse("partners:report"), {"columns": every_column}).content.decode()
    table = page[page.index('<table class="report-list">'):]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)]
    assert rows == [
        ["Startup", "Prospect", "Energy; Health", "Industry", "Québec", "Canada", "Jane Doe", "2019", "2", "3", "1",
         (today - datetime.timedelta(days=3)).isoformat()],
        ["Industry company", "Partner", "—", "—", "—", "—", "—", "—", "0", "0", "0", "—"],
    ]
    assert '<td class="num">2019</td>' in table and "<td>Jane Doe</td>" in table

def test_report_query_count_does_not_grow_with_the_data(client, team_user, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(team_user)
    every_column = {"columns": ["kind", "status", "sectors", "programs", "city", "country", "owner", "partner_since",
                                "contacts", "interactions", "active_collaborations", "last_interaction"]}
    make_partner(0, today)
    # Prevents one query per partner, collaboration, fair or chart bar creeping into the report.
    with django_assert_max_num_queries(27) as small:
        client.get(reverse("partners:report"), every_column)
    for index in range(1, 8):
        make_partner(index, today)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("partners:report"), every_column)
    assert len(response.context["partner_rows"]) == 8


@pytest.mark.parametrize("table", EXPORTS)
def test_export_query_count_does_not_grow_with_the_data(client, team_user, table, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(team_user)
    make_partner(0, today)

    def download():
        for extension in ("csv", "xlsx"):
            response = client.get(reverse("partners:report-export", args=[table, extension]), {"columns": ["sectors", "owner"]})
            b"".join(response.streaming_content)

    # Prevents one query per exported row (a name looked up row by row instead of joined or prefetched).
    with django_assert_max_num_queries(30) as small:
        download()
    for index in range(1, 6):
        make_partner(index, today)
    with django_assert_max_num_queries(len(small.captured_queries)):
        download()


def test_csv_export_has_the_same_rows_as_the_screen(client, seeded, team_user):
    client.force_login(team_user)
    query = {"kind": "government", "columns": ["kind", "country"]}
    screen = client.get(reverse("partners:report"), query).context["partner_rows"]
    response = client.get(reverse("partners:report-export", args=["partners", "csv"]), query)
    rows = csv_rows(response)
    assert rows[0] == ["Name", "Kind", "Country"]
    assert [row[0] for row in rows[1:]] == [organization.name for organization in screen]
    assert {row[1] for row in rows[1:]} == {"Government agency"}
    assert response["Content-Disposition"].startswith('attachment; filename="partner-crm-partners-')


def test_exports_leave_archived_and_synthetic_organizations_out_unless_asked(client, team_user):
    OrganizationFactory(name="Kept")
    OrganizationFactory(name="Generated", is_synthetic=True)
    OrganizationFactory(name="Archived", archived_at=timezone.now())
    client.force_login(team_user)
    url = reverse("partners:report-export", args=["partners", "csv"])
    assert [row[0] for row in csv_rows(client.get(url))[1:]] == ["Kept"]
    assert [row[0] for row in csv_rows(client.get(url, {"include_synthetic": "on"}))[1:]] == ["Generated", "Kept"]


def test_report_card_shows_the_period_and_open_follow_ups(client, team_user):
    today = timezone.localdate()
    organization = make_partner(1, today)
    InteractionFactory(
        organization=organization, subject="Old lunch", occurred_on=today - datetime.timedelta(days=800)
    )
    InteractionFactory(
        organization=organization,
        subject="Ask about renewal",
        occurred_on=today - datetime.timedelta(days=1),
        follow_up_on=today + datetime.timedelta(days=5),
    )
    client.force_login(team_user)
    page = client.get(reverse("partners:report-card", args=[organization.pk])).content.decode()
    assert "Ask about renewal" in page and "Old lunch" not in page
    assert "Open follow-ups" in page
    detail = client.get(organization.get_absolute_url()).content.decode()
    assert reverse("partners:report-card", args=[organization.pk]) in detail


def test_report_card_query_count_does_not_grow_with_the_data(client, team_user, django_assert_max_num_queries):
    today = timezone.localdate()
    organization = make_partner(1, today)
    client.force_login(team_user)
    url = reverse("partners:report-card", args=[organization.pk])
    # Prevents a query per agreement, collaboration, fair participation or interaction on the card
    # (two of the 16 count the interactions and follow-ups beyond the ones shown).
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    for _ in range(5):
        InteractionFactory(organization=organization, occurred_on=today, follow_up_on=today)
        CollaborationFactory(organizations=[organization])
        AgreementFactory(organization=organization)
        FairParticipationFactory(organization=organization)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_report_card_shows_the_first_records_of_each_kind_and_says_how_many_more(
    client, team_user, django_assert_max_num_queries
):
    today = timezone.localdate()
    organization = OrganizationFactory()
    client.force_login(team_user)
    url = reverse("partners:report-card", args=[organization.pk])
    with django_assert_max_num_queries(20) as empty:
        client.get(url)
    for n in range(24):
        InteractionFactory(organization=organization, subject=f"Meeting {n}", occurred_on=today, follow_up_on=today)
        CollaborationFactory(organizations=[organization], title=f"Project {n}")
        PublicationFactory(title=f"Paper {n}").organizations.add(organization)
    # Prevents a card (and its queries) that grows with every interaction, paper and collaboration.
    with django_assert_max_num_queries(len(empty.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert len(response.context["interactions"]) == len(response.context["follow_ups"]) == 20
    assert len(response.context["organization"].first_collaborations) == 20
    assert len(response.context["organization"].first_publications) == 20
    assert page.count("and 4 more") == 4


def test_readonly_users_read_reports(client, readonly_user):
    client.force_login(readonly_user)
    assert client.get(reverse("partners:report")).status_code == 200
    assert client.get(reverse("partners:report-export", args=["partners", "csv"])).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "someday"}, "Enter dates as YYYY-MM-DD"),
        ({"date_from": "2026-05-01", "date_to": "2026-01-01"}, "The end of the period cannot be before its start."),
    ],
)
def test_report_card_with_a_bad_period_says_so_keeps_the_input_and_shows_the_default(client, team_user, query, message):
    organization = OrganizationFactory()
    client.force_login(team_user)
    response = client.get(reverse("partners:report-card", args=[organization.pk]), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{query["date_from"]}"' in page


def test_french_report_and_report_card_carry_no_english_interface_text(client, seeded, team_user):
    import polib

    from tests.test_i18n import CATALOGUE, PLACEHOLDER, TextNodes

    catalogue = polib.pofile(str(CATALOGUE))
    english = {e.msgid for e in catalogue if e.msgstr and e.msgstr != e.msgid and not PLACEHOLDER.search(e.msgid)}
    client.force_login(team_user)
    client.post(reverse("partners:language"), {"language": "fr"})
    sama = Organization.objects.get(name="Sama")
    for url in [reverse("partners:report"), reverse("partners:report") + "?q=zzz", reverse("partners:report-card", args=[sama.pk])]:
        parser = TextNodes()
        parser.feed(client.get(url).content.decode())
        assert [node for node in parser.nodes if node in english] == [], url


@pytest.mark.parametrize("sort", ["name", "-interactions", "last_interaction", "-partner_since"])
def test_report_sorts_like_the_directory(client, team_user, sort):
    busy = OrganizationFactory(name="Busy")
    OrganizationFactory(name="Quiet")
    InteractionFactory.create_batch(2, organization=busy)
    client.force_login(team_user)
    response = client.get(reverse("partners:report"), {"sort": sort})
    assert response.status_code == 200
    names = [o.name for o in response.context["partner_rows"]]
    assert sorted(names) == ["Busy", "Quiet"]
    if sort == "-interactions":
        assert names == ["Busy", "Quiet"]
    csv_names = [row[0] for row in csv_rows(client.get(reverse("partners:report-export", args=["partners", "csv"]), {"sort": sort}))[1:]]
    assert csv_names == names


def test_directory_links_its_filtered_list_to_the_export_and_the_report(client, team_user):
    OrganizationFactory(name="Statistics Canada", kind="government")
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    page = client.get(reverse("partners:organization-list"), {"kind": "government"}).content.decode()
    export = reverse("partners:report-export", args=["partners", "csv"]) + "?kind=government"
    assert export in page
    assert reverse("partners:report") + "?kind=government" in page
    assert [row[0] for row in csv_rows(client.get(export))[1:]] == ["Statistics Canada"]


def test_reports_exports_and_report_card_need_the_interaction_and_agreement_permissions(client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_organization"))
    organization = OrganizationFactory()
    client.force_login(user)
    directory = client.get(reverse("partners:organization-list")).content.decode()
    assert "/reports/partners.csv" not in directory and "?include_synthetic" not in directory  # no dead links
    assert 'href="/reports/"' not in directory  # nor in the header
    assert "/report-card/" not in client.get(organization.get_absolute_url()).content.decode()
    for url in (
        reverse("partners:report"),
        reverse("partners:report-export", args=["partners", "csv"]),
        reverse("partners:report-export", args=["interactions", "xlsx"]),
        reverse("partners:report-card", args=[organization.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_report_shows_the_first_collaborations_and_the_csv_has_them_all(client, team_user, monkeypatch):
    from partners.views import reports as report_views

    # Thousands of collaborations at scale: the page stops at the list limit (2 here), the download does not.
    monkeypatch.setattr(report_views, "LIST_LIMIT", 2)
    organization = OrganizationFactory()
    for title in ("Alpha", "Beta", "Gamma"):
        CollaborationFactory(title=title, organizations=[organization])
    client.force_login(team_user)
    response = client.get(reverse("partners:report"))
    assert [c.title for c in response.context["collaborations"]] == ["Alpha", "Beta"]
    assert "The first 2 collaborations are shown; the download has them all." in response.content.decode()
    rows = csv_rows(client.get(reverse("partners:report-export", args=["collaborations", "csv"])))
    assert [row[0] for row in rows[1:]] == ["Alpha", "Beta", "Gamma"]
