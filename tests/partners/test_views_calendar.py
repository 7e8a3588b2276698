"""Calendar feeds: read by a calendar app without a session, by secret address, parsed back with icalendar."""
import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from partners.calendars import calendar_token_get, calendar_token_reset
from partners.models_merges import CalendarToken
from tests.factories import AgreementFactory, InteractionFactory, InternshipFairFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def feed_url(user, feed):
    token = calendar_token_get(user=user) or calendar_token_reset(user=user)
    return reverse("partners:calendar-feed", kwargs={"token": token.token, "feed": feed})


def events(response):
    return {str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def test_fair_feed_works_without_a_session_and_gives_all_day_events(client, readonly_user):
    fair = InternshipFairFactory(name="Fall 2026 fair, job & internships; Montréal", held_on=datetime.date(2026, 10, 15))
    InternshipFairFactory(held_on=None)

    response = client.get(feed_url(readonly_user, "fairs"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert list(found) == [f"fair-{fair.pk}@partner-crm"]
    event = found[f"fair-{fair.pk}@partner-crm"]
    assert event.decoded("DTSTART") == datetime.date(2026, 10, 15)
    assert type(event.decoded("DTSTART")) is datetime.date  # a DATE, not a midnight DATE-TIME
    assert str(event["SUMMARY"]) == "Fall 2026 fair, job & internships; Montréal"
    assert b"SUMMARY:Fall 2026 fair\\, job & internships\\; Montr" in response.content


def test_uids_stay_the_same_from_one_fetch_to_the_next(client, readonly_user):
    AgreementFactory(end_on=datetime.date(2027, 12, 31))
    first = events(client.get(feed_url(readonly_user, "agreements")))
    second = events(client.get(feed_url(readonly_user, "agreements")))
    assert list(first) == list(second) and len(first) == 1


def test_agreement_feed_names_the_partner_on_the_end_date(client, readonly_user):
    agreement = AgreementFactory(organization=OrganizationFactory(name="Hydro-Québec"), end_on=datetime.date(2027, 6, 30))
    event = events(client.get(feed_url(readonly_user, "agreements")))[f"agreement-end-{agreement.pk}@partner-crm"]
    assert event.decoded("DTSTART") == datetime.date(2027, 6, 30)
    assert "Hydro-Québec" in str(event["SUMMARY"])


def test_follow_up_feed_has_only_my_open_follow_ups(client, team_user):
    mine = InteractionFactory(author=team_user, follow_up_on=datetime.date(2026, 12, 1), subject="Send the draft")
    InteractionFactory(author=team_user, follow_up_on=datetime.date(2026, 12, 2), follow_up_done=True)
    InteractionFactory(follow_up_on=datetime.date(2026, 12, 3))  # someone else's

    found = events(client.get(feed_url(team_user, "follow-ups")))

    assert list(found) == [f"follow-up-{mine.pk}@partner-crm"]
    assert str(found[f"follow-up-{mine.pk}@partner-crm"]["SUMMARY"]).startswith("Follow up: Send the draft")


def test_unknown_or_reset_tokens_answer_404(client, readonly_user):
    old = feed_url(readonly_user, "fairs")
    calendar_token_reset(user=readonly_user)
    assert client.get(old).status_code == 404
    assert client.get(reverse("partners:calendar-feed", kwargs={"token": "guess", "feed": "fairs"})).status_code == 404
    assert client.get(feed_url(readonly_user, "nothing")).status_code == 404
    assert client.get(feed_url(readonly_user, "fairs")).status_code == 200


def test_calendar_page_shows_addresses_and_resets_them(client, readonly_user):
    client.force_login(readonly_user)
    old = calendar_token_reset(user=readonly_user).token
    page = client.get(reverse("partners:calendar"))
    assert old in page.content.decode()

    response = client.post(reverse("partners:calendar"))

    assert response.status_code == 302
    assert calendar_token_get(user=readonly_user).token != old


def test_opening_the_calendar_page_writes_nothing_its_button_makes_the_first_addresses(client, readonly_user):
    """Regression: the first visit used to create the token on GET (a write any link or prefetch could trigger)."""
    client.force_login(readonly_user)
    page = client.get(reverse("partners:calendar")).content.decode()
    assert not CalendarToken.objects.exists()
    assert ".ics" not in page and "Make my calendar addresses" in page

    response = client.post(reverse("partners:calendar"), follow=True)

    token = CalendarToken.objects.get(user=readonly_user).token
    assert "Your calendar addresses are ready." in response.content.decode()
    assert response.content.decode().count(f"/calendar/{token}/") == 3


def test_calendar_page_needs_a_login(client):
    response = client.get(reverse("partners:calendar"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_feeds_cost_the_same_queries_for_many_events(client, team_user, django_assert_max_num_queries):
    for n in range(25):
        AgreementFactory(end_on=datetime.date(2027, 1, 1) + datetime.timedelta(days=n))
        InteractionFactory(author=team_user, follow_up_on=datetime.date(2026, 12, 1) + datetime.timedelta(days=n))
    url_agreements, url_follow_ups = feed_url(team_user, "agreements"), feed_url(team_user, "follow-ups")
    # Prevents one query per agreement or interaction (their organization is joined in).
    with django_assert_max_num_queries(6):
        assert len(events(client.get(url_agreements))) == 25
    with django_assert_max_num_queries(6):
        assert len(events(client.get(url_follow_ups))) == 25


def test_opening_the_calendar_page_writes_nothing_and_the_button_makes_the_addresses(client, readonly_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.models_merges import CalendarToken

    client.force_login(readonly_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("partners:calendar")).content.decode()
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
    assert not CalendarToken.objects.exists()
    assert "Make my calendar addresses" in page and ".ics" not in page

    response = client.post(reverse("partners:calendar"), follow=True)
    token = CalendarToken.objects.get(user=readonly_user).token
    assert "Your calendar addresses are ready." in response.content.decode()
    assert f"/calendar/{token}/fairs.ics" in response.content.decode()


def test_calendar_page_query_count_is_constant(client, team_user, django_assert_max_num_queries):
    calendar_token_reset(user=team_user)
    client.force_login(team_user)
    calendar_token_get(user=team_user)
    # Prevents a query per feed (permission checks are cached on the user, the token read once).
    with django_assert_max_num_queries(8):
        page = client.get(reverse("partners:calendar")).content.decode()
    assert page.count(".ics") == 3
