"""Bounded counts and keyset pages stay cheap on large tables."""
import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Organization
from partners.pagination import BoundedPaginator
from tests.factories import InteractionFactory, OrganizationFactory
from tests.plans import index_columns, sqlite_plan

pytestmark = pytest.mark.django_db


def test_the_count_stops_past_the_cap_and_says_so():
    OrganizationFactory.create_batch(4, status="partner", country="Canada")
    paginator = BoundedPaginator(Organization.objects.order_by("name"), 2)
    paginator.cap = 3
    assert (paginator.count, paginator.capped) == (4, True)
    assert paginator.page(1).has_next() is True and paginator.page(2).has_next() is False


def test_counting_partners_in_a_country_reads_the_country_from_an_index():
    OrganizationFactory(status="partner", country="Canada")
    queryset = Organization.objects.active().filter(status="partner", country__iexact="canada").order_by("name")
    with CaptureQueriesContext(connection) as captured:
        assert BoundedPaginator(queryset, 25).count == 1
    (count_sql,) = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "sqlite":
        # Prevents reading every partner's row to compare its country (1.5 ms of each directory view at L).
        assert "INDEX organization_status_country" in sqlite_plan(count_sql)
    else:
        # The partial index it uses at scale must exist.
        assert index_columns(Organization._meta.db_table, "organization_status_country") == ["status", "country"]


def test_a_page_takes_its_rows_by_id_and_keeps_the_list_order():
    organizations = [OrganizationFactory(name=f"Org {n:02}") for n in range(7)]
    InteractionFactory.create_batch(3, organization=organizations[5])
    base = Organization.objects.active().with_engagement().order_by("name")
    listed = base.filter(name__startswith="Org").order_by("-interaction_count", "name")
    paginator = BoundedPaginator(listed, 3, rows=base)
    with CaptureQueriesContext(connection) as captured:
        first = list(paginator.page(1).object_list)
    assert [o.name for o in first] == ["Org 05", "Org 00", "Org 01"]
    assert (first[0].interaction_count, first[1].interaction_count) == (3, 0)
    assert [o.name for number in (1, 2, 3) for o in paginator.page(number)] == [o.name for o in listed]
    # Prevents computing the per-row counts for every match before sorting (a broad search at scale).
    ids_sql, rows_sql = [q["sql"] for q in captured.captured_queries]
    assert "OVER ()" in ids_sql and "interaction" not in ids_sql.split("FROM")[0].lower()
    assert "interaction" in rows_sql.lower()


def test_a_page_by_id_counts_its_matches_in_the_same_statement():
    for n in range(7):
        OrganizationFactory(name=f"Org {n:02}")
    OrganizationFactory(name="Other")
    base = Organization.objects.active().with_engagement().order_by("name")
    paginator = BoundedPaginator(base.filter(name__startswith="Org"), 3, rows=base)
    paginator.cap = 5
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(3)
        names = [o.name for o in page]
    # A search collects all its matches to sort them anyway: no second statement to count them.
    assert len(captured.captured_queries) == 2
    assert (paginator.count, paginator.capped, names, page.has_next()) == (7, True, ["Org 06"], False)
    assert paginator.page(2).has_next() is True
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")


def test_a_page_by_id_past_the_end_or_of_nothing():
    base = Organization.objects.active().with_engagement().order_by("name")
    OrganizationFactory(name="Org 1")
    paginator = BoundedPaginator(base.filter(name="nothing"), 3, rows=base)
    assert (list(paginator.page(1)), paginator.count) == ([], 0)
    with pytest.raises(EmptyPage):
        BoundedPaginator(base, 3, rows=base).page(2)


@pytest.mark.parametrize("searching", [False, True])
def test_a_page_number_past_any_offset_is_an_empty_page_not_an_error(searching):
    OrganizationFactory.create_batch(4)
    base = Organization.objects.active().with_engagement().order_by("name")
    paginator = BoundedPaginator(base, 2, rows=base if searching else None)
    paginator.cap = 3
    # The databases refuse an OFFSET past 64 bits ("bigint out of range", "datatype mismatch").
    with pytest.raises(EmptyPage):
        paginator.page(10**25)
