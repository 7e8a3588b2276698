"""Whole-database backup to one portable file, and restore from it.

The file is gzip-compressed JSON Lines: a header line, then one record a line in the form
`dumpdata` writes (model, pk, fields), with times kept to the microsecond. It is written and read
through the ORM, so a backup taken on SQLite restores on PostgreSQL and back, with no client binaries.
"""
import datetime
import gzip
import json
import os
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "partner-crm-backup"
VERSION = 1
# Rows the migrations themselves create: a freshly migrated database has them and still counts as empty.
CREATED_BY_MIGRATIONS = {"contenttypes.ContentType", "auth.Permission", "auth.Group"}


class BackupError(Exception):
    """A backup file that cannot be restored here, or a database that must not be overwritten."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def stored_models():
    """Every model with a table of its own (many-to-many links travel with the model that declares them)."""
    return [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]


def applied_migrations():
    """The migrations this database has applied, as sorted "app.name" strings."""
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def populated_models():
    """Labels of the models holding rows other than those the migrations create."""
    return [
        model._meta.label
        for model in stored_models()
        if model._meta.label not in CREATED_BY_MIGRATIONS and model._base_manager.exists()
    ]


def database_backup(*, path):
    """Write every row of every table to ``path``; returns the number of rows per model."""
    counts = Counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for the whole file: rows written meanwhile are either all in or all out.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "migrations": applied_migrations(),
        }
        # Written aside and renamed at the end: a backup that fails half-way never looks complete.
        partial = Path(f"{path}.partial")
        with gzip.open(partial, "wt", encoding="utf-8") as stream:
            stream.write(json.dumps(header) + "\n")
            for model in stored_models():
                rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
                serializer = serializers.get_serializer("jsonl")()
                serializer.serialize(rows, stream=stream, cls=ExactJSONEncoder)
                counts[model._meta.label] = model._base_manager.count()
        os.replace(partial, path)
    return dict(counts)


def read_header(stream):
    """The header line, checked: the file is ours and matches this database's migrations."""
    try:
        header = json.loads(stream.readline())
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"Not a Partner CRM backup (gzip-compressed JSON Lines expected): {error}") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("Not a Partner CRM backup: the first line is not its header.")
    if header.get("version") != VERSION:
        raise BackupError(f"Backup format version {header.get('version')} is not supported (expected {VERSION}).")
    missing = sorted(set(header.get("migrations", [])) - set(applied_migrations()))
    if missing:
        raise BackupError(
            "The backup was taken at migrations this database has not applied; run `manage.py migrate` "
            f"with the code of that time first. Missing: {', '.join(missing)}"
        )
    return header


@transaction.atomic
def database_restore(*, path, force=False):
    """Replace every row with those of the backup at ``path``; all or nothing.

    Refuses a database that holds data unless ``force``. Returns the number of rows per model.
    """
    if not force and (populated := populated_models()):
        raise BackupError(
            "This database is not empty (it has rows in " + ", ".join(populated[:5])
            + (", …" if len(populated) > 5 else "") + "). Restore into a new migrated database, or use --force "
            "to replace everything in it."
        )
    counts = Counter()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            read_header(stream)
            # Settle deferred foreign-key checks of earlier writes in this transaction first:
            # PostgreSQL will not empty a table with checks still pending.
            connection.check_constraints()
            tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=False)
            )
            for record in serializers.deserialize("jsonl", stream):
                record.save()
                counts[record.object._meta.label] += 1
            connection.check_constraints()
    except (OSError, EOFError, UnicodeDecodeError, serializers.base.DeserializationError) as error:
        raise BackupError(f"The backup file cannot be read: {error}") from error
    except IntegrityError as error:
        raise BackupError(f"The backup's rows do not fit together: {error}") from error
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), stored_models()):
            cursor.execute(statement)
    apps.get_model("contenttypes", "ContentType").objects.clear_cache()
    return dict(counts)
