"""CSV and XLSX exports of the reports, streamed: rows are read in chunks and never held all at once."""
import csv
import datetime
import io
import itertools
import tempfile
from dataclasses import dataclass
from typing import Callable

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

from . import selectors_reports as reports
from .filters import REPORT_COLUMNS
from .models import Agreement, Collaboration, Figure, Interaction, Organization

CHUNK_SIZE = 5000
# CSV lines written per streamed chunk: one chunk per row costs more in the response machinery than the
# row itself; 1,000 rows are about 100 kB, so memory stays bounded.
LINES_PER_CHUNK = 1000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text):
    """``text`` made inert for a CSV opened in a spreadsheet: a leading single quote before a formula trigger.

    The quote makes Excel and LibreOffice keep the cell as text, so a phone number such as
    ``+1 514 555 0100`` still reads as itself instead of being evaluated. An XLSX cell needs no
    quote: it says it is text (see ``_xlsx_value``), and a quote there would show.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell(value):
    """One value as an export writes it: numbers as numbers, ISO dates, translated yes/no, text as is."""
    # Text first: most cells are text, and this runs once per cell of a million-row export.
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Table:
    """An export: its name in the file name, translated headings, and a lazy iterable of rows."""

    name: str
    header: list
    rows: Callable  # called once, in the request's language, while the response streams


def file_name(table, today, extension):
    """``<report>-<date>.<ext>``: what the file is and when it was taken."""
    return f"partner-crm-{table.name}-{today.isoformat()}.{extension}"


def _rows(table, language, quote=False):
    """The heading and the rows as cells; ``quote`` neutralizes text for CSV (see ``neutralize``)."""
    # The body streams after the view returns: keep the request's language for names and labels.
    with translation.override(language):
        yield [str(heading) for heading in table.header]
        # cell() inlined for the common types, yes/no translated once: this runs for every cell of a
        # million-row export.
        answers = {True: gettext("yes"), False: gettext("no")}
        triggers = FORMULA_TRIGGERS
        for row in table.rows():
            yield [
                (("'" + value) if quote and value.startswith(triggers) else value)
                if type(value) is str
                else "" if value is None
                else value.isoformat() if type(value) is datetime.date
                else answers[value] if type(value) is bool
                else cell(value)
                for value in row
            ]


def _xlsx_value(sheet, value):
    """``value`` for an XLSX row; text is always a text cell, never a formula, shown exactly as stored."""
    if not isinstance(value, str):
        return value
    # Control characters are not allowed in the XML of a sheet; tab and carriage return are kept.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith("="):
        return value  # openpyxl writes any other text as a string cell already
    text = WriteOnlyCell(sheet, value=value)
    text.data_type = "s"  # openpyxl would write "=..." as a formula
    return text


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_response(table, today):
    """The table as a streamed UTF-8 CSV (with a byte-order mark so Excel reads the accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    language = translation.get_language()

    def lines():
        yield "\ufeff"
        rows = _rows(table, language, quote=True)
        while batch := list(itertools.islice(rows, LINES_PER_CHUNK)):
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, file_name(table, today, "csv"))},
    )


