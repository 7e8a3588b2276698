"""The import journey in a real browser: a spreadsheet of the seeded partners, edited, broken, fixed, imported."""
import csv
import importlib

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from partners.models import Organization
from partners.models_imports import ImportBatch
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = ["Company name", "Website", "City", "Country/Region", "Number of Employees"]


@pytest.fixture
def seeded_site(transactional_db):
    # Transactional tests flush tables between tests, data migrations included: restore the roles.
    from django.apps import apps

    importlib.import_module("partners.migrations.0002_roles").create_groups(apps, None)
    call_command("loaddata", "seed", verbosity=0)
    call_command("ensure_demo_user", stdout=open("/dev/null", "w"))


def seeded_rows():
    """The seeded organizations as a spreadsheet export would list them."""
    return {
        o.name: [o.name, o.website, o.city, o.country, "" if o.employee_count is None else str(o.employee_count)]
        for o in Organization.objects.order_by("name")
    }


def write(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        writer.writerows(rows)
    return path


def upload_and_preview(page, path):
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and match columns").click()
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Number of Employees")).to_have_value("employee_count")
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Preview the import")).to_be_visible()


def test_newcomer_imports_an_edited_spreadsheet_fixing_the_broken_row_first(page, seeded_site, tmp_path):
    rows = seeded_rows()
    total = len(rows)
    rows["Giatec"][2] = "Ottawa"
    rows["Sama"][2] = "Montreal"
    rows["Statistics Canada"][4] = "about fifty"
    added = ["Element Lab", "https://elementlab.example", "Montreal", "Canada", "12"]
    broken = write(tmp_path / "partners.csv", [*rows.values(), added])

    sign_in(page, "demo", "demo-partner-crm")
    page.get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Import a file").click()
    upload_and_preview(page, broken)
    error_row = page.locator("tr.import-error")
    expect(error_row).to_have_count(1)
    expect(error_row).to_contain_text("Statistics Canada")
    expect(error_row).to_contain_text("Column “Number of Employees”:")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    assert Organization.objects.count() == total

    rows["Statistics Canada"][4] = seeded_rows()["Statistics Canada"][4]
    fixed = write(tmp_path / "partners-fixed.csv", [*rows.values(), added])
    page.get_by_role("link", name="Upload the fixed file").click()
    upload_and_preview(page, fixed)
    expect(page.get_by_text(f"To create: 1 · to update: 2 · unchanged: {total - 2} · with errors: 0")).to_be_visible()
    page.get_by_role("button", name="Import now").click()

    expect(page.get_by_text(f"Imported partners-fixed.csv: 1 created, 2 updated, {total - 2} unchanged.")).to_be_visible()
    assert Organization.objects.get(name="Giatec").city == "Ottawa"
    assert Organization.objects.get(name="Sama").city == "Montreal"
    assert Organization.objects.get(name="Element Lab").employee_count == 12
    assert Organization.objects.count() == total + 1
    batch = ImportBatch.objects.finished().get()
    assert (batch.created_count, batch.updated_count, batch.file_name) == (1, 2, "partners-fixed.csv")
