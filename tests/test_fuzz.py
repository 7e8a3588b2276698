"""Property-based tests: random and hostile values at every staff form and every page's query string.

Whatever arrives, the answer is never a 500, and a POST that is not accepted (no redirect after saving)
leaves the database exactly as it was. Values include NUL bytes (PostgreSQL refuses them in text), lone
surrogates sent as the invalid UTF-8 a hostile client can send, huge and negative numbers, dates far in
the past and future, digits of other scripts, huge strings and empty values.
"""
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.filters import CollaborationFilter, ContactFilter, OrganizationFilter, ReportFilter
from partners.models_imports import ImportBatch
from tests.url_matrix import MATRIX, POST_DATA
from tests.url_walk import WRITES_ALLOWED, Samples, changed_tables, database_checksum, row_of, url_patterns

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "-1", "0", "-0", "1.5", "1e309", "NaN", "Infinity",
    "99999999999999999999", "-99999999999999999999", "2147483648", "9223372036854775808", "²", "١٢", "٣٤٥",
    "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01", "2026-02-30", "1899-12-31", "0000-00-00",
    "on", "true", "false", "null", "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "../../etc/passwd",
    "https://", "javascript:alert(1)", "\u202e\u0644\u0627", "🤝" * 50, "A" * 100_000,
]

hostile_value = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.text(max_size=20).map(lambda text: text[:5] + "\x00" + text[5:]),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs", "Nd", "No", "So", "Lo"]), max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda day: day.isoformat()),
)
hostile_values = st.one_of(hostile_value, st.lists(hostile_value, min_size=0, max_size=3))


