"""Hostile requests: forged POSTs (CSRF), GETs that try to change data, script typed into every text field.

Every URL pattern comes from the resolver walk (tests/url_walk.py) and its expected answers from the
permission matrix, so a page added later is covered here without being listed.
"""
import csv
import io
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from django.conf import settings
from django.db import models as db_models
from django.test import Client
from django.urls import reverse

from partners import exports
from partners.exports import FORMULA_TRIGGERS
from tests.url_matrix import POST_DATA, ROLES
from tests.url_walk import (
    WRITES_ALLOWED,
    Samples,
    changed_tables,
    database_checksum,
    matches,
    outcome_of,
    row_of,
    url_patterns,
)

pytestmark = pytest.mark.django_db

PATTERNS = url_patterns()


def poster(pattern):
    """The least privileged role whose POST the view handles, or None when nobody may post."""
    row = row_of(pattern)
    return row and next((role for role in ROLES if row.post[role] in WRITES_ALLOWED), None)


# Patterns without a matrix row are left to test_permissions, which names them.
POST_ENDPOINTS = [p for p in PATTERNS if poster(p)]
ADMIN_PAGES = [p for p in PATTERNS if row_of(p) and row_of(p).get["admin"] == 200]


@pytest.fixture
def role_users(admin_user, team_user, readonly_user):
    return {"anonymous": None, "read-only": readonly_user, "team": team_user, "admin": admin_user}


@pytest.fixture
def samples(team_user, admin_user):
    return Samples(team_user=team_user, admin_user=admin_user)


def browser(user, *, csrf):
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def test_every_form_endpoint_is_covered():
    """The walk finds the writes the product promises to protect, so the CSRF test is not vacuous."""
    keys = {p.key for p in POST_ENDPOINTS}
    assert {"login", "logout", "partners:language", "partners:organization-create", "partners:interaction-create",
            "partners:follow-up-done", "admin:partners_contact_anonymize"} <= keys


@pytest.mark.parametrize("pattern", POST_ENDPOINTS, ids=[p.key for p in POST_ENDPOINTS])
def test_a_post_without_csrf_token_is_refused_and_writes_nothing(pattern, samples, role_users):
    row, role = row_of(pattern), poster(pattern)
    url = samples.url(pattern, row.objects)
    client = browser(role_users[role], csrf=True)
    data = POST_DATA[row.data](samples) if row.data else {}

    before = database_checksum()
    forged = client.post(url, data)
    assert forged.status_code == 403, f"{role} POST {url} without a CSRF token: {forged.status_code}"
    assert not changed_tables(before, database_checksum()), f"{role} POST {url} without a CSRF token wrote"

    client.get(reverse("login"))  # the login page sets the CSRF cookie, as a browser would get it
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    data = POST_DATA[row.data](samples) if row.data else {}
    genuine = client.post(url, data, HTTP_X_CSRFTOKEN=token)
    assert matches(row.post[role], outcome_of(genuine)), f"{role} POST {url} with its token: {genuine.status_code}"


# Values a buggy GET handler might act on.
TEMPTING_QUERY = "done=1&delete=1&post=yes&action=delete_selected&_selected_action=1&language=fr&archive=1"


def test_no_get_changes_data(samples, admin_user):
    """An admin GETs every page with tempting parameters; the database stays exactly as it was."""
    client = browser(admin_user, csrf=False)
    before = database_checksum()
    writers = []
    for pattern in filter(row_of, PATTERNS):
        url = samples.url(pattern, row_of(pattern).objects)
        client.get(f"{url}?{TEMPTING_QUERY}")
        after = database_checksum()
        if changed := changed_tables(before, after):
            writers.append(f"{url} ({', '.join(changed)})")
            before = after
    assert not writers, "GET changed the database: " + ", ".join(writers)


SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
PAYLOADS = [f"{SCRIPT}\"'>{IMAGE}", f"\"'>{SCRIPT}", IMAGE]


# What makes a spreadsheet run a cell as a formula; "\x01=" becomes "=" once a sheet drops control characters.
FORMULA_STARTS = (*FORMULA_TRIGGERS, "\x01=")


def hostile(field, n):
    """The longest payload that fits the field, after what makes a spreadsheet run the cell as a formula,
    numbered so unique fields stay unique."""
    fitting = [p for p in PAYLOADS if field.max_length is None or len(p) + 7 <= field.max_length]
    return f"{FORMULA_STARTS[n % len(FORMULA_STARTS)]}{fitting[0]} #{n}"


# Typed by nobody: a generated secret that is part of the calendar feeds' addresses.
NOT_TYPED = {("partners.CalendarToken", "token")}
# What a person can put in a file to import: script and formulas in the headings and in the cells.
HOSTILE_IMPORT = "\n".join([
    f"={SCRIPT},+{IMAGE},@{SCRIPT},-{IMAGE}",
    f'={SCRIPT},=HYPERLINK("http://evil.example"),=1+1,{SCRIPT}',
    f"@{IMAGE},{IMAGE},-2,\t{SCRIPT}",
]).encode()


