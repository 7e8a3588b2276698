"""The permission matrix (tests/url_matrix.py) holds for every URL pattern, role and method."""
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.url_matrix import MATRIX, POST_DATA, ROLES, each
from tests.url_walk import (
    WRITES_ALLOWED,
    Pattern,
    Samples,
    changed_tables,
    database_checksum,
    matches,
    matching_row,
    outcome_of,
    row_of,
    url_patterns,
)

pytestmark = pytest.mark.django_db

PATTERNS = url_patterns()


@pytest.fixture
def role_users(admin_user, team_user, readonly_user):
    return {"anonymous": None, "read-only": readonly_user, "team": team_user, "admin": admin_user}


@pytest.fixture
def samples(team_user, admin_user):
    return Samples(team_user=team_user, admin_user=admin_user)


def request_as(user, method, url, data=None):
    """One request from a fresh browser signed in as ``user`` (signing out in one cell cannot leak into the next)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url) if method == "get" else client.post(url, data or {})


def missing_rows(patterns):
    """Keys of the patterns no matrix row covers."""
    return [p.key for p in patterns if matching_row(p.key, MATRIX) is None]


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = missing_rows(PATTERNS)
    assert not missing, "URL patterns without a row in tests/url_matrix.py MATRIX: " + ", ".join(missing)


def test_every_matrix_row_matches_a_url_pattern():
    used = {matching_row(p.key, MATRIX) for p in PATTERNS}
    stale = [row for row in MATRIX if row not in used]
    assert not stale, "Rows in tests/url_matrix.py MATRIX whose pattern no longer exists: " + ", ".join(stale)


def test_the_matrix_names_each_role():
    assert all(set(row.get) == set(ROLES) == set(row.post) for row in MATRIX.values())


@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_each_role_gets_what_the_matrix_says(pattern, samples, role_users):
    """Every cell of the pattern's row; GETs and refused POSTs must leave the database as it was."""
    row = row_of(pattern)
    assert row, f"{pattern.key} has no row in tests/url_matrix.py MATRIX"
    url = samples.url(pattern, row.objects)
    cells = [(role, method) for method in ("get", "post") for role in ROLES]
    # GETs first, then the POSTs that must be refused, then the ones the view handles (and may save).
    cells.sort(key=lambda cell: (cell[1] == "post", cell[1] == "post" and row.post[cell[0]] in WRITES_ALLOWED))
    wrong = []
    before = database_checksum()
    for role, method in cells:
        expected = getattr(row, method)[role]
        if method == "post" and expected in WRITES_ALLOWED and before is not None:
            if changed := changed_tables(before, database_checksum()):
                wrong.append(f"{url}: a GET or a refused POST wrote to {changed}")
            before = None
        data = POST_DATA[row.data](samples) if method == "post" and row.data else {}
        actual = outcome_of(request_as(role_users[role], method, url, data))
        if not matches(expected, actual):
            wrong.append(f"{role} {method.upper()} {url}: expected {expected}, got {actual}")
    if before is not None and (changed := changed_tables(before, database_checksum())):
        wrong.append(f"{url}: a GET or a refused POST wrote to {changed}")
    assert not wrong, "\n".join(wrong)


def test_the_checksum_sees_any_write_but_not_a_sign_in(samples, team_user):
    """The matrix relies on it: a bare UPDATE of one column is seen; a login stamp is not a write of the app's data."""
    before = database_checksum()
    Client().force_login(team_user)
    assert database_checksum() == before
    type(samples.sector).objects.filter(pk=samples.sector.pk).update(name="Renamed")
    assert changed_tables(before, database_checksum()) == ["partners.Sector"]


def test_readonly_group_has_no_write_permission():
    """The matrix's 403s come from the group's permissions, not from the sample data."""
    codenames = set(Group.objects.get(name="Read-only").permissions.values_list("codename", flat=True))
    assert codenames and all(name.startswith("view_") for name in codenames)


def test_a_new_unlisted_pattern_is_reported_by_name(settings):
    """Adding a URL without a row is caught, by name (checked on a URLconf with one page the matrix lacks)."""
    settings.ROOT_URLCONF = "tests.partners.versioning_urls"
    assert missing_rows(url_patterns()) == ["organization-edit"]


def test_a_pattern_without_a_sample_for_its_parameter_says_what_to_add(samples):
    """A new page with an unknown URL parameter fails with the row to write, not a bare KeyError."""
    pattern = Pattern(key="partners:report-detail", route="reports/<slug:slug>/", name="partners:report-detail",
                      params=("slug",), positional=0)
    with pytest.raises(LookupError, match=r"partners:report-detail: no sample value for \['slug'\]"):
        samples.kwargs(pattern)
    assert samples.kwargs(pattern, {"slug": lambda s: "yearly"}) == ([], {"slug": "yearly"})


@pytest.mark.parametrize("token, feed", [("not-a-token", "follow-ups"), (None, "no-such-feed")])
def test_a_calendar_feed_with_an_unknown_token_or_feed_is_404_to_everyone(samples, role_users, token, feed):
    """The matrix row reads a feed by its valid secret; a guessed secret or feed name shows nothing."""
    url = reverse("partners:calendar-feed", kwargs={"token": token or samples.calendartoken.token, "feed": feed})
    before = database_checksum()
    assert {role: outcome_of(request_as(user, "get", url)) for role, user in role_users.items()} == each(404)
    assert not changed_tables(before, database_checksum())
