"""Archive instead of delete: archived organizations and contacts leave lists and reports, keep their history."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from partners.models import Contact, Organization

# Stored in the history in English; the history partial translates them when shown.
ARCHIVE_REASON = gettext_noop("Archived")
RESTORE_REASON = gettext_noop("Restored from the archive")


def _set_archived(model, record, *, archived, by):
    # Lock and reload the row: the history entry must record what is stored, not a stale copy.
    current = model._base_manager.select_for_update().get(pk=record.pk)
    if current.is_archived == archived:
        return current
    current.archived_at = timezone.now() if archived else None
    current._change_reason = ARCHIVE_REASON if archived else RESTORE_REASON
    if by is not None:
        current._history_user = by
    current.save()
    return current


@transaction.atomic
def organization_archive(*, organization, by=None):
    """Take an organization out of lists and reports; its records and history stay."""
    return _set_archived(Organization, organization, archived=True, by=by)


@transaction.atomic
def organization_restore(*, organization, by=None):
    """Bring an archived organization back into lists and reports."""
    return _set_archived(Organization, organization, archived=False, by=by)


@transaction.atomic
def contact_archive(*, contact, by=None):
    """Take a person out of lists; their interactions, participations and history stay."""
    return _set_archived(Contact, contact, archived=True, by=by)


@transaction.atomic
def contact_restore(*, contact, by=None):
    """Bring an archived person back into lists."""
    return _set_archived(Contact, contact, archived=False, by=by)
