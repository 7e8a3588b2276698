"""The calendar page (subscription addresses, reset) and the feeds calendar apps fetch without a session."""
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .. import calendars
from ..models import UserPreference
from ..models_merges import CalendarToken

FEED_TITLES = {
    "fairs": translation.gettext_lazy("Internship fairs"),
    "agreements": translation.gettext_lazy("Agreement end dates"),
    "follow-ups": translation.gettext_lazy("My follow-ups"),
}


class CalendarView(TemplateView):
    """A person's subscription addresses, and the button that makes new ones."""

    template_name = "partners/calendar.html"

    def get_context_data(self, **kwargs):
        # Read only: a GET writes nothing, so the first addresses are made by the page's button (a POST).
        token = CalendarToken.objects.filter(user=self.request.user).first()
        permitted = [feed for feed, permission in calendars.FEEDS.items() if self.request.user.has_perm(permission)]
        feeds = [
            {
                "title": FEED_TITLES[feed],
                "url": self.request.build_absolute_uri(
                    reverse("partners:calendar-feed", kwargs={"token": token.token, "feed": feed})
                ),
            }
            for feed in permitted
            if token is not None
        ]
        return super().get_context_data(feeds=feeds, has_token=token is not None, can_subscribe=bool(permitted), **kwargs)

    def post(self, request):
        had_token = CalendarToken.objects.filter(user=request.user).exists()
        calendars.calendar_token_reset(user=request.user)
        if had_token:
            messages.success(request, _("New calendar addresses made; the old ones no longer work."))
        else:
            messages.success(request, _("Your calendar addresses are ready."))
        return redirect("partners:calendar")


@login_not_required
@require_GET
def calendar_feed(request, token, feed):
    """A feed by secret address: calendar apps do not sign in. Unknown tokens and feeds are 404."""
    if feed not in calendars.FEEDS:
        raise Http404
    owner = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if owner is None or not owner.user.has_perm(calendars.FEEDS[feed]):
        raise Http404
    user = owner.user
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    absolute = request.build_absolute_uri
    with translation.override(language or translation.get_language()):
        if feed == "fairs":
            calendar = calendars.fairs_calendar(link=lambda fair: absolute(reverse("partners:fair-detail", args=[fair.pk])))
        elif feed == "agreements":
            calendar = calendars.agreements_calendar(link=lambda agreement: absolute(agreement.organization.get_absolute_url()))
        else:
            calendar = calendars.follow_ups_calendar(
                user=user,
                link=lambda interaction: absolute(
                    reverse("partners:organization-detail", args=[interaction.organization_id])
                    + f"#interaction-{interaction.pk}"
                ),
            )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{feed}.ics"'
    return response
