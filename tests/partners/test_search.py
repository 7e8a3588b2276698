"""The search index: same answers as a plain scan, kept in sync on every write path."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners import search
from partners.backup import database_backup, database_restore
from partners.models import Collaboration, CollaborationPartner, Contact, Organization
from partners.pagination import BoundedPaginator
from partners.selectors import global_search
from partners.views.organizations import OrganizationListView
from tests.factories import CollaborationFactory, ContactFactory, OrganizationFactory
from tests.plans import index_columns, sqlite_plan

pytestmark = pytest.mark.django_db


def found(text):
    return sorted(o.name for o in search.organizations(Organization.objects.all(), text))


def test_matches_substrings_of_names_acronyms_french_names_and_contacts():
    statcan = OrganizationFactory(name="Statistics Canada", name_fr="Statistique Canada")
    ContactFactory(organization=statcan, first_name="Anil", last_name="Arora", email="anil@statcan.example")
    OrganizationFactory(name="Institut de recherche d'Hydro-Québec", short_name="IREQ")
    OrganizationFactory(name="Giatec")
    assert found("tistics can") == ["Statistics Canada"]
    assert found("STATISTIQUE") == ["Statistics Canada"]
    assert found("ireq") == ["Institut de recherche d'Hydro-Québec"]
    assert found("aror") == ["Statistics Canada"]
    assert found("anil@statcan") == ["Statistics Canada"]
    assert found("nothing like it") == []
    CollaborationFactory(title="Census modelling", organizations=[statcan])
    # A French user finds a partner's collaborations by the partner's French name.
    assert [c.title for c in search.collaborations(Collaboration.objects.all(), "statistique")] == ["Census modelling"]
    assert [c.title for c in Collaboration.objects.search("statistique")] == ["Census modelling"]


@pytest.mark.parametrize("text", ["ca", "an", "Giatec", "50%", 'say "hi"', "a_b", "Québec"])
def test_index_answers_what_the_plain_scan_answers(text):
    for name in ["Giatec", "Sama", "Canadian 50% AI", 'They say "hi"', "a_b Corp", "Hydro-Québec"]:
        organization = OrganizationFactory(name=name)
        ContactFactory(organization=organization, last_name=f"{name} person")
    CollaborationFactory(title="Québec internships", organizations=[Organization.objects.get(name="Sama")])
    assert found(text) == sorted(o.name for o in Organization.objects.search(text))
    assert sorted(search.contacts(Contact.objects.all(), text).values_list("pk", flat=True)) == sorted(
        Contact.objects.search(text).values_list("pk", flat=True))
    assert sorted(search.collaborations(Collaboration.objects.all(), text).values_list("pk", flat=True)) == sorted(
        Collaboration.objects.search(text).values_list("pk", flat=True))


def test_index_follows_insert_update_and_delete():
    organization = OrganizationFactory(name="Giatec")
    contact = ContactFactory(organization=organization, first_name="Pouria", last_name="Ghods")
    assert found("giatec") == ["Giatec"]
    organization.name = "Giatec Scientific"
    organization.save()
    assert found("scientific") == ["Giatec Scientific"]
    contact.last_name = "Ghodsi"
    contact.save()
    assert [c.last_name for c in search.contacts(Contact.objects.all(), "ghodsi")] == ["Ghodsi"]
    contact.delete()
    assert search.contacts(Contact.objects.all(), "pouria").count() == 0
    Organization.objects.filter(pk=organization.pk).update(name="Renamed by a bulk update")
    assert found("giatec") == [] and found("bulk update") == ["Renamed by a bulk update"]
    Organization.objects.filter(pk=organization.pk).delete()
    assert found("renamed") == []


def test_index_follows_bulk_create_and_collaboration_titles():
    Organization.objects.bulk_create(
        [Organization(name=f"Bulk Partner {n}", name_key=f"bulk partner {n}", kind="industry") for n in range(3)]
    )
    assert found("bulk partner") == ["Bulk Partner 0", "Bulk Partner 1", "Bulk Partner 2"]
    CollaborationFactory(title="Forecasting energy demand")
    assert [c.title for c in search.collaborations(Collaboration.objects.all(), "energy dem")] == [
        "Forecasting energy demand"]


def collaborations_found(text):
    return sorted(c.title for c in search.collaborations(Collaboration.objects.all(), text))


def test_index_comes_back_after_a_migration_rebuilt_the_table():
    giatec = OrganizationFactory(name="Giatec")
    CollaborationFactory(title="Concrete sensors", organizations=[giatec])
    if connection.vendor == "sqlite":
        # What SQLite does to triggers when a migration remakes the table.
        with connection.cursor() as cursor:
            for suffix in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER partners_organization_fts_{suffix}")
            cursor.execute("DELETE FROM partners_organization_fts")
    else:
        # What a lost trigger leaves: a names table that no longer follows the partners.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER {search.NAMES}_write ON partners_organization")
            cursor.execute(f"DELETE FROM {search.NAMES}")
            # And a database from before the index of names in order.
            cursor.execute(f"DROP INDEX {search.NAMES}_by_name")
    call_command("migrate", "partners", verbosity=0)
    assert found("giatec") == ["Giatec"]
    assert collaborations_found("giatec") == ["Concrete sensors"]
    OrganizationFactory(name="Sama")
    assert found("sama") == ["Sama"]
    if connection.vendor == "postgresql":
        assert index_columns(search.NAMES, f"{search.NAMES}_by_name") == ["name", "id", "text", "archived_at"]


def test_collaborations_are_found_by_their_partners_names_as_partners_come_and_go():
    sama, giatec = OrganizationFactory(name="Sama"), OrganizationFactory(name="Giatec")
    internships = CollaborationFactory(title="Internships", organizations=[sama])
    sensors = CollaborationFactory(title="Concrete sensors")
    assert (collaborations_found("sama"), collaborations_found("giatec")) == (["Internships"], [])
    # A merge moves the links to the partner kept.
    CollaborationPartner.objects.filter(organization=sama).update(organization=giatec)
    assert (collaborations_found("sama"), collaborations_found("giatec")) == ([], ["Internships"])
    sensors.organizations.add(giatec)
    internships.organizations.remove(giatec)
    assert collaborations_found("giatec") == ["Concrete sensors"]
    Organization.objects.filter(pk=giatec.pk).update(name="Giatec Scientific")
    assert collaborations_found("scientific") == ["Concrete sensors"]
    assert [c.title for c in global_search("scientific", 20)["collaborations"]] == ["Concrete sensors"]
    sensors.delete()
    assert collaborations_found("scientific") == []


def test_a_text_across_two_names_is_not_found_as_one():
    OrganizationFactory(name="Giatec", name_fr="Giatec Scientifique", short_name="GS")
    # PostgreSQL's names table keeps a partner's names one per line: a text with a line break must not
    # match the end of one name and the start of the next, which a plain scan would not.
    assert found("scientifique\ngs") == sorted(o.name for o in Organization.objects.search("scientifique\ngs")) == []
    assert found("scientifique") == ["Giatec"]


def test_index_follows_a_restore_that_empties_the_tables(tmp_path):
    giatec = OrganizationFactory(name="Giatec")
    database_backup(path=tmp_path / "crm.jsonl.gz")
    Organization.objects.filter(pk=giatec.pk).update(name="Sama")
    # The restore empties every table (TRUNCATE on PostgreSQL) and writes the partner back with its id.
    database_restore(path=tmp_path / "crm.jsonl.gz", force=True)
    assert (found("giatec"), found("sama")) == (["Giatec"], [])
    assert [o.name for o in global_search("giatec", 20)["organizations"]] == ["Giatec"]


def test_directory_and_global_search_use_the_index(client, team_user, django_assert_max_num_queries):
    OrganizationFactory(name="Sama", kind="industry")
    client.force_login(team_user)
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/partners/", {"q": "sama", "kind": "industry"})
    assert [o.name for o in response.context["object_list"]] == ["Sama"]
    with django_assert_max_num_queries(20) as alone:
        response = client.get("/partners/", {"q": "sama"})
    assert [o.name for o in response.context["object_list"]] == ["Sama"]
    if connection.vendor == "sqlite":
        assert any("partners_organization_fts MATCH" in q["sql"] for q in captured.captured_queries)
        assert any("partners_organization_fts MATCH" in q["sql"] for q in alone.captured_queries)
    else:
        # ANY(ARRAY(…)), not IN (…): with IN the planner reads every organization to probe the matches.
        assert any('"partners_organization"."id" = ANY(ARRAY(SELECT id FROM partners_organization_search WHERE text LIKE'
                   in q["sql"] for q in captured.captured_queries)
        # A search alone picks and counts its page in the names table, without visiting the organizations.
        (page,) = [q["sql"] for q in alone.captured_queries if "partners_organization_search" in q["sql"]]
        assert "partners_organization" not in page.replace("partners_organization_search", "")
    assert [o.name for o in client.get("/search/", {"q": "sam"}).context["organizations"]] == ["Sama"]


def add_fillers(count):
    """``count`` active partners matching none of the texts searched here.

    With 400 of them a text matches fewer than one partner in 20, and SQLite sorts its matches instead of
    walking the names in order (``search._SQLITE_BY_NAME``): the tests take both ways.
    """
    Organization.objects.bulk_create(
        [Organization(name=f"Filler {n:03}", name_key=f"filler {n:03}", kind="industry") for n in range(count)])


# A walk of 5,000 names holds these tests' pages, of 4 some, of one none (the matches are then sorted).
WALKS = [5000, 4, 1]


@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("fillers", [0, 400])
@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_directory_search_alone_lists_what_a_plain_scan_lists_in_order(
    client, team_user, page, fillers, walk, monkeypatch
):
    monkeypatch.setattr(search, "WALK", walk)
    add_fillers(fillers)
    for number in range(7):
        organization = OrganizationFactory(name=f"Partner {7 - number:02}")
        if number % 3 == 0:
            organization.archived_at = timezone.now()
            organization.save()
    OrganizationFactory(name="Zeta")
    ContactFactory(organization=Organization.objects.get(name="Zeta"), last_name="Partnerson")
    client.force_login(team_user)
    from partners.views.organizations import OrganizationListView

    per_page = 2
    monkeypatch.setattr(OrganizationListView, "paginate_by", per_page)
    response = client.get("/partners/", {"q": "partner", "page": page})
    expected = list(Organization.objects.active().search("partner").order_by("name").values_list("name", flat=True))
    assert [o.name for o in response.context["object_list"]] == expected[(page - 1) * per_page: page * per_page]
    assert response.context["paginator"].count == len(expected) == 5


@pytest.mark.parametrize("text", ["sam", "Samaritan", "bridge", "pont", "AI", "nothing"])
@pytest.mark.parametrize("walk", WALKS)
@pytest.mark.parametrize("fillers", [0, 400])
def test_global_search_lists_what_a_plain_scan_lists_in_order(text, fillers, walk, monkeypatch):
    monkeypatch.setattr(search, "WALK", walk)
    add_fillers(fillers)
    names = ["Sama", "Samasource", "Bridge AI", "Old Sama", "Pont Inc", "Zeta"]
    organizations = {name: OrganizationFactory(name=name) for name in names}
    organizations["Pont Inc"].name_fr = "Pont Bridge"
    organizations["Pont Inc"].save()
    organizations["Old Sama"].archived_at = timezone.now()
    organizations["Old Sama"].save()
    ContactFactory(organization=organizations["Zeta"], last_name="Samaritan")
    for number, name in enumerate(names):
        CollaborationFactory(title=f"Project {number}", organizations=[organizations[name]])
    CollaborationFactory(title="AI bridge", organizations=[organizations["Zeta"]])
    limit = 3
    results = global_search(text, limit)
    expected_organizations = Organization.objects.active().search(text).order_by("name", "pk")[:limit]
    assert [o.name for o in results["organizations"]] == [o.name for o in expected_organizations]
    expected_collaborations = Collaboration.objects.search(text).order_by("title", "pk")[:limit]
    assert [c.title for c in results["collaborations"]] == [c.title for c in expected_collaborations]
    assert [c.pk for c in results["contacts"]] == [c.pk for c in Contact.objects.active().search(text)[:limit]]


def test_global_search_finds_collaborations_through_the_names_of_partners_in_one(client, team_user):
    sama = OrganizationFactory(name="Sama")
    CollaborationFactory(title="Internships", organizations=[sama])
    client.force_login(team_user)
    with CaptureQueriesContext(connection) as captured:
        context = client.get("/search/", {"q": "sama"}).context
    assert ([o.name for o in context["organizations"]], [c.title for c in context["collaborations"]]) == (
        ["Sama"], ["Internships"])
    if connection.vendor == "postgresql":
        # Prevents reading every matching partner's names (3,300 heap visits for a broad text at 100,000
        # organizations) to find the collaborations: only partners in one are read, from their own index.
        (names,) = [q["sql"] for q in captured.captured_queries if search.NAMES in q["sql"]]
        assert f"FROM {search.NAMES} WHERE collaborating AND text LIKE" in names
        assert index_columns(search.NAMES, f"{search.NAMES}_collaborating") == ["text"]
    else:
        # Prevents matching the partners' names twice (2 ms of FTS5 for a broad text at scale): the partners
        # listed and the collaborations of matching partners come from one match, in one statement.
        (names,) = [q["sql"] for q in captured.captured_queries if "partners_organization_fts" in q["sql"]]
        assert names.count("partners_organization_fts MATCH") == 1


def test_global_search_runs_the_same_statements_whatever_it_finds(client, team_user):
    sama = OrganizationFactory(name="Sama")
    ContactFactory(organization=sama, last_name="Samaritan")
    CollaborationFactory(title="Internships", organizations=[sama])
    client.force_login(team_user)
    counts = []
    for text in ("sama", "nothing of the kind"):
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": text})
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]



def test_a_partner_matching_by_name_and_by_contact_is_listed_once_and_read_from_an_index(client, team_user):
    sama = OrganizationFactory(name="Sama")
    ContactFactory(organization=sama, last_name="Samaritan")
    CollaborationFactory(title="Sama internships", organizations=[sama])
    client.force_login(team_user)
    directory = client.get("/partners/", {"q": "sama"}).context
    assert [o.name for o in directory["object_list"]] == ["Sama"] and directory["paginator"].count == 1
    search_page = client.get("/search/", {"q": "sama"}).context
    assert [o.name for o in search_page["organizations"]] == ["Sama"]
    assert [c.title for c in search_page["collaborations"]] == ["Sama internships"]
    # SQLite reads a match's name and archived_at from this index once statistics say the table is large (the
    # generator and the migration run ANALYZE); a test's few rows cannot show that plan, so it checks the index.
    assert index_columns("partners_organization", "organization_id_archived_name") == ["id", "archived_at", "name"]


def test_organizations_and_collaborations_match_on_every_column_of_their_index_and_only_those():
    # Their FTS5 phrases have no column filter: a column added to these tables would be searched too.
    assert list(search.FTS_TABLES["partners_organization"]) == ["name", "name_fr", "short_name"]
    assert list(search.FTS_TABLES["partners_collaboration"]) == ["title", "summary"]


def test_collaborations_of_matching_partners_are_read_from_an_index_alone():
    sama = OrganizationFactory(name="Sama")
    CollaborationFactory(title="Internships", organizations=[sama])
    with CaptureQueriesContext(connection) as captured:
        assert [c.title for c in search.collaborations(Collaboration.objects.all(), "sama")] == ["Internships"]
    (sql,) = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "sqlite":
        # Prevents reading a table row per matching partner (3,300 of them for a broad text at scale).
        assert "COVERING INDEX collaboration_partner_by_org" in sqlite_plan(sql)
    else:
        # The index it reads alone at scale must exist.
        assert index_columns("partners_collaborationpartner", "collaboration_partner_by_org") == [
            "organization_id", "collaboration_id"]


def test_a_directory_search_with_a_no_filter_keeps_the_filter(client, team_user):
    busy, quiet = OrganizationFactory(name="Sama Busy"), OrganizationFactory(name="Sama Quiet")
    CollaborationFactory(title="Internships", status="active", organizations=[busy])
    client.force_login(team_user)
    # "No" is a value too: the search must not be answered as if it were alone.
    response = client.get("/partners/", {"q": "sama", "active_collaboration": "false"})
    assert [o.name for o in response.context["object_list"]] == [quiet.name]


@pytest.mark.parametrize("walk", WALKS)
def test_a_broad_directory_search_says_more_than_the_cap_and_pages_to_its_end(client, team_user, walk, monkeypatch):
    monkeypatch.setattr(search, "WALK", walk)
    monkeypatch.setattr(BoundedPaginator, "cap", 3)
    monkeypatch.setattr(OrganizationListView, "paginate_by", 2)
    for name in ("Sama E", "Sama A", "Sama D", "Sama B", "Sama C"):
        OrganizationFactory(name=name)
    OrganizationFactory(name="Sama Archived", archived_at=timezone.now())
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    pages = [client.get("/partners/", {"q": "sama", "page": number}) for number in (1, 2, 3)]
    assert [[o.name for o in page.context["object_list"]] for page in pages] == [
        ["Sama A", "Sama B"], ["Sama C", "Sama D"], ["Sama E"]]
    assert [page.context["page_obj"].has_next() for page in pages] == [True, True, False]
    assert all("More than 3 organizations" in page.content.decode() for page in pages)
    # Prevents counting all 3,300 matches of a broad text at scale: the count stops past the cap and past
    # the page shown, which is all the page says.
    assert [page.context["paginator"].count for page in pages] == [4, 5, 5]


@pytest.mark.django_db(transaction=True)
def test_flush_pending_merges_what_separate_writes_left_in_pieces():
    for number in range(6):
        OrganizationFactory(name=f"Partner {number}")  # each in its own transaction
    if connection.vendor == "postgresql":
        # The names table is stored in name order, so a text's matches starting their names lie together.
        def stored_order():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT name FROM {search.NAMES} WHERE name LIKE 'Partner %%' ORDER BY ctid")
                return [row[0] for row in cursor.fetchall()]

        # A partner written again goes to the end, as new ones do.
        Organization.objects.filter(name="Partner 0").update(name="Partner 0")
        assert stored_order() == [f"Partner {number}" for number in (1, 2, 3, 4, 5, 0)]
        search.flush_pending()
        assert stored_order() == [f"Partner {number}" for number in range(6)]
    elif connection.vendor == "sqlite":
        # FTS5 keeps a segment per transaction and a match reads them all: the load leaves them merged in one.
        def segments():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(DISTINCT segid) FROM partners_organization_fts_idx")
                return cursor.fetchone()[0]

        assert segments() > 1
        search.flush_pending()
        assert segments() == 1
    assert found("partner") == [f"Partner {number}" for number in range(6)]
