"""Journeys a person makes, in a real browser."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Interaction, Organization
from tests.browser.conftest import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_newcomer_finds_statistics_canada_logs_a_call_and_closes_the_follow_up(page, seeded_site):
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    sign_in(page, "demo", "demo-partner-crm")
    expect(page.get_by_role("heading", name="Welcome, Demo User")).to_be_visible()

    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_label("Kind").select_option(label="Government agency")
    page.get_by_label("Search", exact=True).fill("statistics")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 organization", exact=True)).to_be_visible()
    assert "kind=government" in page.url
    page.get_by_role("link", name="Statistics Canada").click()
    expect(page.get_by_role("heading", name="Statistics Canada")).to_be_visible()

    page.get_by_label("Kind").select_option(label="Call")
    page.get_by_label("Subject").fill("Call with Anil about the data science program")
    page.get_by_label("Notes").fill("Agreed to meet again next week.")
    page.get_by_label("Anil Arora").check()
    page.get_by_label("Follow up on").fill(next_week.isoformat())
    page.get_by_role("button", name="Log interaction").click()

    expect(page.get_by_text("Interaction “Call with Anil about the data science program” logged.")).to_be_visible()
    first_entry = page.locator("ol.timeline > li").first
    expect(first_entry).to_contain_text("Call with Anil about the data science program")
    expect(first_entry).to_contain_text("With Anil Arora")
    expect(first_entry).to_contain_text("Follow up on")

    page.get_by_role("link", name="Home").click()
    follow_ups = page.locator("section", has=page.get_by_role("heading", name="My follow-ups"))
    expect(follow_ups).to_contain_text("Statistics Canada")
    expect(page.locator("section", has=page.get_by_role("heading", name="My recent interactions"))).to_contain_text(
        "Call with Anil about the data science program"
    )
    follow_ups.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("marked done")).to_be_visible()
    expect(follow_ups).not_to_contain_text("Statistics Canada")

    interaction = Interaction.objects.get()
    assert interaction.follow_up_done and interaction.follow_up_on == next_week
    assert interaction.organization.name == "Statistics Canada"
    assert [c.full_name for c in interaction.contacts.all()] == ["Anil Arora"]


def test_bad_input_in_the_log_form_keeps_what_was_typed(page, seeded_site):
    sign_in(page, "demo", "demo-partner-crm")
    page.goto(Organization.objects.get(name="Giatec").get_absolute_url())
    page.get_by_label("Kind").select_option(label="Meeting")
    page.get_by_label("Subject").fill("Concrete follow-up")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Follow up on").fill("2026-11-01")
    page.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_text("The follow-up cannot be before the interaction.")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value("Concrete follow-up")
    assert not Interaction.objects.exists()


def test_read_only_user_sees_no_write_buttons_and_a_direct_post_is_refused(page, seeded_site):
    UserFactory(username="reader", password="reader-password-1", group="Read-only")
    sign_in(page, "reader", "reader-password-1")
    page.goto(Organization.objects.get(name="Sama").get_absolute_url())
    expect(page.get_by_role("heading", name="Sama")).to_be_visible()
    expect(page.get_by_role("button", name="Log interaction")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Add contact")).to_have_count(0)

    # A hand-made POST with a valid CSRF token is still refused.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    organization = Organization.objects.get(name="Sama")
    response = page.request.post(
        f"/partners/{organization.pk}/interactions/new/",
        form={"kind": "call", "occurred_on": "2026-11-23", "subject": "Sneaky"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 403
    assert not Interaction.objects.exists()


def test_anonymous_visitor_signs_in_and_lands_where_they_were_going(page, seeded_site):
    page.goto("/contacts/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("demo-partner-crm")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    expect(page.get_by_role("link", name="Anil Arora")).to_be_visible()


def test_french_speaking_user_switches_to_french_and_logs_an_interaction(page, seeded_site):
    sign_in(page, "demo", "demo-partner-crm")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Bienvenue, Demo User")).to_be_visible()
    page.get_by_role("link", name="Partenaires", exact=True).click()
    page.get_by_label("Rechercher", exact=True).fill("statistique")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.get_by_role("link", name="Statistique Canada").click()
    expect(page.get_by_role("heading", name="Statistique Canada")).to_be_visible()
    labels = [" ".join(t.replace("*", "").split()) for t in page.locator("details.log-form label, details.log-form legend").all_inner_texts()]
    assert labels == ["Type", "Date", "Date de suivi", "Objet", "Notes", "Contacts concernés", "Anil Arora"]
    page.locator("#id_kind").select_option(label="Appel")
    page.locator("#id_subject").fill("Appel avec Anil")
    page.get_by_label("Anil Arora").check()
    page.get_by_role("button", name="Consigner une interaction").click()
    expect(page.locator(".messages")).to_contain_text("Appel avec Anil")
    expect(page.locator("ol.timeline > li").first).to_contain_text("Consignée par")
    assert Interaction.objects.get().subject == "Appel avec Anil"
    # The choice is remembered for the next visit.
    page.context.clear_cookies()
    sign_in(page, "demo", "demo-partner-crm")
    expect(page.get_by_role("heading", name="Bienvenue, Demo User")).to_be_visible()


def test_adding_a_contact_names_the_partner_from_suggestions_as_one_types(page, seeded_site, monkeypatch):
    from partners import forms

    # Past this many partners the form lists none and asks for names as one types (100,000 at scale).
    monkeypatch.setattr(forms, "PARTNERS_LISTED", 5)
    sign_in(page, "demo", "demo-partner-crm")
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Élodie")
    page.get_by_label("Last name").fill("Tremblay")
    partner = page.get_by_label("Organization")
    partner.press_sequentially("statis")
    suggestions = page.locator("datalist#id_organization_names option")
    expect(suggestions).to_have_count(1)
    assert suggestions.first.get_attribute("value") == "Statistics Canada"
    partner.fill("Statistics Canada")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Élodie Tremblay")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Statistics Canada")
