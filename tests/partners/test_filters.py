"""The directory FilterSet (shared with the reports)."""
import datetime

import pytest

from partners.filters import OrganizationFilter
from partners.models import Collaboration, Organization
from tests.factories import (
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    OrganizationFactory,
    ProgramFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def names(params):
    return sorted(o.name for o in OrganizationFilter(params, queryset=Organization.objects.all()).qs)


def test_search_matches_name_acronym_contact_name_and_email():
    statcan = OrganizationFactory(name="Statistics Canada")
    ContactFactory(organization=statcan, first_name="Anil", last_name="Arora", email="anil@statcan.example")
    OrganizationFactory(name="Institut de recherche d'Hydro-Québec", short_name="IREQ")
    OrganizationFactory(name="Giatec")
    assert names({"q": "statistics"}) == ["Statistics Canada"]
    assert names({"q": "ireq"}) == ["Institut de recherche d'Hydro-Québec"]
    assert names({"q": "Arora"}) == ["Statistics Canada"]
    assert names({"q": "anil@statcan"}) == ["Statistics Canada"]


def test_kind_sector_status_program_owner_and_place_filters_combine():
    health, energy = SectorFactory(name="Health"), SectorFactory(name="Energy")
    program = ProgramFactory(name="AI for Humanity")
    owner = UserFactory()
    OrganizationFactory(name="Dialogue", sectors=[health], programs=[program], relationship_owner=owner, city="Montreal")
    OrganizationFactory(name="IREQ", sectors=[energy], city="Varennes")
    OrganizationFactory(name="StatCan", kind=Organization.Kind.GOVERNMENT, country="Canada")
    assert names({"sector": health.pk}) == ["Dialogue"]
    assert names({"program": program.pk, "owner": owner.pk}) == ["Dialogue"]
    assert names({"kind": "government"}) == ["StatCan"]
    assert names({"city": "varen"}) == ["IREQ"]
    assert names({"status": "prospect"}) == []


def test_partner_since_range_is_inclusive():
    OrganizationFactory(name="A", partner_since=2017)
    OrganizationFactory(name="B", partner_since=2019)
    OrganizationFactory(name="C", partner_since=2021)
    OrganizationFactory(name="Unknown")
    assert names({"partner_since_from": 2019, "partner_since_to": 2021}) == ["B", "C"]


def test_last_interaction_before_includes_never_contacted_and_after_excludes_them():
    met_recently, met_long_ago = OrganizationFactory(name="Recent"), OrganizationFactory(name="Old")
    OrganizationFactory(name="Never")
    InteractionFactory(organization=met_recently, occurred_on=datetime.date(2026, 11, 1))
    InteractionFactory(organization=met_long_ago, occurred_on=datetime.date(2026, 3, 1))
    assert names({"last_interaction_before": "2026-06-01"}) == ["Never", "Old"]
    assert names({"last_interaction_after": "2026-06-01"}) == ["Recent"]


def test_active_collaboration_and_fair_filters():
    busy, idle = OrganizationFactory(name="Busy"), OrganizationFactory(name="Idle")
    CollaborationFactory(organizations=[busy])
    CollaborationFactory(organizations=[idle], status=Collaboration.Status.COMPLETED)
    participation = FairParticipationFactory(organization=idle)
    assert names({"active_collaboration": "true"}) == ["Busy"]
    assert names({"active_collaboration": "false"}) == ["Idle"]
    assert names({"fair": participation.fair.pk}) == ["Idle"]


def test_sorting_by_last_interaction_needs_the_engagement_annotation():
    first, second = OrganizationFactory(name="First"), OrganizationFactory(name="Second")
    InteractionFactory(organization=first, occurred_on=datetime.date(2026, 1, 1))
    InteractionFactory(organization=second, occurred_on=datetime.date(2026, 2, 1))
    qs = OrganizationFilter({"sort": "-last_interaction"}, queryset=Organization.objects.with_engagement()).qs
    assert [o.name for o in qs] == ["Second", "First"]


@pytest.mark.parametrize("sort, expected", [
    ("last_interaction", ["Empty", "Early", "Late"]),
    ("-last_interaction", ["Late", "Early", "Empty"]),
    ("partner_since", ["Empty", "Early", "Late"]),
    ("-partner_since", ["Late", "Early", "Empty"]),
])
def test_an_empty_value_sorts_as_the_earliest_on_every_database(sort, expected):
    # PostgreSQL puts NULL last when ascending and SQLite first: the directory must not depend on which runs.
    OrganizationFactory(name="Empty", partner_since=None)
    InteractionFactory(organization=OrganizationFactory(name="Early", partner_since=2010), occurred_on=datetime.date(2020, 1, 1))
    InteractionFactory(organization=OrganizationFactory(name="Late", partner_since=2020), occurred_on=datetime.date(2026, 1, 1))
    qs = OrganizationFilter({"sort": sort}, queryset=Organization.objects.with_engagement()).qs
    assert [o.name for o in qs] == expected


@pytest.mark.parametrize("sort", ["kind", "-status", "last_interaction", "-interactions"])
def test_equal_values_come_by_name_so_pages_neither_repeat_nor_skip(sort):
    for name in ["Delta", "alpha", "Charlie", "Bravo", "Echo"]:
        OrganizationFactory(name=name, kind=Organization.Kind.INDUSTRY, status=Organization.Status.PARTNER)
    qs = OrganizationFilter({"sort": sort}, queryset=Organization.objects.with_engagement()).qs
    pages = [[o.name for o in qs[start:start + 2]] for start in (0, 2, 4)]
    assert sum(pages, []) == [o.name for o in Organization.objects.order_by("name", "pk")]


def test_an_invalid_value_is_reported_not_raised():
    filterset = OrganizationFilter({"partner_since_from": "soon"}, queryset=Organization.objects.all())
    assert not filterset.is_valid()
    assert "partner_since_from" in filterset.errors
