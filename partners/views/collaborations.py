"""Collaboration list, collaboration page, and the form with its participants."""
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import services
from ..filters import CollaborationFilter
from ..forms import CollaborationForm, ParticipantFormSet, partners_named, record_ids
from ..models import Collaboration, Contact, Organization, Participant
from ..selectors import history_for
from ..versioning import VersionConflictMixin
from .base import FilteredListMixin, RoleRequiredMixin


class CollaborationListView(RoleRequiredMixin, FilteredListMixin, ListView):
    permission_required = "partners.view_collaboration"
    filterset_class = CollaborationFilter
    template_name = "partners/collaboration_list.html"

    queryset = (
        Collaboration.objects.annotate(participant_count=Count("participants", distinct=True))
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.only("name", "name_fr", "short_name")))
        .order_by("title")
    )


class CollaborationDetailView(RoleRequiredMixin, DetailView):
    permission_required = "partners.view_collaboration"
    template_name = "partners/collaboration_detail.html"
    queryset = Collaboration.objects.prefetch_related(
        "organizations",
        "research_areas",
        Prefetch("participants", queryset=Participant.objects.select_related("contact__organization")),
        "publications",
    )

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=history_for(self.object), **kwargs)


class CollaborationCreateView(RoleRequiredMixin, CreateView):
    """Create a collaboration with its partners and participants in one form."""

    permission_required = "partners.add_collaboration"
    model = Collaboration
    form_class = CollaborationForm
    template_name = "partners/collaboration_form.html"

    def get_initial(self):
        return {**super().get_initial(), "organizations": record_ids(self.request.GET.getlist("organization"))}

    def participant_candidates(self):
        """People of the chosen partner organizations or of the institute itself."""
        if self.request.method == "POST":
            texts = [text.strip() for text in self.request.POST.getlist("organizations") if text.strip()]
            organizations = [o.pk for o in partners_named(Organization.objects.active(), texts).values() if o]
        elif self.object:
            organizations = [o.pk for o in self.object.organizations.all()]
        else:
            organizations = self.get_initial().get("organizations", [])
        return Contact.objects.select_related("organization").filter(
            Q(organization__kind=Organization.Kind.HOME) | Q(organization__in=organizations)
        )

    def get_formset(self):
        formset = ParticipantFormSet(
            self.request.POST or None, instance=self.object or Collaboration(), prefix="participants"
        )
        people = self.participant_candidates()
        # Computed once and shared by every row: no query per participant.
        choices = [("", "---------")] + [(c.pk, f"{c.full_name} ({c.organization})") for c in people]
        for form in formset.forms:
            form.fields["contact"].queryset = people
            form.fields["contact"].choices = choices
        return formset

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if "pk" in kwargs else None
        form, self.formset = self.get_form(), self.get_formset()
        if not (form.is_valid() and self.formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=self.formset))
        return self.form_valid(form)

    def form_valid(self, form):
        self.object = services.collaboration_save(
            collaboration=form.save(commit=False),
            organizations=form.cleaned_data["organizations"],
            research_areas=form.cleaned_data["research_areas"],
            participants_formset=self.formset,
            expected_version=form.expected_version,
        )
        messages.success(self.request, self.success_message())
        return redirect("partners:collaboration-detail", pk=self.object.pk)

    def success_message(self):
        return _("Collaboration “%(title)s” saved.") % {"title": self.object.title}


class CollaborationUpdateView(VersionConflictMixin, CollaborationCreateView, UpdateView):
    permission_required = "partners.change_collaboration"

    def get_initial(self):
        return {}
