"""Reading files, mapping headings and planning rows: what the preview shows, without writing."""
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from partners.importing.mapping import suggest_mapping
from partners.importing.planner import domain_of, plan_import
from partners.importing.readers import MAX_FILE_BYTES, ImportFileError, read_table
from partners.models import Organization
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan(kind, text, user, file_name="f.csv"):
    table = read_table(text.encode() if isinstance(text, str) else text, file_name)
    return plan_import(kind=kind, table=table, mapping=suggest_mapping(kind, table.headings), user=user)


def test_common_crm_export_headings_are_mapped_to_fields():
    headings = ["Company name", "Company Domain Name", "City", "Country/Region", "Industry", "Notes about"]
    assert suggest_mapping("organizations", headings) == {
        "0": "name", "1": "website", "2": "city", "3": "country", "4": "sectors",
    }
    contact = ["First Name", "Last Name", "Email", "Phone Number", "Job Title", "Company name"]
    assert set(suggest_mapping("contacts", contact).values()) == {
        "first_name", "last_name", "email", "phone", "title", "organization",
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_each_common_encoding_reads_accents(encoding):
    table = read_table("Nom;Ville\nHydro-Québec;Montréal\n".encode(encoding), "f.csv")
    assert table.headings == ["Nom", "Ville"]
    assert table.rows == [(2, ["Hydro-Québec", "Montréal"])]


def test_semicolon_file_keeps_commas_inside_values():
    # French-Canadian Excel writes “;” because the comma is the decimal separator.
    table = read_table(b"name;city\nAcme, Inc.;Laval\nB;Montreal\n", "f.csv")
    assert table.rows == [(2, ["Acme, Inc.", "Laval"]), (3, ["B", "Montreal"])]


def test_tab_separated_file_is_sniffed():
    assert read_table(b"name\tcity\nGiatec\tOttawa\n", "f.csv").rows == [(2, ["Giatec", "Ottawa"])]


def test_empty_file_is_refused():
    with pytest.raises(ImportFileError, match="empty"):
        read_table(b"\n\n  \n", "f.csv")


def test_file_with_only_headings_is_refused():
    with pytest.raises(ImportFileError, match="headings but no rows"):
        read_table(b"name,city\n", "f.csv")


def test_text_file_named_xlsx_is_refused():
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        read_table(b"name,city\nGiatec,Ottawa\n", "partners.xlsx")


def test_file_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as out:
        out.write(b"name,city\n")
        line = b"Organization,Montreal\n"
        out.write(line * (MAX_FILE_BYTES // len(line) + 1))
    with pytest.raises(ImportFileError, match="up to 50 MB"):
        read_table(big.read_bytes(), "big.csv")


def test_mixed_encodings_are_refused_naming_the_lines():
    content = "name,city\n".encode() + "Hydro-Québec,Montréal\n".encode() + "Université,Québec\n".encode("cp1252")
    with pytest.raises(ImportFileError, match="line 2 is UTF-8 but line 3 is not"):
        read_table(content, "f.csv")


def test_row_with_ten_thousand_columns_is_refused():
    content = b"name,city\nGiatec,Ottawa\n" + b",".join([b"x"] * 10_000) + b"\n"
    with pytest.raises(ImportFileError, match="Row 3 has 10000 columns"):
        read_table(content, "f.csv")


def test_archive_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ImportFileError, match="damaged"):
        read_table(buffer.getvalue(), "letter.xlsx")


def test_xlsx_row_with_ten_thousand_columns_is_refused():
    with pytest.raises(ImportFileError, match="Row 2 has 10000 columns"):
        read_table(xlsx([["name"], ["x"] * 10_000]), "f.xlsx")


def test_xlsx_formulas_are_read_as_text_never_evaluated():
    table = read_table(xlsx([["name", "city"], ["=1+1", '=HYPERLINK("http://evil","x")']]), "f.xlsx")
    assert table.rows == [(2, ["=1+1", '=HYPERLINK("http://evil","x")'])]


def test_website_domain_ignores_scheme_www_and_path():
    assert domain_of("https://www.Mila.quebec/en/") == domain_of("mila.quebec") == "mila.quebec"


def test_plan_updates_by_domain_creates_new_and_skips_unchanged(admin_user):
    OrganizationFactory(name="Giatec", website="https://giatec.ca", city="Ottawa")
    OrganizationFactory(name="Sama", website="", city="San Francisco")
    result = plan(
        "organizations",
        "Company name,Company Domain Name,City\nGiatec Scientific,giatec.ca,Ottawa\nSama,,Montreal\nNew Co,newco.ai,Laval\n",
        admin_user,
    )
    assert [(r.number, r.action) for r in result.rows] == [(2, "update"), (3, "update"), (4, "create")]
    assert result.rows[0].before == {"name": "Giatec"}
    assert result.rows[1].before == {"city": "San Francisco"}
    assert result.rows[2].instance.website == "https://newco.ai"
    unchanged = plan("organizations", "name,city\nSama,San Francisco\n", admin_user)
    assert unchanged.rows[0].action == "skip"


def test_plan_reports_each_error_with_row_and_column(admin_user):
    result = plan("organizations", "name,website,employees\nGood,good.org,12\n,bad.org,many\n", admin_user)
    assert result.rows[0].action == "create"
    assert result.rows[1].action == "error"
    assert {(number, column) for number, column, _ in result.errors()} == {(3, "name"), (3, "employees")}


def test_duplicate_rows_inside_one_file_are_errors(admin_user):
    result = plan("organizations", "name,city\nGiatec,Ottawa\nGIATEC!,Ottawa\n", admin_user)
    assert result.rows[1].errors == [("", "Same organization as row 2: each record may appear only once in a file.")]


def test_contacts_match_by_email_and_warn_about_a_namesake(admin_user):
    giatec = OrganizationFactory(name="Giatec")
    ContactFactory(first_name="Pouria", last_name="Ghods", email="pouria@giatec.ca", organization=giatec, title="CEO")
    result = plan(
        "contacts",
        "First Name,Last Name,Email,Job Title,Company name\n"
        "Pouria,Ghods,POURIA@giatec.ca,Chief executive,Giatec\n"
        "Pouria,Ghods,p.ghods@example.org,,Giatec\n"
        "Ann,Other,ann@example.org,,Unknown Inc\n",
        admin_user,
    )
    assert [r.action for r in result.rows] == ["update", "create", "error"]
    assert result.rows[1].warnings and "already exists" in result.rows[1].warnings[0][0]
    assert result.errors()[0][:2] == (4, "Company name")


def test_interactions_find_the_organization_and_the_author_is_the_importer(admin_user):
    OrganizationFactory(name="Statistics Canada", short_name="StatCan")
    result = plan(
        "interactions",
        "Company,Date,Type,Subject\nStatCan,2026-11-02,Call,Data science program\nStatCan,02/11/2026,call,Second\n",
        admin_user,
    )
    first = result.rows[0].instance
    assert (first.kind, first.author, first.organization.name) == ("call", admin_user, "Statistics Canada")
    assert result.errors()[0][:2] == (3, "Date")


def test_planning_costs_a_constant_number_of_queries(admin_user, django_assert_max_num_queries):
    # Prevents one lookup per row: a 20,000-row file would otherwise send 20,000 queries.
    OrganizationFactory.create_batch(30)
    lines = "".join(f"Organization {n},city\n" for n in range(300))
    with django_assert_max_num_queries(4):
        result = plan("organizations", "name,city\n" + lines, admin_user)
    assert result.count("update") + result.count("create") == 300
    assert not Organization.objects.filter(name="Organization 299", city="city").exists()
