"""The permission matrix: every URL pattern × role × method → what the server must answer.

One row per pattern key (``namespace:name``; unnamed patterns by their route). Glob rows (``admin:*_add``)
cover a family of admin patterns; an exact row wins over a glob, a longer glob over a shorter one.
tests/test_permissions.py fails on a pattern without a row and on a row without a pattern, so a new page
gets its row here in the same change. ``objects`` names the sample (tests/url_walk.Samples attribute) each
URL parameter points at, or gives a function of the samples returning the value (a token, a slug); ``data``
names the POST body builder in ``POST_DATA`` below (none: an empty POST). A new staff form also goes in
tests/test_fuzz.py FORMS.

Outcomes: an HTTP status, or LOGIN / ADMIN_LOGIN (302 to that login page), REDIRECT (302 elsewhere),
ACCEPTED (the view handled the POST: 302 after saving or 200 showing the form again; never 403).
"""
import itertools
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

ROLES = ("anonymous", "read-only", "team", "admin")

LOGIN = "login"
ADMIN_LOGIN = "admin login"
REDIRECT = "redirect"
ACCEPTED = "accepted"


def each(outcome):
    """The same outcome for every role."""
    return dict.fromkeys(ROLES, outcome)


def roles(anonymous, read_only, team, admin):
    return dict(zip(ROLES, (anonymous, read_only, team, admin)))


# Staff pages: LoginRequiredMiddleware sends anonymous visitors to the login page before any view runs.
READERS = roles(LOGIN, 200, 200, 200)
EDITORS = roles(LOGIN, 403, 200, 200)
EDITORS_POST = roles(LOGIN, 403, ACCEPTED, ACCEPTED)
NO_POST = roles(LOGIN, 405, 405, 405)
NO_POST_FOR_EDITORS = roles(LOGIN, 403, 405, 405)  # the permission is checked before the method
# Imports and merges need a permission of their own, which only superusers hold unless an admin grants it.
GRANTED = roles(LOGIN, 403, 403, 200)
GRANTED_POST = roles(LOGIN, 403, 403, REDIRECT)
GRANTED_NO_POST = roles(LOGIN, 403, 403, 405)
# The admin lets in active staff only; signed-in non-staff go to its login page. The site's own pages
# (index, app list...) send anonymous visitors there too; a model's pages lose Django's "login not
# required" mark when ModelAdmin wraps them, so LoginRequiredMiddleware sends them to the site's login.
SITE_ADMIN = roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)
SITE_ADMIN_POST = roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ACCEPTED)
SITE_ADMIN_NO_POST = roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 405)
MODEL_ADMIN = roles(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)
MODEL_ADMIN_POST = roles(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ACCEPTED)
MODEL_ADMIN_REDIRECT = roles(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT)
MODEL_ADMIN_REFUSED = roles(LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403)


@dataclass(frozen=True)
class Row:
    get: dict
    post: dict
    objects: dict = field(default_factory=dict)
    data: str | None = None


