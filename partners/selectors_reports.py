"""Report aggregates over a filtered set of organizations: one SQL query per block."""
import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import (
    Agreement,
    Collaboration,
    FairParticipation,
    Figure,
    InternshipFair,
    Interaction,
    Organization,
    Publication,
    _count_of,
)

DEFAULT_DAYS = 90

DIMENSIONS = {
    "kind": _("Kind"),
    "sector": _("Sector"),
    "status": _("Status"),
    "program": _("Program"),
    "country": _("Country"),
    "owner": _("Relationship owner"),
}

# The headline figures the seed documents state that our own rows can be counted against.
HEADLINE_METRICS = [
    Figure.Metric.INDUSTRY_PARTNERS,
    Figure.Metric.STARTUPS_SUPPORTED,
    Figure.Metric.APPLIED_COLLABORATIONS,
    Figure.Metric.SHORT_TERM_INTERVENTIONS,
    Figure.Metric.CO_AUTHORED_PAPERS,
]


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the filtered organizations, a period, N days, synthetic data or not."""

    organizations: QuerySet
    start: datetime.date
    end: datetime.date
    today: datetime.date
    days: int = DEFAULT_DAYS
    include_synthetic: bool = False

    @property
    def organization_ids(self):
        """The filtered organizations as a subquery (no joins leak into the aggregates)."""
        return self.organizations.order_by().values("pk")

    def real(self, queryset):
        """``queryset`` without generated records unless the report asks for them."""
        return queryset if self.include_synthetic else queryset.filter(is_synthetic=False)


def report_organizations():
    """What the report's FilterSet narrows: active organizations with the counts its sorting needs."""
    return Organization.objects.active().with_engagement().order_by("name")


