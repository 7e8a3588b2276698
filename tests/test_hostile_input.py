"""Hostile requests: forged POSTs (CSRF), GETs that try to change data, script typed into every text field.

Every URL pattern comes from the resolver walk (tests/url_walk.py) and its expected answers from the
permission matrix, so a page added later is covered here without being listed.
"""
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import models as db_models
from django.test import Client
from django.urls import reverse

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
def samples(team_user):
    return Samples(team_user=team_user)


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


def hostile(field, n):
    """The longest payload that fits the field, numbered so unique fields stay unique."""
    fitting = [p for p in PAYLOADS if field.max_length is None or len(p) + 4 <= field.max_length]
    return f"{fitting[0]} #{n}"


@pytest.fixture
def hostile_samples(samples, team_user, admin_user):
    """The samples with every free-text field of every record (and the staff's names) set to script."""
    n = 0
    records = {id(v): v for v in vars(samples).values() if isinstance(v, db_models.Model)}
    for record in records.values():
        if record._meta.app_label != "partners":
            continue
        for field in record._meta.concrete_fields:
            if isinstance(field, (db_models.CharField, db_models.TextField)) and field.editable and not field.choices:
                n += 1
                setattr(record, field.name, hostile(field, n))
        record.save()  # through save(), so the history shows the payload as "before" and "after" too
    for user in (team_user, admin_user):
        n += 1
        user.first_name, user.last_name = hostile(user._meta.get_field("first_name"), n), SCRIPT
        user.save()
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
    } <= shown, sorted(shown)
