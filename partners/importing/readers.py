"""Turn an uploaded CSV or XLSX file into headings and rows of text, or say clearly why it cannot be read."""
import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _, ngettext

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 200
SNIFF_DELIMITERS = ",;\t|"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class Table:
    """A file's headings and its data rows as (row number the spreadsheet shows, stripped cells)."""

    headings: list
    rows: list


def read_table(content: bytes, file_name: str, max_bytes: int | None = MAX_FILE_BYTES) -> Table:
    """Read CSV or XLSX ``content``; raise ImportFileError with a message for the person.

    ``max_bytes`` guards the web upload; the import_records command passes None for large files.
    """
    if max_bytes is not None and len(content) > max_bytes:
        raise ImportFileError(too_big_message(len(content)))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content)
    rows = [(number, cells) for number, cells in enumerate(rows, start=1) if any(cells)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    (heading_row, headings), data = rows[0], rows[1:]
    _check_width(headings, heading_row)
    while headings and not headings[-1]:
        headings.pop()
    if not data:
        raise ImportFileError(_("The file has headings but no rows to import."))
    for number, cells in data:
        _check_width(cells, number)
    return Table(headings=headings, rows=data)


def too_big_message(size):
    return _("The file is %(size)s MB; files up to %(limit)s MB can be imported. Split it, or ask an admin to use the import_records command.") % {
        "size": round(size / 1024 / 1024, 1),
        "limit": MAX_FILE_BYTES // 1024 // 1024,
    }


def _check_width(cells, number):
    # A row thousands of cells wide is a broken export, not data: refuse it before building anything on it.
    filled = len(cells)
    while filled and not cells[filled - 1]:
        filled -= 1
    if filled > MAX_COLUMNS:
        raise ImportFileError(
            ngettext(
                "Row %(row)s has %(count)s column; at most %(limit)s can be imported. Check that the file was saved with the right separator.",
                "Row %(row)s has %(count)s columns; at most %(limit)s can be imported. Check that the file was saved with the right separator.",
                filled,
            )
            % {"row": number, "count": filled, "limit": MAX_COLUMNS}
        )


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1252; a file mixing both is refused, never half-garbled."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    utf8_line = legacy_line = None
    for number, line in enumerate(content.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            legacy_line = legacy_line or number
    if utf8_line and legacy_line:
        raise ImportFileError(
            _("The file mixes two encodings: line %(utf8)s is UTF-8 but line %(legacy)s is not. Open it in a spreadsheet and save it again as “CSV UTF-8”.")
            % {"utf8": utf8_line, "legacy": legacy_line}
        )
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is neither UTF-8 nor Windows-1252 text. Save it again as “CSV UTF-8” or as an Excel workbook.")
        ) from None


def _csv_rows(content):
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("This file is a workbook or an archive, not CSV text. Give it the .xlsx extension or save it as CSV."))
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This file is not text. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx)."))
    text = decode(content)
    sample = text[:64 * 1024]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=SNIFF_DELIMITERS)
    except csv.Error:
        # One column, or too little text to tell: a comma is what every spreadsheet writes by default.
        dialect = csv.excel
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise ImportFileError(_("The file is not valid CSV: %(error)s") % {"error": error}) from None


def _xlsx_rows(content):
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This file is called .xlsx but is not an Excel workbook (it looks like text). Rename it to .csv or save it again from the spreadsheet as .xlsx.")
        )
    damaged = _("This Excel workbook is damaged and cannot be read. Save it again from the spreadsheet.")
    try:
        # data_only=False: a formula is read as its text (“=SUM(A1:A3)”), never evaluated.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # any archive that is not a workbook; openpyxl raises many kinds
        raise ImportFileError(damaged) from None
    try:
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows[-1]) > MAX_COLUMNS:
                _check_width(rows[-1], len(rows))
        return rows
    except ImportFileError:
        raise
    except Exception:  # a sheet whose XML is broken
        raise ImportFileError(damaged) from None
    finally:
        workbook.close()


def _cell_text(value):
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return (value.date() if not (value.hour or value.minute or value.second) else value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
