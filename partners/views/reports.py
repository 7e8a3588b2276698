"""Reports over the filtered directory, their CSV/XLSX exports, and the printable partner report card."""
import datetime
from functools import cached_property

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, View

from .. import charts, exports
from .. import selectors_reports as reports
from ..filters import DEFAULT_REPORT_COLUMNS, REPORT_COLUMNS, ReportFilter
from ..models import Collaboration, Interaction, Organization, Publication
from .base import RoleRequiredMixin
from .organizations import RECORDS_SHOWN

# Reports show interactions and agreements beside the partners: reading them all takes all three.
REPORT_PERMISSIONS = ("partners.view_organization", "partners.view_interaction", "partners.view_agreement")
# The screen lists this many partners at most; the export always has them all.
LIST_LIMIT = 500


def _cell(value):
    """A partner list cell as HTML: ISO dates, a dash for nothing known, numbers aligned right.

    The values are the downloads' (``exports.partner_values``). A row's cells are one string written here:
    a template include per cell cost the page a quarter of a second for 500 rows, and a template loop over
    the cells still 0.17 s more than this at scale L.
    """
    if value is None or value == "":
        return "<td>—</td>"
    if isinstance(value, datetime.date):
        return f"<td>{value.isoformat()}</td>"
    if isinstance(value, int):
        return f'<td class="num">{conditional_escape(localize(value))}</td>'
    return f"<td>{conditional_escape(value)}</td>"


class ReportScopeMixin:
    """Builds the report's FilterSet once per request and the scope every block reads."""

    @cached_property
    def filterset(self):
        # Always bound, even to an empty query: the defaults (no synthetic records) then apply.
        return ReportFilter(self.request.GET, queryset=reports.report_organizations(), request=self.request)

    @cached_property
    def scope(self):
        """The report's scope, or None while a filter is invalid (the page shows the errors, no numbers)."""
        if not self.filterset.is_valid():
            return None
        data = self.filterset.form.cleaned_data
        return reports.report_scope(
            self.filterset.qs,
            today=timezone.localdate(),
            start=data.get("date_from"),
            end=data.get("date_to"),
            days=data.get("days"),
            include_synthetic=bool(data.get("include_synthetic")),
        )

    @cached_property
    def columns(self):
        chosen = self.filterset.form.cleaned_data.get("columns") if self.filterset.is_valid() else None
        return chosen or DEFAULT_REPORT_COLUMNS


class ReportView(RoleRequiredMixin, ReportScopeMixin, TemplateView):
    """Every report block over the filtered organizations; the query string reproduces it."""

    permission_required = REPORT_PERMISSIONS
    template_name = "partners/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter=self.filterset, query_string=self.request.GET.urlencode(), scope=self.scope, **kwargs
        )
        if self.scope is None:
            return context
        scope = self.scope
        partners = _("Partners")
        interactions = _("Interactions")
        breakdowns = [
            (
                dimension,
                charts.bar_chart(
                    _("Partners by %(dimension)s") % {"dimension": str(label).lower()},
                    [(bucket.label, bucket.count) for bucket in reports.partners_by(scope, dimension)],
                    category_label=label,
                    value_label=partners,
                ),
            )
            for dimension, label in reports.DIMENSIONS.items()
        ]
        partner_rows = list(reports.partner_rows(scope)[: LIST_LIMIT + 1])
        values = exports.partner_values(self.columns)
        for organization in partner_rows:
            organization.report_cells = mark_safe("".join(_cell(value) for value in values(organization)))
        # Thousands of collaborations at scale: the page shows the first ones, the download has them all.
        collaborations = list(reports.collaborations_with_partners(scope)[: LIST_LIMIT + 1])
        context.update(
            headline_figures=reports.headline_figures(scope),
            breakdowns=breakdowns,
            per_month=charts.line_chart(
                _("Interactions per month"),
                [(b.label, b.count) for b in reports.interactions_per_month(scope)],
                category_label=_("Month"),
                value_label=interactions,
            ),
            by_kind=charts.bar_chart(
                _("Interactions by kind"),
                [(b.label, b.count) for b in reports.interactions_by_kind(scope)],
                category_label=_("Kind"),
                value_label=interactions,
            ),
            by_author=charts.bar_chart(
                _("Interactions by staff member"),
                [(b.label, b.count) for b in reports.interactions_by_author(scope)],
                category_label=_("Staff member"),
                value_label=interactions,
            ),
            collaboration_counts=reports.collaborations_by_kind_and_status(scope),
            collaborations=collaborations[:LIST_LIMIT],
            collaborations_truncated=len(collaborations) > LIST_LIMIT,
            fairs=reports.fair_outcomes(scope),
            agreements_ending=reports.agreements_ending(scope),
            cooling=reports.cooling_partners(scope)[:LIST_LIMIT],
            partner_rows=partner_rows[:LIST_LIMIT],
            partners_truncated=len(partner_rows) > LIST_LIMIT,
            list_limit=LIST_LIMIT,
            columns=[(value, label) for value, label in REPORT_COLUMNS if value in self.columns],
            export_names=list(exports.TABLES),
        )
        return context


