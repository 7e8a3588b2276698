"""Every URL pattern of the project, a real URL for each, and a checksum of the whole database.

Shared by the permission matrix, the CSRF, GET-safety and XSS tests and the fuzz tests, so a page
added to the URLconf is covered by all of them without anyone listing it again.
"""
import datetime
import fnmatch
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BinaryField
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from partners import models
from partners.importing.mapping import suggest_mapping
from partners.importing.readers import read_table
from partners.models_merges import CalendarToken
from partners.services_imports import import_draft_create, import_run
from partners.services_merges import organization_merge
from tests import factories
from tests.url_matrix import ACCEPTED, ADMIN_LOGIN, LOGIN, MATRIX, REDIRECT


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its matrix key (``namespace:name``, or the route when unnamed) and how to build it."""

    key: str
    route: str
    name: str | None
    params: tuple
    positional: int

    @property
    def admin_model(self):
        """The model an admin URL is about (``admin/<app>/<model>/...``), if any."""
        match = re.match(r"admin/(\w+)/(\w+)/", self.route)
        if match is None:
            return None
        try:
            return apps.get_model(match[1], match[2])
        except LookupError:
            return None


def _route_text(pattern):
    return str(pattern.pattern)


def url_patterns(resolver=None, prefix="", namespace=""):
    """Walk the URLconf recursively: every pattern once, in order."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found += url_patterns(entry, prefix + _route_text(entry), inner)
            continue
        assert isinstance(entry, URLPattern)
        route = prefix + _route_text(entry)
        regex = entry.pattern.regex
        params = tuple(getattr(entry.pattern, "converters", {}) or regex.groupindex)
        positional = regex.groups - len(regex.groupindex)
        key = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed> {route}"
        found.append(Pattern(key=key, route=route, name=entry.name and f"{namespace}{entry.name}",
                             params=params, positional=positional))
    # A name listed twice (Django's own accounts/login/ under ours) is one page: reverse() finds the first.
    unique = {}
    for pattern in found:
        unique.setdefault(pattern.key, pattern)
    return list(unique.values())


def matching_row(key, matrix):
    """The matrix key that covers ``key``: an exact row, else the longest glob row that matches it (no tie)."""
    if key in matrix:
        return key
    globs = sorted(
        (row for row in matrix if any(ch in row for ch in "*?[") and fnmatch.fnmatchcase(key, row)), key=len, reverse=True
    )
    if len(globs) > 1 and len(globs[0]) == len(globs[1]):
        return None
    return globs[0] if globs else None


def row_of(pattern):
    """The matrix row that covers ``pattern``, or None (test_permissions reports the pattern as missing)."""
    return MATRIX.get(matching_row(pattern.key, MATRIX))


def outcome_of(response):
    """Name what the server answered the way the matrix does."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(resolve_url(settings.LOGIN_URL) + "?"):
        return LOGIN
    if location.startswith(reverse("admin:login") + "?"):
        return ADMIN_LOGIN
    return REDIRECT


# POST outcomes after which a write is legitimate; every other POST must leave the database alone.
WRITES_ALLOWED = (ACCEPTED, REDIRECT, 200)


def matches(expected, actual):
    if expected == ACCEPTED:
        return actual in (200, REDIRECT)
    return expected == actual


# A file the import pages accept: one new organization, headings the mapping recognizes.
IMPORT_FILE = "Company name,City\nSample imported partner,Laval\n".encode()


def import_draft(user, content=IMPORT_FILE, file_name="sample-import.csv"):
    """``user``'s upload as the upload page leaves it: the file kept, the mapping suggested."""
    mapping = suggest_mapping("organizations", read_table(content, file_name).headings)
    return import_draft_create(user=user, file_name=file_name, kind="organizations", content=content, mapping=mapping)


def _sign_in_record(model, **fields):
    """A row of django-axes' sign-in records, as a failed or a successful sign-in leaves it."""
    return model.objects.create(
        username="sample-account", ip_address="127.0.0.1", user_agent="Sample browser", http_accept="text/html",
        path_info="/accounts/login/", **fields,
    )


