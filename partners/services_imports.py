"""Writes of the import: bring a planned file in as a whole, or take a whole import back."""
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .importing.mapping import MODELS
from .importing.planner import plan_import
from .importing.readers import read_table
from .models import Organization, Sector, normalize_name
from .models_imports import ImportBatch, ImportedRecord

CHUNK = 500


class ImportRejected(Exception):
    """The file has errors: nothing was written. ``plan`` says which rows and columns."""

    def __init__(self, plan):
        super().__init__(f"{len(plan.errors())} errors")
        self.plan = plan


class ImportUndoRefused(Exception):
    """The import cannot be undone; the message says why."""


def _chunks(items, size=CHUNK):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@transaction.atomic
def import_draft_create(*, user, file_name: str, kind: str, content: bytes, mapping: dict) -> ImportBatch:
    """Keep an uploaded file, with its suggested mapping, until its owner imports it.

    The owner's earlier upload goes, and so does anyone's upload left unimported for a week.
    """
    ImportBatch.objects.drafts_of(user).delete()
    ImportBatch.objects.expired_drafts().delete()
    return ImportBatch.objects.create(user=user, file_name=file_name[:255], kind=kind, content=content, mapping=mapping)


@transaction.atomic
def import_run(*, batch: ImportBatch, table=None, progress=None) -> ImportBatch:
    """Import ``batch``'s file as planned, all or nothing; raise ImportRejected when any row has an error.

    ``table`` is the already-read file (the command passes it; the web reads the stored draft).
    ``progress(n)`` is told how many rows were written after each chunk.
    """
    if table is None:
        table = read_table(bytes(batch.content), batch.file_name)
    plan = plan_import(kind=batch.kind, table=table, mapping=batch.mapping, user=batch.user)
    if plan.has_errors:
        raise ImportRejected(plan)
    if batch.pk is None:
        batch.save()
    model = MODELS[batch.kind]
    content_type = ContentType.objects.get_for_model(model)
    reason = f"Import #{batch.pk}: {batch.file_name}"[:100]
    now = timezone.now()
    created = [row for row in plan.rows if row.action == "create"]
    updated = [row for row in plan.rows if row.action == "update"]
    links = []
    for chunk in _chunks(created):
        bulk_create_with_history(
            [row.instance for row in chunk], model, batch_size=CHUNK, default_user=batch.user, default_change_reason=reason
        )
        links += [
            ImportedRecord(batch=batch, content_type=content_type, object_id=row.instance.pk, action="created", version_after=row.instance.version)
            for row in chunk
        ]
        _report(progress, len(chunk))
    fields = {name for row in updated for name in row.changed if name != "sectors"}
    if "name" in fields and model is Organization:
        fields.add("name_key")  # derived from the name; save() would have refreshed it
    fields = sorted(fields)
    for chunk in _chunks(updated):
        for row in chunk:
            # bulk_update skips save(): move the version and the timestamp on as a save would.
            row.instance.version += 1
            row.instance.updated_at = now
        bulk_update_with_history(
            [row.instance for row in chunk],
            model,
            fields=[*fields, "version", "updated_at"],
            batch_size=CHUNK,
            default_user=batch.user,
            default_change_reason=reason,
        )
        links += [
            ImportedRecord(
                batch=batch,
                content_type=content_type,
                object_id=row.instance.pk,
                action="updated",
                version_after=row.instance.version,
                before=row.before,
            )
            for row in chunk
        ]
        _report(progress, len(chunk))
    if model is Organization:
        _add_sectors([row for row in created + updated if row.sectors])
    ImportedRecord.objects.bulk_create(links, batch_size=CHUNK)
    batch.status = ImportBatch.Status.DONE
    batch.imported_at = now
    batch.content = None
    batch.row_count = len(plan.rows)
    batch.created_count, batch.updated_count, batch.skipped_count = len(created), len(updated), plan.count("skip")
    batch.save()
    return batch


def _report(progress, count):
    if progress is not None:
        progress(count)


def _add_sectors(rows):
    """Link each organization to the sectors its row names, creating sectors no one has used yet."""
    sectors = {normalize_name(s.name): s for s in Sector.objects.all()}
    missing = {}
    for row in rows:
        for name in row.sectors:
            if normalize_name(name) not in sectors:
                missing.setdefault(normalize_name(name), name)
    for sector in Sector.objects.bulk_create([Sector(name=name) for name in missing.values()]):
        sectors[normalize_name(sector.name)] = sector
    through = Organization.sectors.through
    through.objects.bulk_create(
        [through(organization_id=row.instance.pk, sector_id=sectors[normalize_name(name)].pk) for row in rows for name in row.sectors],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )


@transaction.atomic
def import_undo(*, batch: ImportBatch, user) -> ImportBatch:
    """Take a whole import back: delete what it created, restore what it changed.

    Refused when any of its records was edited (its version moved on) or deleted since.
    """
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.DONE:
        raise ImportUndoRefused(_("Only a finished import that was not undone yet can be undone."))
    model = MODELS[batch.kind]
    records = list(batch.records.all())
    current = model.objects.in_bulk([record.object_id for record in records])
    edited = [r for r in records if r.object_id not in current or current[r.object_id].version != r.version_after]
    if edited:
        names = ", ".join(str(current[r.object_id]) for r in edited[:5] if r.object_id in current)
        raise ImportUndoRefused(
            ngettext(
                "%(count)s record was edited or deleted since this import (%(names)s): undoing it would lose that work.",
                "%(count)s records were edited or deleted since this import (%(names)s): undoing it would lose that work.",
                len(edited),
            )
            % {"count": len(edited), "names": names or "—"}
        )
    try:
        _take_back(batch, model, records, current, user)
    except ProtectedError:
        raise ImportUndoRefused(
            _("Records this import created are now used elsewhere (contacts, interactions, collaborations…): remove those first.")
        ) from None
    except IntegrityError:
        raise ImportUndoRefused(
            _("A value this import replaced is now used by another record (a name or a key): undoing it would create a duplicate.")
        ) from None
    now = timezone.now()
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = now
    batch.undone_by = user
    batch.save()
    return batch


def _take_back(batch, model, records, current, user):
    """Restore the values an import replaced and delete the records it created."""
    reason = f"Undo of import #{batch.pk}"
    restored, fields, sectors = [], set(), []
    now = timezone.now()
    for record in records:
        if record.action != ImportedRecord.Action.UPDATED:
            continue
        instance = current[record.object_id]
        for name, value in (record.before or {}).items():
            if name == "sectors":
                sectors.append((instance.pk, value))
                continue
            setattr(instance, name, value)
            fields.add(name.removesuffix("_id"))
        if model is Organization and "name" in fields:
            instance.name_key = normalize_name(instance.name)
            fields.add("name_key")
        instance.version += 1
        instance.updated_at = now
        restored.append(instance)
    bulk_update_with_history(
        restored, model, fields=[*sorted(fields), "version", "updated_at"], batch_size=CHUNK, default_user=user, default_change_reason=reason
    )
    for pk, sector_ids in sectors:
        Organization.objects.get(pk=pk).sectors.set(sector_ids)
    created = [r.object_id for r in records if r.action == ImportedRecord.Action.CREATED]
    for chunk in _chunks(created):
        model.objects.filter(pk__in=chunk).delete()
