"""Global search across organizations, contacts and collaborations."""
from django.views.generic import TemplateView

from .. import search
from ..forms import SearchForm
from ..models import Collaboration, Contact, Organization
from .base import RoleRequiredMixin

LIMIT = 20


class SearchView(RoleRequiredMixin, TemplateView):
    permission_required = "partners.view_organization"
    template_name = "partners/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        # What was typed is shown again even when it cannot be searched; the error says why.
        q = form.cleaned_data["q"] if form.is_valid() else self.request.GET.get("q", "").strip()
        results = {}
        if q and form.is_valid():
            results = {
                "organizations": search.organizations(Organization.objects.active(), q).order_by("name")[:LIMIT],
                "contacts": search.contacts(Contact.objects.active(), q).select_related("organization")[:LIMIT],
                "collaborations": search.collaborations(Collaboration.objects.all(), q).order_by("title")[:LIMIT],
            }
        return super().get_context_data(q=q, search_errors=form.errors.get("q", []), limit=LIMIT, **results, **kwargs)
