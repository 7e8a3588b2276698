"""Property-based tests: random and hostile values at every staff form and every page's query string.

Whatever arrives, the answer is never a 500, and a POST that is not accepted (no redirect after saving)
leaves the database exactly as it was. Values include NUL bytes (PostgreSQL refuses them in text), lone
surrogates sent as the invalid UTF-8 a hostile client can send, huge and negative numbers, dates far in
the past and future, digits of other scripts, huge strings and empty values.
"""
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.filters import CollaborationFilter, ContactFilter, OrganizationFilter
from tests.url_matrix import MATRIX, POST_DATA
from tests.url_walk import Samples, changed_tables, database_checksum, row_of, url_patterns

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
}
PATTERNS = {p.key: p for p in url_patterns()}


@pytest.fixture
def samples(team_user):
    return Samples(team_user=team_user)


@pytest.fixture
def users(team_user, admin_user):
    return {"anonymous": None, "team": team_user, "admin": admin_user}


def test_every_staff_form_is_fuzzed():
    """Each handled POST of the staff pages is in FORMS (the admin's own forms are Django's)."""
    handled = {key for key, row in MATRIX.items() if key.startswith("partners:") and row.post["team"] != 405}
    assert handled <= set(FORMS), f"Staff POST endpoints missing from FORMS in tests/test_fuzz.py: {handled - set(FORMS)}"


@pytest.mark.parametrize("key", list(FORMS))
@FUZZ
@given(data=st.data())
def test_hostile_form_posts_never_fail_and_never_write_half(key, samples, users, data):
    role, fields = FORMS[key]
    row = row_of(PATTERNS[key])
    url = samples.url(PATTERNS[key], row.objects)
    client = Client()
    if users[role]:
        client.force_login(users[role])
    changes = data.draw(st.dictionaries(st.sampled_from(fields), hostile_values, min_size=1, max_size=len(fields)))
    body = {**(POST_DATA[row.data](samples) if row.data else {}), **changes}

    before = database_checksum()
    response = client.post(url, form_body(body), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    if response.status_code != 302:
        assert not changed_tables(before, database_checksum()), f"POST {url} refused ({response.status_code}) but wrote"



PAGES = [
    p for key, p in PATTERNS.items() if key.startswith("partners:") and row_of(p) and row_of(p).get["team"] == 200
]
QUERY_NAMES = sorted(
    {name for filterset in (OrganizationFilter, ContactFilter, CollaborationFilter) for name in filterset.base_filters}
    | {"page", "q", "organization", "next", "sort", "o", "done", "language"}
)


def test_every_list_filter_is_fuzzed():
    assert {"q", "partner_since_from", "last_interaction_before", "fair", "sort", "is_primary"} <= set(QUERY_NAMES)


@pytest.mark.parametrize("pattern", PAGES, ids=[p.key for p in PAGES])
@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_hostile_query_strings_never_fail_and_never_write(pattern, samples, team_user, data):
    params = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)), hostile_values,
                                       min_size=1, max_size=6))
    client = Client()
    client.force_login(team_user)
    url = samples.url(pattern, row_of(pattern).objects)

    before = database_checksum()
    response = client.get(f"{url}?{form_body(params)}")
    assert response.status_code in (200, 404), f"GET {url} {params!r}: {response.status_code}"
    assert not changed_tables(before, database_checksum()), f"GET {url} {params!r} wrote"


CHANGELISTS = [p for key, p in PATTERNS.items() if key.startswith("admin:") and key.endswith("_changelist")]
ADMIN_QUERY_NAMES = [
    "q", "o", "p", "e", "all", "archive", "_to_field", "_popup", "kind__exact", "status__exact", "sectors__id__exact",
    "organization__kind__exact", "is_primary__exact", "is_synthetic__exact", "occurred_on__year", "occurred_on__month",
    "occurred_on__day", "year", "author__id__exact", "fair__id__exact", "series__id__exact", "country",
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
