"""Global search across organizations, contacts and collaborations, and partner names as one types."""
from django.http import JsonResponse
from django.views import View
from django.views.generic import TemplateView

from .. import search
from ..forms import SUGGESTED, SearchForm
from ..models import Organization
from ..selectors import global_search
from .base import RoleRequiredMixin, with_urls

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
            results = global_search(q, LIMIT)
            for key, url_name in [("organizations", "partners:organization-detail"),
                                  ("contacts", "partners:contact-detail"),
                                  ("collaborations", "partners:collaboration-detail")]:
                results[key] = with_urls(results[key], url_name)
        return super().get_context_data(q=q, search_errors=form.errors.get("q", []), limit=LIMIT, **results, **kwargs)


class PartnerSuggestView(RoleRequiredMixin, View):
    """JSON ``{"names": [...]}``: the first active partners by name matching ``q`` (two characters or more),
    for the partner inputs of forms (static/js/suggest.js)."""

    permission_required = "partners.view_organization"

    def get(self, request):
        form = SearchForm(request.GET)
        text = form.cleaned_data["q"] if form.is_valid() else ""
        names = []
        if len(text) >= 2:
            names = list(search.organizations(Organization.objects.active(), text)
                         .order_by("name").values_list("name", flat=True)[:SUGGESTED])
        return JsonResponse({"names": names})
