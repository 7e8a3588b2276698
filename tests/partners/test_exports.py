"""CSV and XLSX exports: inert cells, names not ids, ISO dates, translated headings, streamed in bounded memory."""
import csv
import datetime
import io
import time
import tracemalloc

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from partners import exports
from partners import selectors_reports as reports
from partners.models import Interaction
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 15)


def scope(**kwargs):
    return reports.report_scope(reports.report_organizations(), today=TODAY, **kwargs)


def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("text", ["=1+2", "+1 514 555 0100", "-2", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_cells_that_a_spreadsheet_would_run_get_a_leading_quote(text):
    assert exports.neutralize(text) == "'" + text


def test_ordinary_text_numbers_and_dates_are_kept():
    assert exports.neutralize("Sama") == "Sama"
    assert exports.cell(-3) == -3  # a number, not text: nothing to run
    assert exports.cell(datetime.date(2026, 1, 5)) == "2026-01-05"
    assert exports.cell(None) == ""


def test_csv_neutralizes_formulas_while_a_phone_number_stays_readable(client, team_user):
    organization = OrganizationFactory(name='=HYPERLINK("http://evil.example","x")')
    ContactFactory(organization=organization, phone="+1 514 555 0100")
    InteractionFactory(organization=organization, subject="+1 514 555 0100", occurred_on=datetime.date(2026, 1, 5))
    client.force_login(team_user)
    query = {"date_from": "2025-12-01", "date_to": "2026-01-31"}
    rows = read_csv(client.get(reverse("partners:report-export", args=["interactions", "csv"]), query))
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert rows[1][3] == "'+1 514 555 0100"
    assert rows[1][0] == "2026-01-05"


def test_xlsx_writes_text_cells_that_show_as_typed_and_never_run(client, team_user):
    organization = OrganizationFactory(name='=HYPERLINK("http://evil.example","x")')
    InteractionFactory(organization=organization, subject="+1 514 555 0100", occurred_on=datetime.date(2026, 1, 5))
    client.force_login(team_user)
    query = {"date_from": "2025-12-01", "date_to": "2026-01-31"}
    content = b"".join(
        client.get(reverse("partners:report-export", args=["interactions", "xlsx"]), query).streaming_content
    )
    row = load_workbook(io.BytesIO(content)).active[2]
    assert [row[1].value, row[3].value, row[0].value] == [
        '=HYPERLINK("http://evil.example","x")',
        "+1 514 555 0100",
        "2026-01-05",
    ]
    assert (row[1].data_type, row[3].data_type) == ("s", "s")  # text, not "f" (a formula)


def test_xlsx_cell_stays_text_when_removing_control_characters_bares_a_formula(client, team_user):
    """Regression: "\x01=cmd" passed the check, lost its \x01 on the way into the sheet and became a formula."""
    OrganizationFactory(name='\x01=HYPERLINK("http://evil.example","x")', status="partner")
    client.force_login(team_user)
    response = client.get(reverse("partners:report-export", args=["partners", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    name = sheet.cell(row=2, column=1)
    assert name.data_type == "s" and name.value == "=HYPERLINK(\"http://evil.example\",\"x\")"


def test_xlsx_export_opens_with_the_same_rows_as_the_csv(client, team_user):
    owner = UserFactory(first_name="Olga", last_name="Owner")
    OrganizationFactory(name="Sama", relationship_owner=owner)
    OrganizationFactory(name="Giatec")
    client.force_login(team_user)
    query = {"columns": ["owner", "interactions"]}
    as_csv = read_csv(client.get(reverse("partners:report-export", args=["partners", "csv"]), query))
    response = client.get(reverse("partners:report-export", args=["partners", "xlsx"]), query)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"partner-crm-partners-{datetime.date.today().isoformat()}.xlsx" in response["Content-Disposition"]
    as_xlsx = read_xlsx(response)
    assert as_xlsx == [["Name", "Relationship owner", "Interactions"], ["Giatec", None, 0], ["Sama", "Olga Owner", 0]]
    assert [row[0] for row in as_csv] == [row[0] for row in as_xlsx]  # same rows, names not ids


def test_xlsx_export_reads_the_same_in_an_independent_spreadsheet_reader(client, team_user):
    # calamine (Rust; what pandas uses) shares no code with openpyxl, which wrote the file.
    OrganizationFactory(name="Sama", city="Montréal")
    OrganizationFactory(name="=cmd", city="Québec")
    client.force_login(team_user)
    query = {"columns": ["city"]}
    as_csv = read_csv(client.get(reverse("partners:report-export", args=["partners", "csv"]), query))
    content = b"".join(client.get(reverse("partners:report-export", args=["partners", "xlsx"]), query).streaming_content)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows == [["Name", "City"], ["=cmd", "Québec"], ["Sama", "Montréal"]]
    # Same rows as the CSV; only the CSV needs the quote that keeps "=cmd" from running.
    assert as_csv == [["Name", "City"], ["'=cmd", "Québec"], ["Sama", "Montréal"]]


def test_interactions_export_names_people_and_organizations_not_ids():
    author = UserFactory(first_name="Ana", last_name="Lyst")
    organization = OrganizationFactory(name="Statistics Canada", name_fr="Statistique Canada")
    InteractionFactory(organization=organization, author=author, kind="call", subject="Budget", occurred_on=TODAY)
    table = exports.interactions_table(scope())
    assert [str(h) for h in table.header][:5] == ["Date", "Organization", "Kind", "Subject", "Author"]
    assert list(table.rows()) == [[TODAY, "Statistics Canada", "Call", "Budget", "Ana Lyst", None, None]]


def test_french_export_translates_headings_and_names_but_keeps_iso_dates(client, team_user):
    organization = OrganizationFactory(name="Statistics Canada", name_fr="Statistique Canada")
    InteractionFactory(organization=organization, kind="meeting", occurred_on=datetime.date(2026, 1, 5))
    client.force_login(team_user)
    client.post(reverse("partners:language"), {"language": "fr"})
    response = client.get(
        reverse("partners:report-export", args=["interactions", "csv"]), {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    )
    rows = read_csv(response)
    assert rows[0][:4] == ["Date", "Organisation", "Type", "Objet"]
    assert rows[1][:3] == ["2026-01-05", "Statistique Canada", "Réunion"]


def test_control_characters_do_not_break_the_xlsx(client, team_user):
    OrganizationFactory(name="Bell\x07 Labs")
    OrganizationFactory(name="\x01=cmd")  # stripping the control character must not bare a formula
    client.force_login(team_user)
    content = b"".join(client.get(reverse("partners:report-export", args=["partners", "xlsx"])).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [(sheet.cell(row, 1).value, sheet.cell(row, 1).data_type) for row in (2, 3)] == [
        ("=cmd", "s"),
        ("Bell Labs", "s"),
    ]


@pytest.mark.memory
def test_exporting_100000_interactions_streams_in_bounded_memory(client, team_user):
    organization = OrganizationFactory(name="Generated partner", is_synthetic=True)
    author = UserFactory(first_name="Gen", last_name="Erator")
    start = datetime.date(2025, 1, 1)
    Interaction.objects.bulk_create(
        (
            Interaction(
                organization=organization,
                author=author,
                kind="email",
                subject=f"Generated message {n}",
                occurred_on=start + datetime.timedelta(days=n % 365),
                is_synthetic=True,
            )
            for n in range(100_000)
        ),
        batch_size=5000,
    )
    client.force_login(team_user)
    query = {"include_synthetic": "on", "date_from": "2025-01-01", "date_to": "2025-12-31"}
    began = time.monotonic()
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        response = client.get(reverse("partners:report-export", args=["interactions", "csv"]), query)
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 100_001
    assert peak - baseline < 50 * 1024 * 1024, f"peak growth {(peak - baseline) / 2**20:.1f} MB"
    assert time.monotonic() - began < 120
