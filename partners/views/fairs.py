"""Internship fair editions and partners' participation."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import services
from ..forms import FairParticipationForm
from ..models import EventSeries, FairParticipation, InternshipFair
from ..versioning import VersionConflictMixin
from .base import RoleRequiredMixin


class FairListView(RoleRequiredMixin, ListView):
    """Fair editions with their outcomes, and the fair series they belong to."""

    permission_required = "partners.view_internshipfair"
    template_name = "partners/fair_list.html"
    paginate_by = 25

    def get_queryset(self):
        return InternshipFair.objects.with_outcomes().select_related("series").order_by("-held_on", "-year", "name")

    def get_context_data(self, **kwargs):
        series = EventSeries.objects.filter(partner_exclusive=True).order_by("name")
        return super().get_context_data(series_list=series, **kwargs)


class FairDetailView(RoleRequiredMixin, DetailView):
    permission_required = "partners.view_internshipfair"
    template_name = "partners/fair_detail.html"

    def get_queryset(self):
        return InternshipFair.objects.with_outcomes().select_related("series")

    # An edition of a large fair lists hundreds of partners: a page of them at a time (2,000 took 300 ms).
    participations_per_page = 100

    def get_context_data(self, **kwargs):
        participations = self.object.participations.select_related("organization").order_by("organization__name", "pk")
        page_obj = Paginator(participations, self.participations_per_page).get_page(self.request.GET.get("page"))
        return super().get_context_data(participations=page_obj.object_list, page_obj=page_obj, **kwargs)


class ParticipationFormMixin:
    model = FairParticipation
    form_class = FairParticipationForm
    template_name = "partners/participation_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fair": self.fair}

    def get_context_data(self, **kwargs):
        return super().get_context_data(fair=self.fair, **kwargs)

    def form_valid(self, form):
        self.object = services.fair_participation_save(
            participation=form.save(commit=False), expected_version=form.expected_version
        )
        messages.success(self.request, self.success_message())
        return redirect("partners:fair-detail", pk=self.fair.pk)


class ParticipationCreateView(RoleRequiredMixin, ParticipationFormMixin, CreateView):
    """Register a partner for a fair edition."""

    permission_required = "partners.add_fairparticipation"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.fair = get_object_or_404(InternshipFair, pk=kwargs["fair_pk"])

    def get_initial(self):
        return {**super().get_initial(), "organization": self.request.GET.get("organization")}

    def success_message(self):
        return _("%(organization)s registered for %(fair)s.") % {
            "organization": self.object.organization,
            "fair": self.fair,
        }


class ParticipationUpdateView(RoleRequiredMixin, VersionConflictMixin, ParticipationFormMixin, UpdateView):
    """Record a participation's status, positions offered and placements."""

    permission_required = "partners.change_fairparticipation"
    queryset = FairParticipation.objects.select_related("fair", "organization")

    @property
    def fair(self):
        return self.object.fair

    def success_message(self):
        return _("Participation of %(organization)s in %(fair)s saved.") % {
            "organization": self.object.organization,
            "fair": self.fair,
        }
