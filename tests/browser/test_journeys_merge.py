"""The duplicates journey in a real browser: merging two records of one partner keeps every interaction."""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from partners.models import Interaction, Organization
from partners.services import interaction_log
from tests.browser.conftest import sign_in
from tests.browser.test_journeys import seeded_site  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merging_two_records_of_the_same_partner_keeps_every_interaction_of_both(page, seeded_site):  # noqa: F811
    demo = get_user_model().objects.get(username="demo")
    statcan = Organization.objects.get(name="Statistics Canada")
    duplicate = Organization.objects.create(
        name="Statistics Canada Inc.", kind=statcan.kind, status=statcan.status, is_synthetic=True
    )
    interaction_log(organization=statcan, author=demo, kind="call", subject="Call about the data science program")
    interaction_log(organization=duplicate, author=demo, kind="meeting", subject="Meeting entered on the duplicate")

    sign_in(page, "demo", "demo-partner-crm")
    page.get_by_role("link", name="Duplicates").click()
    row = page.locator("tr", has=page.get_by_role("link", name="Statistics Canada Inc."))
    expect(row).to_contain_text("same name")
    row.get_by_role("link", name="Merge").click()

    expect(page.get_by_role("heading", name="Merge duplicates")).to_be_visible()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_role("alert")).to_have_text("Choose the record that stays.")
    page.get_by_label("Keep this one").first.check()
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_text("“Statistics Canada Inc.” was merged into “Statistics Canada”.", exact=False)).to_be_visible()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Call about the data science program")
    expect(timeline).to_contain_text("Meeting entered on the duplicate")
    assert set(Interaction.objects.filter(organization=statcan).values_list("subject", flat=True)) == {
        "Call about the data science program",
        "Meeting entered on the duplicate",
    }
    duplicate.refresh_from_db()
    assert duplicate.is_archived