@pytest.fixture
def hostile_samples(samples, team_user, admin_user):
    """The samples with every free-text field of every record (and the staff's names) set to script and formulas,
    and the admin's import draft holding a file full of them (mapped, so the preview names each bad cell)."""
    n = 0
    records = {id(v): v for v in vars(samples).values() if isinstance(v, db_models.Model)}
    for record in records.values():
        # Sign-in records hold what a stranger typed as a username and sent as a browser name.
        if record._meta.app_label not in ("partners", "axes"):
            continue
        for field in record._meta.concrete_fields:
            if (
                isinstance(field, (db_models.CharField, db_models.TextField)) and field.editable and not field.choices
                and (record._meta.label, field.name) not in NOT_TYPED
            ):
                n += 1
                setattr(record, field.name, hostile(field, n))
        record.save()  # through save(), so the history shows the payload as "before" and "after" too
    for user in (team_user, admin_user):
        n += 1
        user.first_name, user.last_name = hostile(user._meta.get_field("first_name"), n), SCRIPT
        user.save()
    draft = samples.import_draft
    draft.content, draft.mapping = HOSTILE_IMPORT, {"0": "name", "1": "website", "2": "employee_count", "3": "kind"}
    draft.save()
    return samples


def page_text(client, url):
    response = client.get(url)
    if "text/html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_script_typed_into_any_text_field_comes_out_escaped_on_every_page(hostile_samples, admin_user, language):
    client = browser(admin_user, csrf=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    raw, shown = [], set()
    for pattern in ADMIN_PAGES:
        url = hostile_samples.url(pattern, row_of(pattern).objects)
        for address in (url, f"{url}?{urlencode({'q': SCRIPT, 'next': IMAGE})}"):
            text = page_text(client, address)
            if SCRIPT in text or IMAGE in text:
                raw.append(address)
            if "&lt;script&gt;alert(1)&lt;/script&gt;" in text:
                shown.add(pattern.key)
    assert not raw, "Unescaped script on: " + ", ".join(raw)
    # Not vacuous: the pages that show these records did display the payload, escaped.
    assert {
        "partners:home", "partners:organization-list", "partners:organization-detail", "partners:contact-list",
        "partners:contact-detail", "partners:collaboration-list", "partners:collaboration-detail",
        "partners:fair-detail", "partners:search", "partners:interaction-update",
        "admin:partners_organization_change", "admin:partners_contact_history",
        "partners:report", "partners:report-card", "partners:duplicate-list", "partners:merge",
        "partners:import-list", "partners:import-detail", "partners:import-mapping", "partners:import-preview",
        "admin:partners_merge_change", "admin:partners_importbatch_change", "admin:axes_accessattempt_change",
    } <= shown, sorted(shown)


def spreadsheet_cells(response, extension):
    """Every cell of a CSV or XLSX download: (its text, whether a spreadsheet would run it).

    A CSV cell is run when its text starts like a formula (our exports put a quote before it); an
    XLSX cell only when the file marks it as a formula: a text cell shows "=..." and never runs it.
    """
    content = b"".join(response.streaming_content)
    if extension == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        return [(value, value.startswith(FORMULA_TRIGGERS)) for row in rows for value in row]
    sheet = load_workbook(io.BytesIO(content)).active
    return [(cell.value, cell.data_type == "f") for row in sheet.iter_rows() for cell in row if cell.value is not None]


def live_formulas(cells):
    return [value for value, live in cells if live]


# Wide enough that every sample falls in the report: all the years, agreements ending within a century.
WHOLE_REPORT = {"date_from": "2000-01-01", "date_to": "2050-12-31", "days": "3650"}


@pytest.mark.parametrize("extension", sorted(exports.RESPONSES))
def test_formulas_typed_into_any_text_field_come_out_inert_in_every_export(hostile_samples, team_user, extension):
    """Text that starts with = + - @ tab or return is shown, never run: quoted in CSV, a text cell in XLSX."""
    client = browser(team_user, csrf=False)
    # The start a sheet's control-character filter turns into "=", on a name most tables list.
    type(hostile_samples.organization).objects.filter(pk=hostile_samples.organization.pk).update(name=f"\x01={SCRIPT}")
    live, shown = {}, set()
    for table in exports.TABLES:
        response = client.get(reverse("partners:report-export", args=[table, extension]), WHOLE_REPORT)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"], table
        cells = spreadsheet_cells(response, extension)
        if formulas := live_formulas(cells):
            live[table] = formulas
        if any("alert(1)" in str(value) for value, _formula in cells):
            shown.add(table)
    assert not live, f"Cells a spreadsheet would run in the {extension} exports: {live}"
    # Not vacuous: every table that lists the samples' text carried the payload (the sample figure
    # is not a headline one, so the figures table has none of it).
    assert set(exports.TABLES) - {"figures"} <= shown, ", ".join(sorted(shown))


def test_the_import_error_report_is_inert_and_the_import_pages_escape_the_file(hostile_samples, admin_user):
    """The file's headings and cells come back in the error report as text, and escaped on the preview."""
    client = browser(admin_user, csrf=False)
    response = client.get(reverse("partners:import-errors", args=[hostile_samples.import_draft.pk]))
    cells = spreadsheet_cells(response, "csv")
    assert not live_formulas(cells), live_formulas(cells)
    assert f"'@{SCRIPT}" in {value for value, _formula in cells}  # the heading of the column in error, as text
    for name in ("partners:import-mapping", "partners:import-preview"):
        page = client.get(reverse(name, args=[hostile_samples.import_draft.pk])).content.decode()
        assert SCRIPT not in page and IMAGE not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
