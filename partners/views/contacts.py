"""Contact list, contact page and contact forms."""
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .. import services
from ..filters import ContactFilter
from ..forms import ContactForm
from ..models import Contact, Interaction, Participant
from ..pagination import BoundedPaginator
from ..selectors import history_for
from ..versioning import VersionConflictMixin
from .base import FilteredListMixin, RoleRequiredMixin

RECENT_INTERACTIONS = 20


class ContactListView(RoleRequiredMixin, FilteredListMixin, ListView):
    permission_required = "partners.view_contact"
    filterset_class = ContactFilter
    template_name = "partners/contact_list.html"
    paginator_class = BoundedPaginator

    queryset = Contact.objects.active().select_related("organization")


class ContactDetailView(RoleRequiredMixin, DetailView):
    permission_required = "partners.view_contact"
    template_name = "partners/contact_detail.html"
    queryset = Contact.objects.select_related("organization").prefetch_related(
        Prefetch("participations", queryset=Participant.objects.select_related("collaboration")),
        "publications",
    )

    def get_context_data(self, **kwargs):
        interactions = (
            Interaction.objects.filter(contacts=self.object)
            .select_related("author", "organization")
            .order_by("-occurred_on", "-created_at")[:RECENT_INTERACTIONS]
        )
        return super().get_context_data(interactions=interactions, history=history_for(self.object), **kwargs)


class ContactFormMixin:
    model = Contact
    form_class = ContactForm
    template_name = "partners/contact_form.html"

    def success_message(self):
        return _("Contact “%(name)s” added.") % {"name": self.object.full_name}

    def form_valid(self, form):
        self.object = services.contact_save(contact=form.save(commit=False), expected_version=form.expected_version)
        messages.success(self.request, self.success_message())
        return redirect("partners:contact-detail", pk=self.object.pk)


class ContactCreateView(RoleRequiredMixin, ContactFormMixin, CreateView):
    """Add a person; `?organization=ID` pre-selects their organization."""

    permission_required = "partners.add_contact"

    def get_initial(self):
        return {**super().get_initial(), "organization": self.request.GET.get("organization")}


class ContactUpdateView(RoleRequiredMixin, VersionConflictMixin, ContactFormMixin, UpdateView):
    permission_required = "partners.change_contact"

    def success_message(self):
        return _("Changes to “%(name)s” saved.") % {"name": self.object.full_name}