def default_period(today):
    """The last twelve months, whole months: the first day eleven months back to today."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1), today


def report_scope(organizations, *, today, start=None, end=None, days=None, include_synthetic=False):
    """A ReportScope with the defaults filled in (the twelve months up to ``end`` or today, 90 days)."""
    if start is None:
        start = default_period(end or today)[0]
    if end is None:
        end = max(today, start)
    return ReportScope(
        organizations=organizations,
        start=start,
        end=end,
        today=today,
        days=days or DEFAULT_DAYS,
        include_synthetic=include_synthetic,
    )


@dataclass(frozen=True)
class Bucket:
    """One row of a breakdown: what is counted and how many."""

    label: str
    count: int


def _choice_buckets(rows, field, choices):
    labels = dict(choices)
    return [Bucket(str(labels.get(row[field], row[field] or "—")), row["n"]) for row in rows]


def partners_by(scope, dimension):
    """How many of the filtered organizations fall in each kind, sector, status, program, country or owner."""
    organizations = Organization.objects.filter(pk__in=scope.organization_ids).order_by()
    if dimension in ("kind", "status"):
        field = Organization._meta.get_field(dimension)
        rows = organizations.values(dimension).annotate(n=Count("pk")).order_by("-n", dimension)
        return _choice_buckets(rows, dimension, field.choices)
    if dimension == "country":
        rows = organizations.values("country").annotate(n=Count("pk")).order_by("-n", "country")
        return [Bucket(row["country"] or "—", row["n"]) for row in rows]
    if dimension in ("sector", "program"):
        name = f"{dimension}s__name"
        # A plain count is exact: names are unique and a partner is linked to a sector once, so no partner
        # comes twice in a name's group (COUNT(DISTINCT) sorted every row: 250 -> 135 ms at L on PostgreSQL).
        rows = organizations.values(name).annotate(n=Count("pk")).order_by("-n", name)
        return [Bucket(row[name] or "—", row["n"]) for row in rows]
    if dimension == "owner":
        fields = ("relationship_owner__first_name", "relationship_owner__last_name", "relationship_owner__username")
        rows = organizations.values("relationship_owner", *fields).annotate(n=Count("pk")).order_by("-n", *fields)
        return [Bucket(_person(row, "relationship_owner__") or "—", row["n"]) for row in rows]
    raise ValueError(f"Unknown dimension {dimension!r}")


def _person(row, prefix):
    full = f"{row[prefix + 'first_name'] or ''} {row[prefix + 'last_name'] or ''}".strip()
    return full or row[prefix + "username"]


def interactions_in_period(scope):
    """Interactions with the filtered organizations during the period (read from the index on the period)."""
    interactions = Interaction.objects.filter(occurred_on__gte=scope.start, occurred_on__lte=scope.end)
    if connection.vendor == "sqlite":
        # SQLite cannot tell how many organizations the scope holds and looks the period up once per
        # organization in the timeline index: 250 ms for 100,000 of them, against 65 ms for one walk over
        # the period's index entries. "+organization_id" keeps it off the timeline index.
        organization = Func(F("organization"), template="+%(expressions)s", output_field=BigIntegerField())
        interactions = interactions.alias(scoped_organization=organization).filter(
            scoped_organization__in=scope.organization_ids
        )
    else:
        interactions = interactions.filter(organization__in=scope.organization_ids)
    return scope.real(interactions).order_by()


def _months(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def interactions_per_month(scope):
    """One bucket per calendar month of the period (empty months included), labelled YYYY-MM.

    SQL counts per day and the days are added up per month here: SQLite truncates a date to its month in
    a Python function called once per row (100,000 rows a year at scale), a day is the column itself.
    """
    counts = Counter()
    for row in interactions_in_period(scope).values("occurred_on").annotate(n=Count("*")):
        counts[row["occurred_on"].replace(day=1)] += row["n"]
    return [Bucket(month.strftime("%Y-%m"), counts[month]) for month in _months(scope.start, scope.end)]


def interactions_by_kind(scope):
    """Interactions in the period per kind, most frequent first."""
    rows = interactions_in_period(scope).values("kind").annotate(n=Count("*")).order_by("-n", "kind")
    return _choice_buckets(rows, "kind", Interaction.Kind.choices)


def interactions_by_author(scope):
    """Interactions in the period per staff member who logged them, most first (two queries).

    The counts are grouped by author id alone: joined to the users, SQLite walks the period once per user.
    """
    counts = dict(interactions_in_period(scope).values_list("author").annotate(n=Count("*")))
    authors = get_user_model().objects.filter(pk__in=counts).values("pk", "first_name", "last_name", "username")
    buckets = [Bucket(_person(author, ""), counts[author["pk"]]) for author in authors]
    return sorted(buckets, key=lambda bucket: (-bucket.count, bucket.label))


def collaborations(scope):
    """Collaborations of the filtered organizations that overlap the period; unknown dates count as open."""
    overlapping = (Q(start_on__isnull=True) | Q(start_on__lte=scope.end)) & (
        Q(end_on__isnull=True) | Q(end_on__gte=scope.start)
    )
    return scope.real(
        Collaboration.objects.filter(overlapping, partner_links__organization__in=scope.organization_ids)
    ).distinct()


def collaborations_by_kind_and_status(scope):
    """(kind label, status label, count) rows of the report's collaborations."""
    rows = (
        Collaboration.objects.filter(pk__in=collaborations(scope).values("pk"))
        .values("kind", "status")
        .annotate(n=Count("pk"))
        .order_by("kind", "status")
    )
    kinds, statuses = dict(Collaboration.Kind.choices), dict(Collaboration.Status.choices)
    return [(str(kinds.get(row["kind"], row["kind"])), str(statuses.get(row["status"], row["status"])), row["n"]) for row in rows]


def collaborations_with_partners(scope):
    """The report's collaborations with their partner organizations as ``partner_list`` (two queries)."""
    return (
        Collaboration.objects.filter(pk__in=collaborations(scope).values("pk"))
        .prefetch_related(
            Prefetch("organizations", queryset=Organization.objects.order_by("name"), to_attr="partner_list")
        )
        .order_by("kind", "title")
    )


# What fair_outcomes() sets on each edition.
FAIR_TOTALS = ("invited_count", "registered_count", "attended_count", "positions_offered", "interns_placed", "hires")


