"""Global search across organizations, contacts and collaborations."""
from django.views.generic import TemplateView

from .. import search
from ..models import Collaboration, Contact, Organization
from .base import RoleRequiredMixin

LIMIT = 20


class SearchView(RoleRequiredMixin, TemplateView):
    permission_required = "partners.view_organization"
    template_name = "partners/search.html"

    def get_context_data(self, **kwargs):
        q = self.request.GET.get("q", "").strip()
        results = {}
        if q:
            results = {
                "organizations": search.organizations(Organization.objects.active(), q).order_by("name")[:LIMIT],
                "contacts": search.contacts(Contact.objects.active(), q).select_related("organization")[:LIMIT],
                "collaborations": search.collaborations(Collaboration.objects.all(), q).order_by("title")[:LIMIT],
            }
        return super().get_context_data(q=q, limit=LIMIT, **results, **kwargs)