class ReportExportView(RoleRequiredMixin, ReportScopeMixin, View):
    """One report block as CSV or XLSX, for the same query string as the page."""

    permission_required = REPORT_PERMISSIONS

    def get(self, request, table, extension):
        if table not in exports.TABLES or extension not in exports.RESPONSES:
            raise Http404
        if self.scope is None:
            # Invalid filters: back to the page, which shows what to correct.
            return ReportView.as_view()(request)
        return exports.RESPONSES[extension](exports.TABLES[table](self.scope, self.columns), timezone.localdate())


class ReportCardView(RoleRequiredMixin, DetailView):
    """One partner on one or two printed pages for the annual review."""

    permission_required = REPORT_PERMISSIONS
    template_name = "partners/report_card.html"
    context_object_name = "organization"
    # A long partnership has hundreds of interactions, papers and collaborations: the card shows the
    # first few of each and says how many more, so it prints on a page or two and costs the same queries.
    queryset = (
        Organization.objects.with_record_counts()
        .annotate(publication_count=Count("publications"))
        .select_related("relationship_owner", "parent")
        .prefetch_related(
            "sectors",
            "programs",
            "agreements",
            Prefetch(
                "collaborations",
                queryset=Collaboration.objects.order_by("-status", "title", "pk")[:RECORDS_SHOWN],
                to_attr="first_collaborations",
            ),
            Prefetch(
                "publications",
                queryset=Publication.objects.order_by("-year", "title", "pk")[:RECORDS_SHOWN],
                to_attr="first_publications",
            ),
            "fair_participations__fair",
        )
    )

    @cached_property
    def period(self):
        """(start, end, error) from ``?date_from=&date_to=``; the last twelve months by default or on bad input."""
        default_start, default_end = reports.default_period(timezone.localdate())
        try:
            start = datetime.date.fromisoformat(self.request.GET.get("date_from") or default_start.isoformat())
            end = datetime.date.fromisoformat(self.request.GET.get("date_to") or default_end.isoformat())
        except ValueError:
            return default_start, default_end, _("Enter dates as YYYY-MM-DD; the last twelve months are shown.")
        if start > end:
            return default_start, default_end, _("The end of the period cannot be before its start.")
        return start, end, None

    def get_context_data(self, **kwargs):
        start, end, period_error = self.period
        organization = self.object
        interactions = Interaction.objects.filter(organization=organization).select_related("author")
        in_period = interactions.filter(occurred_on__gte=start, occurred_on__lte=end)
        follow_ups = interactions.open_follow_ups().order_by("follow_up_on", "pk")
        shown_interactions, shown_follow_ups = list(in_period[:RECORDS_SHOWN]), list(follow_ups[:RECORDS_SHOWN])
        return super().get_context_data(
            period_start=start,
            period_end=end,
            period_error=period_error,
            interactions=shown_interactions,
            follow_ups=shown_follow_ups,
            more_interactions=in_period.count() - len(shown_interactions),
            more_follow_ups=follow_ups.count() - len(shown_follow_ups),
            more_collaborations=organization.collaboration_count - len(organization.first_collaborations),
            more_publications=organization.publication_count - len(organization.first_publications),
            today=timezone.localdate(),
            **kwargs,
        )

