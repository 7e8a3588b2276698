"""Behaviour shared by the records staff edit: audit history, version numbers, archiving."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def audit_history():
    """The change history kept for a record edited by staff (who, when, every field before and after)."""
    # The version counter moves on every save; keeping it out of history means restoring an old
    # version takes the current counter, so the restore is checked against the latest save.
    return HistoricalRecords(excluded_fields=["version"])


class Versioned(models.Model):
    """A record several people edit: its version number lets a save from a stale copy be refused."""

    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Moves on at every save; an edit must name the version it started from.")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every save moves the version on, even outside the edit forms, so an edit begun before
        # it is detected as stale (services.record_save does the compare-and-swap).
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class ArchivableQuerySet(models.QuerySet):
    def active(self):
        """Records in use: not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        """Records taken out of lists and reports, kept with their history."""
        return self.filter(archived_at__isnull=False)


class Archivable(models.Model):
    """A record that is archived instead of deleted, so its history and relationships stay."""

    archived_at = models.DateTimeField(
        _("archived at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the record was archived; archived records leave lists and reports."),
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self):
        return self.archived_at is not None


def external_id_field():
    """The record's key in the system it was imported from (organizations, contacts, interactions)."""
    return models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("The record's identifier in the system it was imported from; a later import updates it."),
    )
