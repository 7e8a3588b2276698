"""Import a large CSV or XLSX file from the shell: same checks as the web import, bulk writes, all or nothing."""
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partners.importing.mapping import FIELDS, missing_required, suggest_mapping
from partners.importing.readers import ImportFileError, read_table
from partners.models_imports import ImportBatch
from partners.services_imports import ImportRejected, import_run

SHOWN_ERRORS = 30


class Progress:
    """A one-line progress bar on standard error, redrawn in place."""

    def __init__(self, stream, total, label):
        self.stream, self.total, self.label, self.done = stream, max(total, 1), label, 0

    def __call__(self, count):
        self.done += count
        filled = 30 * self.done // self.total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}", ending="")
        self.stream.flush()
        if self.done >= self.total:
            self.stream.write("")


class Command(BaseCommand):
    help = (
        "Import organizations, contacts or interactions from a CSV or XLSX file; columns are matched by their "
        "headings as in the web import. One bad row and nothing is written; the import can be undone on /imports/."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--type", dest="kind", required=True, choices=list(FIELDS))
        parser.add_argument("--user", help="Username recorded as the importer (and author of interactions); default: the first superuser.")

    def handle(self, *args, file, kind, user=None, **options):
        importer = self._importer(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}.")
        started = time.monotonic()
        try:
            table = read_table(path.read_bytes(), path.name, max_bytes=None)
        except ImportFileError as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        mapping = suggest_mapping(kind, table.headings)
        missing = missing_required(kind, mapping)
        if missing:
            raise CommandError(
                f"No column for {', '.join(missing)}; headings found: {', '.join(table.headings)}. Nothing was imported."
            )
        self.stderr.write(f"Checking {len(table.rows)} rows of {path.name}…")
        batch = ImportBatch(user=importer, kind=kind, file_name=path.name, mapping=mapping)
        progress = Progress(self.stderr, len(table.rows), "Writing")
        try:
            batch = import_run(batch=batch, table=table, progress=progress)
        except ImportRejected as rejected:
            errors = rejected.plan.errors()
            for number, column, message in errors[:SHOWN_ERRORS]:
                self.stderr.write(f"row {number}, column {column or '-'}: {message}")
            more = f" ({len(errors) - SHOWN_ERRORS} more not shown)" if len(errors) > SHOWN_ERRORS else ""
            raise CommandError(f"{len(errors)} errors{more}: nothing was imported.") from None
        if progress.done < progress.total:
            progress(progress.total - progress.done)
        self.stdout.write(
            self.style.SUCCESS(
                f"Import #{batch.pk} of {path.name}: {batch.created_count} created, {batch.updated_count} updated, "
                f"{batch.skipped_count} unchanged in {time.monotonic() - started:.1f} s."
            )
        )

    def _importer(self, username):
        users = get_user_model().objects
        if username:
            try:
                return users.get(username=username)
            except users.model.DoesNotExist:
                raise CommandError(f"No user {username}.") from None
        importer = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if importer is None:
            raise CommandError("No superuser to record as the importer: pass --user.")
        return importer
