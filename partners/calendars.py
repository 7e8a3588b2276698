"""iCalendar feeds (RFC 5545) of fair editions, agreement end dates and a person's follow-ups, and their tokens."""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Agreement, Interaction, InternshipFair
from .models_merges import CalendarToken, new_calendar_token

PRODUCT_ID = "-//Mila//Partner CRM//EN"
FEEDS = {
    "fairs": "partners.view_internshipfair",
    "agreements": "partners.view_agreement",
    "follow-ups": "partners.view_interaction",
}


@transaction.atomic
def calendar_token_get(*, user) -> CalendarToken:
    """The person's token, made the first time they open the calendar page."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def calendar_token_reset(*, user) -> CalendarToken:
    """A new secret: every address given out before stops working."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    token.token = new_calendar_token()
    token.save()
    return token


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _day_event(*, uid, day, summary, description="", location="", url=""):
    """An all-day event: DTSTART and DTEND are DATE values, DTEND the day after (RFC 5545 §3.6.1)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    return event


def fairs_calendar(*, link):
    """Every fair edition with a date. ``link(fair)`` gives the address of its page."""
    calendar = _calendar(_("Internship fairs"))
    for fair in InternshipFair.objects.filter(held_on__isnull=False).order_by("held_on"):
        calendar.add_component(
            _day_event(
                uid=f"fair-{fair.pk}@partner-crm",
                day=fair.held_on,
                summary=fair.name,
                description=fair.notes,
                location=fair.location,
                url=link(fair),
            )
        )
    return calendar


def agreements_calendar(*, link):
    """The end date of every agreement that has one. ``link(agreement)`` gives its organization's page."""
    calendar = _calendar(_("Agreement end dates"))
    agreements = Agreement.objects.filter(end_on__isnull=False).select_related("organization").order_by("end_on")
    for agreement in agreements:
        calendar.add_component(
            _day_event(
                uid=f"agreement-end-{agreement.pk}@partner-crm",
                day=agreement.end_on,
                summary=_("Agreement ends: %(organization)s (%(kind)s)")
                % {"organization": agreement.organization.name, "kind": agreement.get_kind_display()},
                description=_("Status: %(status)s") % {"status": agreement.get_status_display()},
                url=link(agreement),
            )
        )
    return calendar


def follow_ups_calendar(*, user, link):
    """The person's open follow-ups, on the day they are due."""
    calendar = _calendar(_("My follow-ups"))
    follow_ups = Interaction.objects.open_follow_ups().filter(author=user).select_related("organization")
    for interaction in follow_ups.order_by("follow_up_on"):
        calendar.add_component(
            _day_event(
                uid=f"follow-up-{interaction.pk}@partner-crm",
                day=interaction.follow_up_on,
                summary=_("Follow up: %(subject)s (%(organization)s)")
                % {"subject": interaction.subject, "organization": interaction.organization.name},
                description=interaction.notes,
                url=link(interaction),
            )
        )
    return calendar