def form_body(data):
    """URL-encode like a browser, except that lone surrogates go out as the invalid UTF-8 bytes they stand for."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


# Each staff form, the role that may post it and the fields a person (or an attacker) can send.
FORMS = {
    "partners:organization-create": ("team", ["name", "name_fr", "short_name", "kind", "status", "sectors", "programs",
                                              "city", "country", "website", "employee_count", "partner_since",
                                              "relationship_owner", "parent", "description"]),
    "partners:organization-update": ("team", ["name", "kind", "status", "website", "employee_count",
                                              "partner_since", "parent", "description", "version"]),
    "partners:contact-create": ("team", ["first_name", "last_name", "title", "organization", "email", "phone",
                                         "is_primary", "notes"]),
    "partners:contact-update": ("team", ["first_name", "last_name", "title", "organization", "email", "notes",
                                         "version"]),
    "partners:collaboration-create": ("team", ["title", "kind", "status", "organizations", "start_year", "start_on",
                                               "end_on", "summary", "objectives", "outcomes", "research_areas",
                                               "participants-TOTAL_FORMS", "participants-INITIAL_FORMS",
                                               "participants-0-contact", "participants-0-role",
                                               "participants-0-DELETE"]),
    "partners:collaboration-update": ("team", ["title", "organizations", "start_on", "end_on", "summary", "version",
                                               "participants-TOTAL_FORMS", "participants-INITIAL_FORMS",
                                               "participants-0-id", "participants-0-contact",
                                               "participants-0-role"]),
    "partners:interaction-create": ("team", ["kind", "occurred_on", "subject", "notes", "contacts", "follow_up_on"]),
    "partners:interaction-update": ("team", ["kind", "occurred_on", "subject", "notes", "contacts", "follow_up_on",
                                             "version"]),
    "partners:follow-up-done": ("team", ["done", "next"]),
    "partners:participation-create": ("team", ["organization", "status", "internships_offered", "full_time_offered",
                                               "interns_hired", "converted_full_time", "notes"]),
    "partners:participation-update": ("team", ["organization", "status", "internships_offered", "interns_hired",
                                               "converted_full_time", "notes", "version"]),
    "partners:language": ("team", ["language", "next"]),
    "login": ("anonymous", ["username", "password", "next"]),
    # Imports and merges are the admin's by default (their own permission); the file itself is fuzzed below.
    "partners:import-upload": ("admin", ["kind", "file"]),
    "partners:import-mapping": ("admin", ["column_0", "column_1", "column_2", "column_199", "column_-1"]),
    "partners:import-confirm": ("admin", ["confirm", "next"]),
    "partners:import-undo": ("admin", ["next"]),
    "partners:merge": ("admin", ["keep", "kind", "next"]),
    "partners:merge-undo": ("admin", ["next"]),
    # The reset button posts nothing but its token; anything else sent must not matter.
    "partners:calendar": ("team", ["token", "user", "next"]),
}
# Failed sign-ins are recorded by design (django-axes counts them per account); nothing else may be written.
WRITES_BY_DESIGN = {"login": {"axes.AccessAttempt"}}
PATTERNS = {p.key: p for p in url_patterns()}


@pytest.fixture
def samples(team_user, admin_user):
    return Samples(team_user=team_user, admin_user=admin_user)


@pytest.fixture
def users(team_user, admin_user):
    return {"anonymous": None, "team": team_user, "admin": admin_user}


def test_every_staff_form_is_fuzzed():
    """Each handled POST of the staff pages is in FORMS (the admin's own forms are Django's)."""
    handled = {
        key for key, row in MATRIX.items()
        if key.startswith("partners:") and any(outcome in WRITES_ALLOWED for outcome in row.post.values())
    }
    assert handled <= set(FORMS), f"Staff POST endpoints missing from FORMS in tests/test_fuzz.py: {handled - set(FORMS)}"


# Buttons post no field of their own: fewer examples find what junk fields could do to them.
BUTTONS = ["partners:import-confirm", "partners:import-undo", "partners:merge-undo", "partners:calendar"]


@pytest.mark.parametrize("key", [key for key in FORMS if key not in BUTTONS])
@FUZZ
@given(data=st.data())
def test_hostile_form_posts_never_fail_and_never_write_half(key, samples, users, data):
    post_hostile_form(key, samples, users, data)


@pytest.mark.parametrize("key", BUTTONS)
@settings(FUZZ, max_examples=8)
@given(data=st.data())
def test_hostile_button_posts_never_fail_and_never_write_half(key, samples, users, data):
    post_hostile_form(key, samples, users, data)


def post_hostile_form(key, samples, users, data):
    """One drawn POST to the form ``key``: never a 500; refused, it writes nothing (but what WRITES_BY_DESIGN names)."""
    role, fields = FORMS[key]
    row = row_of(PATTERNS[key])
    url = samples.url(PATTERNS[key], row.objects)
    client = Client()
    if users[role]:
        client.force_login(users[role])
    changes = data.draw(st.dictionaries(st.sampled_from(fields), hostile_values, min_size=1, max_size=len(fields)))
    body = {**(POST_DATA[row.data](samples) if row.data else {}), **changes}

    # Examples share one database: start each from no failed sign-in, so the form is fuzzed, not the lockout.
    AccessAttempt.objects.all().delete()

    before = database_checksum()
    response = client.post(url, form_body(body), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    if response.status_code != 302:
        changed = set(changed_tables(before, database_checksum())) - WRITES_BY_DESIGN.get(key, set())
        assert not changed, f"POST {url} refused ({response.status_code}) but wrote {sorted(changed)}"


# What an uploaded file can hold: bytes of any kind, text in other encodings, broken spreadsheets.
hostile_file = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.lists(hostile_value, max_size=6), max_size=6).map(
        lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8", "surrogatepass")
    ),
    st.sampled_from([b"", b"\x00", b"PK\x03\x04broken zip", b"\xef\xbb\xbf", "é;ü\nà".encode("cp1252"),
                     b"name\n" + b"x," * 300, b"Company name\n=HYPERLINK(\"http://evil\")\n"]),
)


@FUZZ
@given(content=hostile_file, name=st.sampled_from(["a.csv", "a.xlsx", "a.xlsm", "a.txt", "noextension", "\x00.csv",
                                                    "../../etc/passwd.csv", "é" * 300 + ".csv"]),
       kind=st.sampled_from([*ImportBatch.Kind.values, "", "users"]))
def test_hostile_uploaded_files_never_fail_and_only_make_a_draft(samples, admin_user, content, name, kind):
    """The upload reads whatever file comes: a clear error on the form, or a draft of the uploader's own."""
    client = Client()
    client.force_login(admin_user)
    before = database_checksum()
    response = client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 302), response.status_code
    changed = changed_tables(before, database_checksum())
    if response.status_code == 302:
        assert changed == ["partners.ImportBatch"]
        assert ImportBatch.objects.drafts_of(admin_user).get().content == content
        assert client.get(response.url).status_code == 200  # the mapping page reads the stored file
    else:
        assert not changed, f"upload refused but wrote {changed}"



