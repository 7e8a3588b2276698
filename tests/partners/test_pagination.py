"""Bounded counts and keyset pages stay cheap on large tables."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.models import Organization
from partners.pagination import BoundedPaginator
from tests.factories import OrganizationFactory

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
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute("EXPLAIN QUERY PLAN " + count_sql).fetchall())
        # Prevents reading every partner's row to compare its country (1.5 ms of each directory view at L).
        assert "INDEX organization_status_country" in plan
    else:
        # The planner's choice depends on table statistics; the partial index it uses at scale must exist.
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, Organization._meta.db_table)
        assert constraints["organization_status_country"]["columns"] == ["status", "country"]
