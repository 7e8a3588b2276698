"""Staff-facing pages."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in person's starting page."""

    template_name = "partners/home.html"