def fair_outcomes(scope):
    """Fair editions of the period with what the filtered organizations did there (two queries).

    A list, each edition with ``invited_count``, ``registered_count``, ``attended_count``,
    ``positions_offered``, ``interns_placed`` and ``hires``. The totals are grouped from the participations
    side: filtering each aggregate of the editions on the scope would repeat its subquery once per total.
    """
    in_period = Q(held_on__gte=scope.start, held_on__lte=scope.end) | Q(
        held_on__isnull=True, year__gte=scope.start.year, year__lte=scope.end.year
    )
    fairs = list(scope.real(InternshipFair.objects.filter(in_period)).order_by("-held_on", "-year", "name"))
    participations = scope.real(
        FairParticipation.objects.filter(fair__in=fairs, organization__in=scope.organization_ids)
    ).order_by()
    registered = [FairParticipation.Status.REGISTERED, FairParticipation.Status.ATTENDED]
    totals = {
        row.pop("fair"): row
        for row in participations.values("fair").annotate(
            invited_count=Count("pk"),
            registered_count=Count("pk", filter=Q(status__in=registered)),
            attended_count=Count("pk", filter=Q(status=FairParticipation.Status.ATTENDED)),
            positions_offered=Coalesce(Sum("internships_offered"), 0) + Coalesce(Sum("full_time_offered"), 0),
            interns_placed=Coalesce(Sum("interns_hired"), 0),
            hires=Coalesce(Sum("converted_full_time"), 0),
        )
    }
    empty = dict.fromkeys(FAIR_TOTALS, 0)
    for fair in fairs:
        for name, value in totals.get(fair.pk, empty).items():
            setattr(fair, name, value)
    return fairs


def agreements_ending(scope):
    """Agreements of the filtered organizations ending within N days of today."""
    return scope.real(
        Agreement.objects.ending_between(scope.today, scope.today + datetime.timedelta(days=scope.days)).filter(
            organization__in=scope.organization_ids
        )
    ).select_related("organization")


def cooling_partners(scope):
    """Filtered organizations with no interaction in the last N days, longest silent first."""
    since = scope.today - datetime.timedelta(days=scope.days)
    return (
        Organization.objects.filter(pk__in=scope.organization_ids)
        .not_contacted_since(since)
        .with_engagement()
        .select_related("relationship_owner")
        .coldest_first()
    )


def partner_rows(scope):
    """The filtered organizations with what every report column needs, in the filter's order.

    The counts come from ``report_organizations()``, the queryset the FilterSet narrowed. Sectors and
    programs are lists (``sector_list``, ``program_list``): a prefetched ``.all()`` builds a queryset per row.
    """
    return scope.organizations.select_related("relationship_owner").prefetch_related(
        Prefetch("sectors", to_attr="sector_list"), Prefetch("programs", to_attr="program_list")
    )


def _live_counts(scope):
    """Our own count for each headline metric, over every active organization (filters do not apply)."""
    organizations = scope.real(Organization.objects.active())
    collaborations_ = scope.real(Collaboration.objects.all())
    last_year = (scope.today - datetime.timedelta(days=365)).year
    return {
        Figure.Metric.INDUSTRY_PARTNERS: organizations.partners().filter(kind=Organization.Kind.INDUSTRY),
        Figure.Metric.STARTUPS_SUPPORTED: organizations.filter(kind=Organization.Kind.STARTUP),
        Figure.Metric.APPLIED_COLLABORATIONS: collaborations_.filter(kind=Collaboration.Kind.APPLIED_RESEARCH),
        Figure.Metric.SHORT_TERM_INTERVENTIONS: collaborations_.filter(kind=Collaboration.Kind.SHORT_TERM),
        # Years only are known: "the last 12 months" is every paper dated this year or last.
        Figure.Metric.CO_AUTHORED_PAPERS: scope.real(Publication.objects.all()).filter(
            Exists(
                Publication.organizations.through.objects.filter(
                    publication=OuterRef("pk"), organization__kind=Organization.Kind.INDUSTRY
                )
            ),
            kind=Publication.Kind.PAPER,
            year__gte=last_year,
        ),
    }


def headline_figures(scope):
    """The figures the documents state, each with our live count beside it, in one query."""
    live = Case(
        *(When(metric=metric, then=_count_of(queryset)) for metric, queryset in _live_counts(scope).items()),
        output_field=IntegerField(),
    )
    order = Case(*(When(metric=metric, then=index) for index, metric in enumerate(HEADLINE_METRICS)))
    return (
        Figure.objects.filter(metric__in=HEADLINE_METRICS)
        .select_related("source")
        .annotate(live_count=live, metric_order=order)
        .order_by("metric_order", "-stated_on", "source__file_name")
    )