MATRIX = {
    # --- accounts ---------------------------------------------------------------------------------
    "login": Row(get=each(200), post=each(200), data="bad_login"),
    "logout": Row(get=roles(LOGIN, 405, 405, 405), post=roles(LOGIN, REDIRECT, REDIRECT, REDIRECT)),
    "password_change": Row(get=roles(LOGIN, 200, 200, 200), post=roles(LOGIN, 200, 200, 200), data="bad_password_change"),
    "password_change_done": Row(get=READERS, post=NO_POST),
    "password_reset": Row(get=each(200), post=each(REDIRECT), data="password_reset"),
    "password_reset_done": Row(get=each(200), post=each(405)),
    "password_reset_confirm": Row(get=each(200), post=each(200)),
    "password_reset_complete": Row(get=each(200), post=each(405)),
    # --- staff pages --------------------------------------------------------------------------------
    "partners:home": Row(get=READERS, post=NO_POST),
    "partners:search": Row(get=READERS, post=NO_POST),
    "partners:partner-suggest": Row(get=READERS, post=NO_POST),
    "partners:language": Row(get=each(405), post=each(REDIRECT), data="language"),
    "partners:organization-list": Row(get=READERS, post=NO_POST),
    "partners:organization-detail": Row(get=READERS, post=NO_POST, objects={"pk": "organization"}),
    "partners:organization-create": Row(get=EDITORS, post=EDITORS_POST, data="organization"),
    "partners:organization-update": Row(
        get=EDITORS, post=EDITORS_POST, objects={"pk": "organization"}, data="organization_edit"
    ),
    "partners:interaction-create": Row(
        get=EDITORS, post=EDITORS_POST, objects={"pk": "organization"}, data="interaction"
    ),
    # The sample interaction's author is the team user; only the author or an admin edits it.
    "partners:interaction-update": Row(
        get=EDITORS, post=EDITORS_POST, objects={"pk": "interaction"}, data="interaction_edit"
    ),
    "partners:follow-up-done": Row(
        get=NO_POST_FOR_EDITORS, post=roles(LOGIN, 403, REDIRECT, REDIRECT), objects={"pk": "interaction"},
        data="follow_up",
    ),
    "partners:contact-list": Row(get=READERS, post=NO_POST),
    "partners:contact-detail": Row(get=READERS, post=NO_POST, objects={"pk": "contact"}),
    "partners:contact-create": Row(get=EDITORS, post=EDITORS_POST, data="contact"),
    "partners:contact-update": Row(get=EDITORS, post=EDITORS_POST, objects={"pk": "contact"}, data="contact_edit"),
    "partners:collaboration-list": Row(get=READERS, post=NO_POST),
    "partners:collaboration-detail": Row(get=READERS, post=NO_POST, objects={"pk": "collaboration"}),
    "partners:collaboration-create": Row(get=EDITORS, post=EDITORS_POST, data="collaboration"),
    "partners:collaboration-update": Row(
        get=EDITORS, post=EDITORS_POST, objects={"pk": "collaboration"}, data="collaboration_edit"
    ),
    "partners:fair-list": Row(get=READERS, post=NO_POST),
    "partners:fair-detail": Row(get=READERS, post=NO_POST, objects={"pk": "fair"}),
    "partners:participation-create": Row(get=EDITORS, post=EDITORS_POST, data="participation"),
    "partners:participation-update": Row(
        get=EDITORS, post=EDITORS_POST, objects={"pk": "fairparticipation"}, data="participation_edit"
    ),
    "partners:contact-vcard": Row(get=READERS, post=NO_POST, objects={"pk": "contact"}),
    "partners:contact-list-vcard": Row(get=READERS, post=NO_POST),
    # --- reports: every reader may see and export them; the filters are a GET ----------------------
    "partners:report": Row(get=READERS, post=NO_POST),
    "partners:report-export": Row(
        get=READERS, post=NO_POST, objects={"table": lambda s: "partners", "extension": lambda s: "xlsx"}
    ),
    "partners:report-card": Row(get=READERS, post=NO_POST, objects={"pk": "organization"}),
    # --- duplicates: everyone sees them; merging and undoing need partners.merge_records ---------------
    "partners:duplicate-list": Row(get=READERS, post=NO_POST),
    "partners:merge": Row(
        get=GRANTED, post=GRANTED_POST, data="merge",
        objects={"kind": lambda s: "organization", "first": "twin", "second": "other_twin"},
    ),
    "partners:merge-undo": Row(get=GRANTED_NO_POST, post=GRANTED_POST, objects={"pk": "merge"}),
    # --- calendar: each person resets their own addresses; feeds are read by secret address, no login ---
    "partners:calendar": Row(get=READERS, post=roles(LOGIN, REDIRECT, REDIRECT, REDIRECT)),
    "partners:calendar-feed": Row(
        get=each(200), post=each(405), objects={"token": lambda s: s.calendartoken.token, "feed": lambda s: "follow-ups"}
    ),
    # --- imports: partners.import_records; drafts are their uploader's own (the admin's here) ------------
    "partners:import-list": Row(get=GRANTED, post=GRANTED_NO_POST),
    "partners:import-upload": Row(get=GRANTED, post=GRANTED_POST, data="import_upload"),
    "partners:import-detail": Row(get=GRANTED, post=GRANTED_NO_POST, objects={"pk": "importbatch"}),
    "partners:import-undo": Row(get=GRANTED_NO_POST, post=GRANTED_POST, objects={"pk": "importbatch"}),
    "partners:import-mapping": Row(get=GRANTED, post=GRANTED_POST, objects={"pk": "import_draft"}, data="import_mapping"),
    "partners:import-preview": Row(get=GRANTED, post=GRANTED_NO_POST, objects={"pk": "import_draft"}),
    "partners:import-errors": Row(get=GRANTED, post=GRANTED_NO_POST, objects={"pk": "import_draft"}),
    "partners:import-confirm": Row(get=GRANTED_NO_POST, post=GRANTED_POST, objects={"pk": "import_draft"}),
    # --- operations ---------------------------------------------------------------------------------------
    "healthz": Row(get=each(200), post=each(405)),
    # --- admin --------------------------------------------------------------------------------------
    "admin:login": Row(get=roles(200, 200, 200, REDIRECT), post=each(200), data="bad_login"),
    # Signing out of the admin: non-staff are sent to its index (then its login); staff are signed out.
    "admin:logout": Row(
        get=roles(ADMIN_LOGIN, REDIRECT, REDIRECT, 405), post=roles(ADMIN_LOGIN, REDIRECT, REDIRECT, REDIRECT)
    ),
    "admin:index": Row(get=SITE_ADMIN, post=SITE_ADMIN_POST),
    "admin:app_list": Row(get=SITE_ADMIN, post=SITE_ADMIN_POST),
    "admin:jsi18n": Row(get=SITE_ADMIN, post=SITE_ADMIN_NO_POST),
    # Without a field to complete, the autocomplete answers 403 even to an admin.
    "admin:autocomplete": Row(get=roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403), post=SITE_ADMIN_NO_POST),
    "admin:password_change": Row(get=SITE_ADMIN, post=SITE_ADMIN_POST),
    "admin:password_change_done": Row(get=SITE_ADMIN, post=SITE_ADMIN_NO_POST),
    "admin:view_on_site": Row(
        get=roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT), post=roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT)
    ),
    "admin:<unnamed> admin/(?P<url>.*)$": Row(
        get=roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404), post=roles(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404)
    ),
    "admin:*_changelist": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:*_add": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:*_change": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    # An empty POST to a delete page shows the confirmation again; it does not delete.
    "admin:*_delete": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:*_history": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:*_simple_history": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:auth_user_password_change": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:partners_contact_privacy_export": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_POST),
    "admin:partners_contact_anonymize": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_REDIRECT),
    # Records of what happened (sign-in attempts, imports, merges) and calendar secrets are never typed in
    # by hand: no add page, even for an admin; imports and merges cannot be edited either (undo is on their page).
    "admin:axes_*_add": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_calendartoken_add": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_merge_add": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importbatch_add": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importedrecord_add": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_merge_change": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importbatch_change": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importedrecord_change": Row(get=MODEL_ADMIN, post=MODEL_ADMIN_REFUSED),
    # Nor deleted: undo restores from them. Only an upload never imported may go (tests/partners/test_admin_imports.py).
    "admin:partners_merge_delete": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importedrecord_delete": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    "admin:partners_importbatch_delete": Row(get=MODEL_ADMIN_REFUSED, post=MODEL_ADMIN_REFUSED),
    # A record's bare admin address redirects to its change page.
    "admin:<unnamed> admin/*/<path:object_id>/": Row(get=MODEL_ADMIN_REDIRECT, post=MODEL_ADMIN_REDIRECT),
}