def reader(pattern):
    """The least privileged signed-in role that may open the page (imports and merges: the admin)."""
    row = row_of(pattern)
    return row and next((role for role in ("team", "admin") if row.get[role] == 200), None)


PAGES = [p for key, p in PATTERNS.items() if key.startswith("partners:") and reader(p)]
QUERY_NAMES = sorted(
    {
        name
        for filterset in (OrganizationFilter, ContactFilter, CollaborationFilter, ReportFilter)
        for name in filterset.base_filters
    }
    | {"page", "q", "organization", "next", "sort", "o", "done", "language", "kind", "token", "feed"}
)


# A download has no form to show the filter errors on: it answers 400 saying which filter is wrong.
DOWNLOADS_REFUSING_BAD_FILTERS = {"partners:contact-list-vcard"}


def test_every_list_filter_is_fuzzed():
    assert {"q", "partner_since_from", "last_interaction_before", "fair", "sort", "is_primary"} <= set(QUERY_NAMES)
    # The report's own filters, and the report card's period (its date_from / date_to).
    assert {"date_from", "date_to", "days", "columns", "include_synthetic"} <= set(QUERY_NAMES)


@pytest.mark.parametrize("pattern", PAGES, ids=[p.key for p in PAGES])
@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_hostile_query_strings_never_fail_and_never_write(pattern, samples, team_user, admin_user, data):
    params = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)), hostile_values,
                                       min_size=1, max_size=6))
    client = Client()
    client.force_login(team_user if reader(pattern) == "team" else admin_user)
    url = samples.url(pattern, row_of(pattern).objects)

    before = database_checksum()
    response = client.get(f"{url}?{form_body(params)}")
    allowed = (200, 404, 400) if pattern.key in DOWNLOADS_REFUSING_BAD_FILTERS else (200, 404)
    assert response.status_code in allowed, f"GET {url} {params!r}: {response.status_code}"
    assert not changed_tables(before, database_checksum()), f"GET {url} {params!r} wrote"


CHANGELISTS = [p for key, p in PATTERNS.items() if key.startswith("admin:") and key.endswith("_changelist")]
ADMIN_QUERY_NAMES = [
    "q", "o", "p", "e", "all", "archive", "_to_field", "_popup", "kind__exact", "status__exact", "sectors__id__exact",
    "organization__kind__exact", "is_primary__exact", "is_synthetic__exact", "occurred_on__year", "occurred_on__month",
    "occurred_on__day", "year", "author__id__exact", "fair__id__exact", "series__id__exact", "country",
    "attempt_time__year", "attempt_time__month", "attempt_time__day", "locked_out", "status__exact", "action__exact",
]


@pytest.mark.parametrize("pattern", CHANGELISTS, ids=[p.key for p in CHANGELISTS])
@settings(FUZZ, max_examples=8)
@given(data=st.data())
def test_hostile_admin_list_filters_never_fail_and_never_write(pattern, samples, admin_user, data):
    """The admin's lists take their filters from the query string too."""
    params = data.draw(st.dictionaries(st.sampled_from(ADMIN_QUERY_NAMES), hostile_values, min_size=1, max_size=4))
    client = Client()
    client.force_login(admin_user)
    url = samples.url(pattern)

    before = database_checksum()
    response = client.get(f"{url}?{form_body(params)}")
    # 302: Django's "?e=1" for a lookup it cannot apply; 400: a lookup the admin does not allow, or a NUL.
    assert response.status_code in (200, 302, 400), f"GET {url} {params!r}: {response.status_code}"
    assert not changed_tables(before, database_checksum()), f"GET {url} {params!r} wrote"
