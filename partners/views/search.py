"""Global search across organizations, contacts and collaborations."""
from django.views.generic import TemplateView

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
                "organizations": Organization.objects.active().search(q).order_by("name")[:LIMIT],
                "contacts": Contact.objects.active().search(q).select_related("organization")[:LIMIT],
                "collaborations": Collaboration.objects.search(q).order_by("title")[:LIMIT],
            }
        return super().get_context_data(q=q, limit=LIMIT, **results, **kwargs)
