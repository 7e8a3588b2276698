"""Report aggregates: numbers checked against data made for each test."""
import datetime

import pytest
from django.utils import timezone

from partners import selectors_reports as reports
from partners.filters import ReportFilter
from partners.models import Collaboration, Figure, SourceDocument
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    FairParticipationFactory,
    InteractionFactory,
    InternshipFairFactory,
    OrganizationFactory,
    ProgramFactory,
    PublicationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)


def scope_for(query=None, **kwargs):
    """The scope the reports page would build for ``query``."""
    filterset = ReportFilter(query or {}, queryset=reports.report_organizations())
    assert filterset.is_valid(), filterset.errors
    return reports.report_scope(filterset.qs, today=TODAY, **kwargs)


def counts(buckets):
    return {bucket.label: bucket.count for bucket in buckets}


def test_every_block_is_empty_and_zero_on_an_empty_database():
    scope = scope_for()
    assert all(reports.partners_by(scope, dimension) == [] for dimension in reports.DIMENSIONS)
    assert {bucket.count for bucket in reports.interactions_per_month(scope)} == {0}
    assert len(reports.interactions_per_month(scope)) == 12
    assert reports.interactions_by_kind(scope) == [] and reports.interactions_by_author(scope) == []
    assert reports.collaborations_by_kind_and_status(scope) == []
    assert reports.fair_outcomes(scope) == []
    assert not reports.agreements_ending(scope).exists() and not reports.cooling_partners(scope).exists()


def test_partners_by_each_dimension_counts_the_filtered_organizations():
    health, energy = SectorFactory(name="Health"), SectorFactory(name="Energy")
    owner = UserFactory(first_name="Olga", last_name="Owner")
    OrganizationFactory(name="A", sectors=[health, energy], programs=[ProgramFactory(name="Industry")], relationship_owner=owner)
    OrganizationFactory(name="B", sectors=[health], kind="startup", country="France")
    OrganizationFactory(name="C", kind="government", status="prospect", country="")
    scope = scope_for()
    assert counts(reports.partners_by(scope, "kind")) == {"Industry company": 1, "Startup": 1, "Government agency": 1}
    assert counts(reports.partners_by(scope, "status")) == {"Partner": 2, "Prospect": 1}
    assert counts(reports.partners_by(scope, "sector")) == {"Health": 2, "Energy": 1, "—": 1}
    assert counts(reports.partners_by(scope, "program")) == {"Industry": 1, "—": 2}
    assert counts(reports.partners_by(scope, "country")) == {"Canada": 1, "France": 1, "—": 1}
    assert counts(reports.partners_by(scope, "owner")) == {"Olga Owner": 1, "—": 2}


def test_directory_filters_narrow_every_block_and_a_filter_matching_nothing_gives_zeros():
    health = SectorFactory(name="Health")
    in_health = OrganizationFactory(name="Dialogue", sectors=[health])
    elsewhere = OrganizationFactory(name="Giatec")
    InteractionFactory(organization=in_health, occurred_on=datetime.date(2025, 12, 1))
    InteractionFactory(organization=elsewhere, occurred_on=datetime.date(2025, 12, 2))
    CollaborationFactory(organizations=[elsewhere])
    scope = scope_for({"sector": str(health.pk)})
    assert counts(reports.partners_by(scope, "kind")) == {"Industry company": 1}
    assert sum(bucket.count for bucket in reports.interactions_per_month(scope)) == 1
    assert reports.collaborations_by_kind_and_status(scope) == []
    nothing = scope_for({"q": "no such partner"})
    assert reports.partners_by(nothing, "kind") == []
    assert sum(bucket.count for bucket in reports.interactions_per_month(nothing)) == 0
    assert list(reports.partner_rows(nothing)) == []


