"""Partner directory, partner page, and organization forms."""
from functools import partial

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import search, services
from ..filters import OrganizationFilter
from ..forms import InteractionForm, OrganizationForm
from ..models import Collaboration, Contact, Interaction, Organization
from ..pagination import BoundedPaginator, keyset_page
from ..selectors import history_for
from ..versioning import VersionConflictMixin
from .base import FilteredListMixin, RoleRequiredMixin, with_urls

TIMELINE_PAGE_SIZE = 20
RECORDS_SHOWN = 20
# The directory's own columns, so its download reads like the page.
DIRECTORY_COLUMNS = [
    "kind", "status", "sectors", "city", "country", "owner",
    "contacts", "interactions", "active_collaborations", "last_interaction",
]


class OrganizationListView(RoleRequiredMixin, FilteredListMixin, ListView):
    """The partner directory: search, filters in the query string, counts per row."""

    permission_required = "partners.view_organization"
    filterset_class = OrganizationFilter
    template_name = "partners/organization_list.html"
    paginator_class = BoundedPaginator

    queryset = (
        Organization.objects.active()
        .with_engagement()
        # The owner's name only: a User object per row costs more than the row's other cells.
        .with_owner_name()
        # A list per row, not a queryset: .all() in the template would clone a queryset for each row.
        .prefetch_related(Prefetch("sectors", to_attr="sector_list"))
        .order_by("name")
    )

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search must collect all its matches and sort them, and the database computes each row's counts
        # before sorting: its page's rows come by id from the unfiltered queryset, counted for 25 rows only.
        # Other filters walk the name index and stop at the 26th row; for them the extra step costs more.
        form = self.filterset.form
        searching = self.filterset.is_bound and form.is_valid() and form.cleaned_data.get("q")
        ids = None
        if searching and search.indexed(searching) and all(
            value in (None, "", []) for name, value in form.cleaned_data.items() if name != "q"
        ):
            # A search alone, by name: its page and its count, bounded past the cap, from one statement.
            ids = partial(search.organization_page, searching)
        return super().get_paginator(
            queryset, per_page, rows=self.queryset.all() if searching else None, ids=ids, **kwargs
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The directory lists generated records too: its downloads and its report must cover the
        # same rows (the report leaves them out by default) with the columns the directory shows.
        query = self.request.GET.copy()
        query.pop("page", None)
        query["include_synthetic"] = "on"
        if "columns" not in query:
            query.setlist("columns", DIRECTORY_COLUMNS)
        context["export_query_string"] = query.urlencode()
        # get_kind_display() rebuilds and translates the whole choice list on every call: once per page instead.
        kinds, statuses = dict(Organization.Kind.choices), dict(Organization.Status.choices)
        for organization in with_urls(context["object_list"], "partners:organization-detail"):
            organization.kind_label = kinds.get(organization.kind, organization.kind)
            organization.status_label = statuses.get(organization.status, organization.status)
            organization.sector_names = ", ".join(sector.name for sector in organization.sector_list)
        return context


class OrganizationDetailView(RoleRequiredMixin, DetailView):
    """Everything about one partner, with its interaction timeline and a log form."""

    permission_required = "partners.view_organization"
    template_name = "partners/organization_detail.html"
    # A busy partner has hundreds of contacts and collaborations: the page shows the first few and
    # links to the filtered list, so it stays the same size whatever the partner's history.
    queryset = (
        Organization.objects.with_record_counts()
        .select_related("relationship_owner", "parent")
        .prefetch_related(
            "sectors",
            "programs",
            Prefetch(
                "contacts",
                queryset=Contact.objects.active().order_by("-is_primary", "last_name", "first_name", "pk")[:RECORDS_SHOWN],
                to_attr="first_contacts",
            ),
            "agreements",
            "children",
            Prefetch(
                "collaborations",
                queryset=Collaboration.objects.prefetch_related("organizations").order_by("-status", "title", "pk")[
                    :RECORDS_SHOWN
                ],
                to_attr="first_collaborations",
            ),
            "fair_participations__fair",
            "publications",
        )
    )

    def get_context_data(self, **kwargs):
        organization = self.object
        timeline = (
            Interaction.objects.filter(organization=organization)
            .select_related("author")
            .prefetch_related(Prefetch("contacts", queryset=Contact.objects.only("first_name", "last_name")))
        )
        page = keyset_page(timeline, before=self.request.GET.get("before"), size=TIMELINE_PAGE_SIZE)
        can_log = self.request.user.has_perm("partners.add_interaction")
        return super().get_context_data(
            today=timezone.localdate(),
            history=history_for(organization),
            timeline=page,
            interaction_form=InteractionForm(organization=organization) if can_log else None,
            **kwargs,
        )


class OrganizationFormMixin:
    model = Organization
    form_class = OrganizationForm
    template_name = "partners/organization_form.html"

    def success_message(self):
        return _("Organization “%(name)s” created.") % {"name": self.object.name}

    def form_valid(self, form):
        self.object = services.organization_save(
            organization=form.save(commit=False),
            sectors=form.cleaned_data["sectors"],
            programs=form.cleaned_data["programs"],
            expected_version=form.expected_version,
        )
        messages.success(self.request, self.success_message())
        return redirect(self.object)


class OrganizationCreateView(RoleRequiredMixin, OrganizationFormMixin, CreateView):
    permission_required = "partners.add_organization"


class OrganizationUpdateView(RoleRequiredMixin, VersionConflictMixin, OrganizationFormMixin, UpdateView):
    permission_required = "partners.change_organization"

    def success_message(self):
        return _("Changes to “%(name)s” saved.") % {"name": self.object.name}