def xlsx_response(table, today):
    """The table as an XLSX file, written row by row to a temporary file and streamed from disk."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(table.name)[:31])
    for row in _rows(table, translation.get_language()):
        sheet.append([_xlsx_value(sheet, value) for value in row])
    output = tempfile.TemporaryFile()  # removed by the OS once FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=file_name(table, today, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _labels(choices):
    return {value: str(label) for value, label in choices}


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


PARTNER_COLUMNS = {
    "kind": lambda org, labels: labels["kind"].get(org.kind, org.kind),
    "status": lambda org, labels: labels["status"].get(org.status, org.status),
    "sectors": lambda org, labels: "; ".join(sector.name for sector in org.sector_list),
    "programs": lambda org, labels: "; ".join(program.name for program in org.program_list),
    "city": lambda org, labels: org.city,
    "country": lambda org, labels: org.country,
    "owner": lambda org, labels: _person(org.relationship_owner),
    "partner_since": lambda org, labels: org.partner_since,
    "contacts": lambda org, labels: org.contact_count,
    "interactions": lambda org, labels: org.interaction_count,
    "active_collaborations": lambda org, labels: org.active_collaboration_count,
    "last_interaction": lambda org, labels: org.last_interaction_on,
}


def partner_values(columns):
    """A function giving an organization's values for ``columns``, in the list's order and the current language."""
    chosen = [column for column in PARTNER_COLUMNS if column in columns]
    labels = {"kind": _labels(Organization.Kind.choices), "status": _labels(Organization.Status.choices)}
    return lambda organization: [PARTNER_COLUMNS[column](organization, labels) for column in chosen]


def partners_table(scope, columns):
    """The filtered partner list with the chosen columns (the name always first)."""
    headings = dict(REPORT_COLUMNS)
    chosen = [column for column in PARTNER_COLUMNS if column in columns]

    def rows():
        values = partner_values(columns)
        for organization in reports.partner_rows(scope).iterator(chunk_size=CHUNK_SIZE):
            yield [organization.localized_name, *values(organization)]

    return Table("partners", [_("Name"), *(headings[column] for column in chosen)], rows)


def breakdowns_table(scope, columns=()):
    """Partners by kind, sector, status, program, country and owner, one row per value."""

    def rows():
        for dimension, label in reports.DIMENSIONS.items():
            for bucket in reports.partners_by(scope, dimension):
                yield [str(label), bucket.label, bucket.count]

    return Table("partners-breakdown", [_("Breakdown"), _("Value"), _("Partners")], rows)


def activity_table(scope, columns=()):
    """Interactions of the period per month, per kind and per staff member."""

    def rows():
        for label, buckets in (
            (_("Month"), reports.interactions_per_month(scope)),
            (_("Kind"), reports.interactions_by_kind(scope)),
            (_("Staff member"), reports.interactions_by_author(scope)),
        ):
            for bucket in buckets:
                yield [str(label), bucket.label, bucket.count]

    return Table("interactions-summary", [_("Breakdown"), _("Value"), _("Interactions")], rows)


def interactions_table(scope, columns=()):
    """Every interaction of the period, one row each (read as plain tuples, in chunks)."""
    fields = (
        "occurred_on",
        "organization__name",
        "organization__name_fr",
        "kind",
        "subject",
        "author__first_name",
        "author__last_name",
        "author__username",
        "follow_up_on",
        "follow_up_done",
    )

    def rows():
        kinds = _labels(Interaction.Kind.choices)
        french = (translation.get_language() or "").startswith("fr")
        queryset = reports.interactions_in_period(scope).order_by("occurred_on", "pk").values_list(*fields)
        for day, name, name_fr, kind, subject, first, last, username, follow_up_on, done in queryset.iterator(
            chunk_size=CHUNK_SIZE
        ):
            author = f"{first} {last}".strip() or username
            organization = name_fr if french and name_fr else name
            yield [day, organization, kinds.get(kind, kind), subject, author, follow_up_on, done if follow_up_on else None]

    header = [_("Date"), _("Organization"), _("Kind"), _("Subject"), _("Author"), _("Follow up on"), _("Follow-up done")]
    return Table("interactions", header, rows)


def collaborations_table(scope, columns=()):
    """The report's collaborations with their kind, status, dates and partners."""

    def rows():
        kinds, statuses = _labels(Collaboration.Kind.choices), _labels(Collaboration.Status.choices)
        for collaboration in reports.collaborations_with_partners(scope).iterator(chunk_size=CHUNK_SIZE):
            partners = "; ".join(org.localized_name for org in collaboration.partner_list)
            start = collaboration.start_on or collaboration.start_year
            yield [
                collaboration.title,
                kinds.get(collaboration.kind, collaboration.kind),
                statuses.get(collaboration.status, collaboration.status),
                start,
                collaboration.end_on,
                partners,
            ]

    header = [_("Title"), _("Kind"), _("Status"), _("Start"), _("End"), _("Partners")]
    return Table("collaborations", header, rows)


def fairs_table(scope, columns=()):
    """Fair editions of the period with invitations, registrations, attendance, positions and hires."""

    def rows():
        for fair in reports.fair_outcomes(scope):
            yield [
                fair.name,
                fair.held_on or fair.year,
                fair.invited_count,
                fair.registered_count,
                fair.attended_count,
                fair.positions_offered,
                fair.interns_placed,
                fair.hires,
            ]

    header = [
        _("Edition"),
        _("Held on"),
        _("Invited"),
        _("Registered"),
        _("Attended"),
        _("Positions offered"),
        _("Interns placed"),
        _("Hires"),
    ]
    return Table("fairs", header, rows)


def agreements_table(scope, columns=()):
    """Agreements ending within N days."""

    def rows():
        kinds, statuses = _labels(Agreement.Kind.choices), _labels(Agreement.Status.choices)
        for agreement in reports.agreements_ending(scope).iterator(chunk_size=CHUNK_SIZE):
            yield [
                agreement.organization.localized_name,
                kinds.get(agreement.kind, agreement.kind),
                statuses.get(agreement.status, agreement.status),
                agreement.start_on or agreement.start_year,
                agreement.end_on,
            ]

    return Table("agreements-ending", [_("Organization"), _("Type"), _("Status"), _("Start"), _("End")], rows)


def cooling_table(scope, columns=()):
    """Partners with no interaction for N days."""

    def rows():
        kinds = _labels(Organization.Kind.choices)
        for organization in reports.cooling_partners(scope).iterator(chunk_size=CHUNK_SIZE):
            yield [
                organization.localized_name,
                kinds.get(organization.kind, organization.kind),
                _person(organization.relationship_owner),
                organization.last_interaction_on,
            ]

    header = [_("Organization"), _("Kind"), _("Relationship owner"), _("Last interaction")]
    return Table("partners-cooling", header, rows)


def figures_table(scope, columns=()):
    """Headline figures: what we record now beside what each document stated."""

    def rows():
        metrics = _labels(Figure.Metric.choices)
        for figure in reports.headline_figures(scope):
            yield [
                metrics.get(figure.metric, figure.metric),
                figure.live_count,
                figure.get_qualifier_display(),
                figure.value,
                figure.stated_on,
                figure.source.title,
            ]

    header = [_("Figure"), _("Recorded now"), _("Qualifier"), _("Stated"), _("Stated on"), _("Source")]
    return Table("headline-figures", header, rows)


TABLES = {
    "partners": partners_table,
    "breakdowns": breakdowns_table,
    "activity": activity_table,
    "interactions": interactions_table,
    "collaborations": collaborations_table,
    "fairs": fairs_table,
    "agreements": agreements_table,
    "cooling": cooling_table,
    "figures": figures_table,
}
RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}