class Samples:
    """One real object of each kind, so every URL with an id points at something that exists."""

    def __init__(self, *, team_user, admin_user):
        home = factories.OrganizationFactory(name="Sample home institute", kind=models.Organization.Kind.HOME)
        self.sector = factories.SectorFactory(name="Sample sector")
        self.program = factories.ProgramFactory(name="Sample program")
        self.organization = factories.OrganizationFactory(
            name="Sample partner", sectors=[self.sector], programs=[self.program], relationship_owner=team_user
        )
        self.other_organization = factories.OrganizationFactory(name="Sample prospect")
        self.contact = factories.ContactFactory(organization=self.organization, first_name="Sam", last_name="Sample")
        self.researcher = factories.ContactFactory(organization=home, first_name="Rae", last_name="Researcher")
        self.researcharea = models.ResearchArea.objects.create(name="Sample research area")
        self.collaboration = factories.CollaborationFactory(organizations=[self.organization])
        self.collaboration.research_areas.add(self.researcharea)
        self.participant = factories.ParticipantFactory(collaboration=self.collaboration, contact=self.researcher)
        self.interaction = factories.InteractionFactory(
            organization=self.organization, author=team_user, contacts=[self.contact],
            follow_up_on=datetime.date(2026, 12, 1),
        )
        self.internshipfair = self.fair = factories.InternshipFairFactory()
        self.eventseries = self.fair.series
        self.fairparticipation = factories.FairParticipationFactory(fair=self.fair, organization=self.organization)
        self.agreement = factories.AgreementFactory(organization=self.organization)
        self.sourcedocument = models.SourceDocument.objects.create(
            file_name="sample.txt", title="Sample document", kind=models.SourceDocument.Kind.WEB_PAGE
        )
        self.publication = factories.PublicationFactory(collaboration=self.collaboration)
        self.publication.organizations.add(self.organization)
        self.publication.authors.add(self.researcher)
        self.figure = models.Figure.objects.create(
            organization=self.organization, metric=models.Figure.Metric.RESEARCHERS, value=1, source=self.sourcedocument
        )
        self.userpreference = models.UserPreference.objects.create(user=team_user, language="en")
        # Duplicates: a pair to merge, and a merge already done (through the services, as the pages do them).
        self.twin = factories.OrganizationFactory(name="Sample twin")
        self.other_twin = factories.OrganizationFactory(name="Sample twin Inc.")
        self.merge = organization_merge(
            keep=factories.OrganizationFactory(name="Sample merged"),
            remove=factories.OrganizationFactory(name="Sample merged Inc."),
            user=admin_user,
        )
        self.calendartoken = CalendarToken.objects.create(user=team_user)
        # Imports are the admin's by default: one done (with the record it created), one still a draft.
        self.importbatch = import_run(batch=import_draft(admin_user))
        self.importedrecord = self.importbatch.records.get()
        self.import_draft = import_draft(admin_user, "Company name,City\nDraft Robotics,Sherbrooke\n".encode())
        self.accessattempt = _sign_in_record(AccessAttempt, get_data="", post_data="username=sample-account",
                                             failures_since_start=1)
        self.accesslog = _sign_in_record(AccessLog)
        self.accessfailurelog = _sign_in_record(AccessFailureLog)
        self.user = team_user
        self.group = Group.objects.get(name="Read-only")

    def for_model(self, model):
        """The sample object of ``model`` (by its model name)."""
        return getattr(self, model._meta.model_name)

    def kwargs(self, pattern, objects=None):
        """Keyword and positional arguments that make ``pattern`` point at the samples."""
        objects = objects or {}
        model = pattern.admin_model
        values = {
            "fair_pk": self.fair.pk,
            "object_id": self.for_model(model).pk if model else None,
            "content_type_id": ContentType.objects.get_for_model(models.Organization).pk,
            "id": self.user.pk,
            "app_label": "partners",
            "uidb64": "MQ",
            "token": "set-password",
            "url": "no-such-page/",
        }
        if pattern.key.startswith("admin:view_on_site"):
            values["object_id"] = self.organization.pk
        for param, source in objects.items():
            values[param] = source(self) if callable(source) else getattr(self, source).pk
        unknown = [param for param in pattern.params if values.get(param) is None]
        if unknown:
            raise LookupError(
                f"{pattern.key}: no sample value for {unknown}; name the sample in its matrix row's objects "
                f"(e.g. objects={{'{unknown[0]}': 'organization'}} or a function of the samples)"
            )
        kwargs = {param: values[param] for param in pattern.params}
        args = []
        if pattern.positional:
            record = self.for_model(model)
            args = [record.pk, record.history.order_by("-history_id").first().history_id][: pattern.positional]
        return args, kwargs

    def url(self, pattern, objects=None):
        """A concrete URL for ``pattern``; unnamed patterns are filled in from their route."""
        args, kwargs = self.kwargs(pattern, objects)
        if pattern.name:
            return reverse(pattern.name, args=args or None, kwargs=kwargs or None)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m[1]]), pattern.route)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m[1]]), path)
        return "/" + path.lstrip("^").rstrip("$")


# Columns that change on a read by design: signing in stamps the user's last login.
UNCHECKED_COLUMNS = {("auth.User", "last_login")}


def database_checksum():
    """Every row of every table (sessions excepted), hashed per table.

    Equal before and after a request means the request wrote nothing: no row added, removed or changed,
    whether through save() or a bare UPDATE. One query, so tests can afford it around each request.
    """
    quote = connection.ops.quote_name
    # Bytes (an uploaded file) are not text in any encoding: compare them as hexadecimal.
    as_hex = "encode({}, 'hex')" if connection.vendor == "postgresql" else "hex({})"

    def as_text(field):
        column = quote(field.column)
        if isinstance(field, BinaryField):
            return as_hex.format(column)
        return f"CAST({column} AS TEXT)"

    labels, parts = [], []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label == "sessions.Session":  # signing in writes a session; that is not the app's data
            continue
        columns = [
            f"COALESCE({as_text(f)}, '~')"
            for f in model._meta.concrete_fields
            if (label, f.name) not in UNCHECKED_COLUMNS
        ]
        row = " || '|' || ".join(columns)
        labels.append(label)
        parts.append(f"SELECT '{label}', {row} FROM {quote(model._meta.db_table)}")
    tables = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        for label, row in cursor.fetchall():
            tables.setdefault(label, []).append(row)
    return {label: hash(tuple(sorted(tables.get(label, ())))) for label in labels}


def changed_tables(before, after):
    """The tables whose rows differ between two checksums, for failure messages."""
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))