_names = itertools.count(1)


def _version(record):
    record.refresh_from_db(fields=["version"])
    return record.version


def _collaboration(samples):
    return {
        "title": f"Matrix collaboration {next(_names)}", "kind": "workshop", "status": "active",
        "organizations": [samples.organization.pk],
        "participants-TOTAL_FORMS": "0", "participants-INITIAL_FORMS": "0",
    }


def _upload(samples):
    return {"kind": "organizations", "file": SimpleUploadedFile("matrix.csv", b"Company name\nMatrix upload\n")}


# POST bodies that a real form would send, built fresh for each request (versions move on as roles save).
POST_DATA = {
    "bad_login": lambda s: {"username": "nobody", "password": "wrong password"},
    "bad_password_change": lambda s: {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    "password_reset": lambda s: {"email": "nobody@example.org"},
    "language": lambda s: {"language": "fr", "next": "/"},
    "organization": lambda s: {"name": f"Matrix organization {next(_names)}", "kind": "industry", "status": "prospect"},
    "organization_edit": lambda s: {
        "name": s.organization.name, "kind": "industry", "status": "partner", "version": _version(s.organization)
    },
    "interaction": lambda s: {"kind": "call", "occurred_on": "2026-11-02", "subject": "Matrix call"},
    "interaction_edit": lambda s: {
        "kind": "call", "occurred_on": "2026-11-02", "subject": "Matrix call, edited", "version": _version(s.interaction)
    },
    "follow_up": lambda s: {"done": "1"},
    "contact": lambda s: {"first_name": "Matrix", "last_name": "Person", "organization": s.organization.pk},
    "contact_edit": lambda s: {
        "first_name": "Sam", "last_name": "Sample", "organization": s.organization.pk, "version": _version(s.contact)
    },
    "collaboration": _collaboration,
    "collaboration_edit": lambda s: {**_collaboration(s), "version": _version(s.collaboration)},
    "participation": lambda s: {"organization": s.other_organization.pk, "status": "registered",
                                "internships_offered": 1, "full_time_offered": 0, "interns_hired": 0,
                                "converted_full_time": 0},
    "participation_edit": lambda s: {"status": "attended", "internships_offered": 2, "full_time_offered": 1,
                                     "interns_hired": 1, "converted_full_time": 0,
                                     "version": _version(s.fairparticipation)},
    "merge": lambda s: {"keep": s.twin.pk},
    "import_upload": _upload,
    "import_mapping": lambda s: {"column_0": "name", "column_1": "city"},
}