def test_interactions_per_month_across_a_year_boundary_keeps_empty_months_and_the_edges():
    organization = OrganizationFactory()
    for day in [
        datetime.date(2025, 11, 30),  # the day before the period: out
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 2, 28),  # the last day of the period: in
        datetime.date(2026, 3, 1),  # after: out
    ]:
        InteractionFactory(organization=organization, occurred_on=day)
    scope = scope_for(start=datetime.date(2025, 12, 1), end=datetime.date(2026, 2, 28))
    assert [(b.label, b.count) for b in reports.interactions_per_month(scope)] == [
        ("2025-12", 2),
        ("2026-01", 0),
        ("2026-02", 1),
    ]


def test_default_period_is_the_last_twelve_whole_months():
    assert reports.default_period(datetime.date(2026, 1, 15)) == (datetime.date(2025, 2, 1), datetime.date(2026, 1, 15))
    assert reports.default_period(datetime.date(2026, 12, 3)) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 3))


def test_a_period_with_one_end_given_runs_forwards():
    only_end = scope_for(end=datetime.date(2024, 3, 10))
    assert (only_end.start, only_end.end) == (datetime.date(2023, 4, 1), datetime.date(2024, 3, 10))
    only_start = scope_for(start=datetime.date(2026, 6, 1))  # after TODAY
    assert (only_start.start, only_start.end) == (datetime.date(2026, 6, 1), datetime.date(2026, 6, 1))


def test_interactions_by_kind_and_by_staff_member():
    organization = OrganizationFactory()
    ana = UserFactory(first_name="Ana", last_name="Lyst")
    InteractionFactory.create_batch(2, organization=organization, author=ana, kind="call", occurred_on=TODAY)
    InteractionFactory(organization=organization, kind="meeting", occurred_on=TODAY)
    scope = scope_for()
    assert counts(reports.interactions_by_kind(scope)) == {"Call": 2, "Meeting": 1}
    assert reports.interactions_by_author(scope)[0] == reports.Bucket("Ana Lyst", 2)


def test_synthetic_and_archived_records_stay_out_unless_asked():
    real = OrganizationFactory(name="Real")
    generated = OrganizationFactory(name="Generated", is_synthetic=True)
    OrganizationFactory(name="Gone", archived_at=timezone.now())
    InteractionFactory(organization=real, occurred_on=TODAY)
    InteractionFactory(organization=real, occurred_on=TODAY, is_synthetic=True)
    InteractionFactory(organization=generated, occurred_on=TODAY)
    scope = scope_for()
    assert [o.name for o in reports.partner_rows(scope)] == ["Real"]
    assert sum(b.count for b in reports.interactions_per_month(scope)) == 1
    with_synthetic = scope_for({"include_synthetic": "on"}, include_synthetic=True)
    assert [o.name for o in reports.partner_rows(with_synthetic)] == ["Generated", "Real"]
    assert sum(b.count for b in reports.interactions_per_month(with_synthetic)) == 3


def test_collaborations_by_kind_and_status_count_each_collaboration_once():
    a, b = OrganizationFactory(), OrganizationFactory()
    CollaborationFactory(organizations=[a, b])  # two partners, one collaboration
    CollaborationFactory(organizations=[a], status="completed")
    CollaborationFactory(organizations=[b], kind="short_term")
    CollaborationFactory(organizations=[a], start_on=datetime.date(2020, 1, 1), end_on=datetime.date(2020, 6, 1))
    rows = reports.collaborations_by_kind_and_status(scope_for())
    assert rows == [
        ("Applied research", "Active", 1),
        ("Applied research", "Completed", 1),
        ("Short-term targeted intervention", "Active", 1),
    ]
    partners = {c.title: len(c.organizations.all()) for c in reports.collaborations_with_partners(scope_for())}
    assert sorted(partners.values()) == [1, 1, 2]


