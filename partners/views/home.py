"""The signed-in person's starting page."""
import datetime

from django.utils import timezone
from django.views.generic import TemplateView

from ..models import Agreement, InternshipFair, Interaction, Organization
from .base import RoleRequiredMixin

COOLING_DAYS = 90
SOON_DAYS = 90
LIMIT = 10


class HomeView(RoleRequiredMixin, TemplateView):
    """My follow-ups, my recent interactions, cooling partners, upcoming fairs and renewals."""

    permission_required = "partners.view_organization"
    template_name = "partners/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        week_end = today + datetime.timedelta(days=6 - today.weekday())
        mine = Interaction.objects.open_follow_ups().filter(author=self.request.user).select_related("organization")
        cooling_since = today - datetime.timedelta(days=COOLING_DAYS)
        cooling = (
            Organization.objects.active()
            .partners()
            .not_contacted_since(cooling_since)
            .with_engagement()
            .coldest_first()
        )
        return super().get_context_data(
            today=today,
            cooling_days=COOLING_DAYS,
            cooling_since=cooling_since,
            soon_days=SOON_DAYS,
            overdue=mine.filter(follow_up_on__lt=today).order_by("follow_up_on")[:LIMIT],
            this_week=mine.filter(follow_up_on__gte=today, follow_up_on__lte=week_end).order_by("follow_up_on")[:LIMIT],
            later=mine.filter(follow_up_on__gt=week_end).order_by("follow_up_on")[:LIMIT],
            recent=Interaction.objects.filter(author=self.request.user).select_related("organization")[:LIMIT],
            cooling=cooling[:LIMIT],
            upcoming_fairs=InternshipFair.objects.upcoming(today)[:5],
            agreements_ending=Agreement.objects.ending_between(today, today + datetime.timedelta(days=SOON_DAYS))
            .select_related("organization")[:LIMIT],
            **kwargs,
        )
