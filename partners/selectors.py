"""Reads that are not one model's QuerySet."""
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy as _

from . import search
from .models import Collaboration, Contact, Organization

# Bookkeeping columns a person does not edit: showing them in a history would only add noise.
HISTORY_HIDDEN_FIELDS = {"id", "name_key", "version", "created_at", "updated_at"}

HISTORY_KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class FieldChange:
    """One field of a record, before and after a change (display values; None means empty)."""

    name: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of a record: who saved it, when, and which fields moved from what to what.

    ``changes`` is None when the previous version was never recorded (records loaded from a fixture).
    """

    history_id: int
    when: datetime.datetime
    user: object
    kind: str
    reason: str
    changes: tuple | None

    @property
    def kind_label(self):
        return HISTORY_KINDS.get(self.kind, self.kind)


def history_fields(model):
    """The fields a person reads in a record's history, in the model's order."""
    return [field for field in model.history.model.tracked_fields if field.name not in HISTORY_HIDDEN_FIELDS]


def display_value(field, value):
    """A model field's value as a person reads it; None when empty. ``value`` is an object for relations."""
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def _record_value(field, record):
    """The display value of ``field`` in a historical record, its relations already joined."""
    if field.many_to_one:
        related = getattr(record, field.name)
        if related is None and getattr(record, field.attname) is not None:
            return f"#{getattr(record, field.attname)}"
        return display_value(field, related)
    return display_value(field, getattr(record, field.attname))


def _changes(fields, record, previous):
    if record.history_type == "+":
        created = (FieldChange(f.name, str(f.verbose_name), None, _record_value(f, record)) for f in fields)
        return tuple(change for change in created if change.after is not None)
    if record.history_type == "-":
        return ()
    if previous is None:
        return None
    return tuple(
        FieldChange(field.name, str(field.verbose_name), _record_value(field, previous), _record_value(field, record))
        for field in fields
        if getattr(previous, field.attname) != getattr(record, field.attname)
    )


def history_for(obj, *, limit=20):
    """The latest ``limit`` versions of ``obj``, newest first, each with its per-field changes.

    One query whatever the number of versions: the user and every related record are joined in,
    and one version more than shown is read so the oldest shown can be compared with its predecessor.
    """
    model = type(obj)
    fields = history_fields(model)
    relations = [field.name for field in fields if field.many_to_one]
    records = list(
        model.history.model.objects.filter(**{model._meta.pk.attname: obj.pk})
        .select_related("history_user", *relations)
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    return [
        HistoryEntry(
            history_id=record.history_id,
            when=record.history_date,
            user=record.history_user,
            kind=record.history_type,
            reason=gettext(record.history_change_reason) if record.history_change_reason else "",
            changes=_changes(fields, record, records[index + 1] if index + 1 < len(records) else None),
        )
        for index, record in enumerate(records[:limit])
    ]


def global_search(text, limit):
    """The first ``limit`` matches of ``text`` among active organizations (by name), active contacts and
    collaborations (by title), through the search index."""
    contacts = search.contacts(Contact.objects.active(), text).select_related("organization")[:limit]
    if search.indexed(text):
        organization_ids, collaboration_ids = search.first_ids(text, limit)
        return {
            "organizations": search.with_ids(Organization.objects.all(), organization_ids).order_by("name", "pk"),
            "contacts": contacts,
            "collaborations": search.with_ids(Collaboration.objects.all(), collaboration_ids).order_by("title", "pk"),
        }
    # Texts the index cannot search (too short): the plain scan.
    return {
        "organizations": search.organizations(Organization.objects.active(), text).order_by("name", "pk")[:limit],
        "contacts": contacts,
        "collaborations": search.collaborations(Collaboration.objects.all(), text).order_by("title", "pk")[:limit],
    }
