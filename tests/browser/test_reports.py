"""Report journeys in a real browser: filter, read, download, print."""
import csv
import importlib
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from partners.models import Organization
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_site(transactional_db):
    # Transactional tests flush tables between tests, data migrations included: restore the roles.
    from django.apps import apps

    importlib.import_module("partners.migrations.0002_roles").create_groups(apps, None)
    call_command("loaddata", "seed", verbosity=0)
    call_command("ensure_demo_user", stdout=open("/dev/null", "w"))


def test_government_report_lists_the_agencies_and_downloads_the_same_rows_as_csv(page, seeded_site, tmp_path):
    sign_in(page, "demo", "demo-partner-crm")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.locator("#id_kind").select_option(label="Government agency")
    page.get_by_role("button", name="Apply filters").click()
    assert "kind=government" in page.url

    listing = page.locator("section", has=page.get_by_role("heading", name="Partner list"))
    expect(listing).to_contain_text("Statistics Canada")
    expect(listing).to_contain_text("Natural Resources Canada")
    expect(listing).not_to_contain_text("Sama")
    on_screen = [text.strip() for text in listing.locator("tbody th").all_text_contents()]

    with page.expect_download() as download_info:
        listing.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.fullmatch(r"partner-crm-partners-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][0] == "Name"
    assert [row[0] for row in rows[1:]] == on_screen
    assert {"Statistics Canada", "Natural Resources Canada"} <= set(on_screen)


def test_sama_report_card_prints_on_one_or_two_pages(page, seeded_site):
    sign_in(page, "demo", "demo-partner-crm")
    sama = Organization.objects.get(name="Sama")
    page.goto(sama.get_absolute_url())
    page.get_by_role("link", name="Report card").click()
    expect(page.get_by_role("heading", name="Sama", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Collaborations and outcomes")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="Letter", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2, f"{pages} pages"