def test_fair_outcomes_count_only_the_filtered_partners_of_editions_in_the_period():
    fair = InternshipFairFactory(name="Fall 2025", held_on=datetime.date(2025, 10, 15))
    InternshipFairFactory(name="Fall 2023", held_on=datetime.date(2023, 10, 15))
    health = SectorFactory(name="Health")
    mine = OrganizationFactory(sectors=[health])
    FairParticipationFactory(
        fair=fair, organization=mine, status="attended", internships_offered=3, full_time_offered=2, interns_hired=2,
        converted_full_time=1,
    )
    FairParticipationFactory(fair=fair, organization=OrganizationFactory(sectors=[health]), status="invited")
    FairParticipationFactory(fair=fair, organization=OrganizationFactory(), status="attended", internships_offered=9)
    [row] = reports.fair_outcomes(scope_for({"sector": str(health.pk)}))
    assert (row.name, row.invited_count, row.registered_count, row.attended_count) == ("Fall 2025", 2, 1, 1)
    assert (row.positions_offered, row.interns_placed, row.hires) == (5, 2, 1)


def test_fair_outcomes_list_an_edition_without_the_filtered_partners_with_zeros_and_leave_synthetic_out():
    spring = InternshipFairFactory(name="Spring 2025", held_on=datetime.date(2025, 4, 15))
    InternshipFairFactory(name="Fall 2025", held_on=datetime.date(2025, 10, 15))
    FairParticipationFactory(fair=spring, status="attended", interns_hired=4)
    FairParticipationFactory(fair=spring, status="registered", is_synthetic=True, internships_offered=7)
    assert [(row.name, row.invited_count, row.registered_count, row.interns_placed, row.positions_offered)
            for row in reports.fair_outcomes(scope_for())] == [("Fall 2025", 0, 0, 0, 0), ("Spring 2025", 1, 1, 4, 0)]
    with_synthetic = reports.fair_outcomes(scope_for(include_synthetic=True))
    assert [(row.name, row.invited_count, row.positions_offered) for row in with_synthetic] == [
        ("Fall 2025", 0, 0), ("Spring 2025", 2, 7)]


def test_agreements_ending_and_cooling_partners_use_n_days():
    quiet = OrganizationFactory(name="Quiet")
    busy = OrganizationFactory(name="Busy")
    InteractionFactory(organization=busy, occurred_on=TODAY - datetime.timedelta(days=5))
    InteractionFactory(organization=quiet, occurred_on=TODAY - datetime.timedelta(days=50))
    AgreementFactory(organization=quiet, end_on=TODAY + datetime.timedelta(days=20))
    AgreementFactory(organization=busy, end_on=TODAY + datetime.timedelta(days=200))
    scope = scope_for(days=30)
    assert [a.organization.name for a in reports.agreements_ending(scope)] == ["Quiet"]
    assert [o.name for o in reports.cooling_partners(scope)] == ["Quiet"]
    assert [o.name for o in reports.cooling_partners(scope_for(days=60))] == []
    OrganizationFactory(name="Silent")
    InteractionFactory(organization=OrganizationFactory(name="Quieter"), occurred_on=TODAY - datetime.timedelta(days=90))
    # Longest silent first on either database: never contacted, then the oldest last interaction.
    assert [o.name for o in reports.cooling_partners(scope)] == ["Silent", "Quieter", "Quiet"]


def test_headline_figures_put_live_counts_beside_the_stated_ones():
    home = OrganizationFactory(name="Institute", kind="home", status="none")
    source = SourceDocument.objects.create(file_name="doc.txt", title="Annual report", kind="web_page")
    for metric in reports.HEADLINE_METRICS:
        Figure.objects.create(organization=home, metric=metric, value=10, source=source, stated_on=datetime.date(2025, 6, 1))
    industry = OrganizationFactory.create_batch(2, kind="industry")
    OrganizationFactory(kind="industry", status="prospect")
    OrganizationFactory(kind="startup")
    CollaborationFactory.create_batch(3, kind=Collaboration.Kind.APPLIED_RESEARCH)
    CollaborationFactory(kind=Collaboration.Kind.SHORT_TERM)
    recent = PublicationFactory(year=2025)
    recent.organizations.set(industry)  # two industry co-authors: still one paper
    PublicationFactory(year=2020).organizations.add(industry[0])
    live = {figure.metric: figure.live_count for figure in reports.headline_figures(scope_for())}
    assert live == {
        "industry_partners": 2,
        "startups_supported": 1,
        "applied_collaborations": 3,
        "short_term_interventions": 1,
        "co_authored_papers": 1,
    }
