"""What each import did, so it can be shown, audited and undone as a whole."""
import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatchQuerySet(models.QuerySet):
    def drafts_of(self, user):
        """Uploads ``user`` has not imported yet (each person sees only their own)."""
        return self.filter(user=user, status=ImportBatch.Status.DRAFT)

    def expired_drafts(self):
        """Uploads nobody imported within ``ImportBatch.DRAFT_KEPT``."""
        return self.filter(status=ImportBatch.Status.DRAFT, created_at__lt=timezone.now() - ImportBatch.DRAFT_KEPT)

    def finished(self):
        """Imports that wrote something (undone ones included)."""
        return self.exclude(status=ImportBatch.Status.DRAFT)


class ImportBatch(models.Model):
    """One file brought in: who, when, which file, what kind of record, and the counts.

    An upload starts as a draft holding the file until it is imported; the file is dropped then.
    """

    # A file may hold personal data: an upload nobody imports is dropped after this long.
    DRAFT_KEPT = datetime.timedelta(days=7)

    class Kind(models.TextChoices):
        ORGANIZATIONS = "organizations", _("Organizations")
        CONTACTS = "contacts", _("Contacts")
        INTERACTIONS = "interactions", _("Interactions")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not imported yet")
        DONE = "done", _("Imported")
        UNDONE = "undone", _("Undone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("records"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.BinaryField(_("uploaded file"), null=True, editable=False)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        permissions = [("import_records", _("Can import records from files"))]

    def __str__(self):
        return f"{self.file_name} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse("partners:import-detail", args=[self.pk])


class ImportedRecord(models.Model):
    """A record an import created or changed, with the version it left and the values it replaced."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records", verbose_name=_("import"))
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record ID"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    version_after = models.PositiveIntegerField(
        _("version after import"), help_text=_("A record at another version was edited since: the import cannot be undone.")
    )
    before = models.JSONField(_("values before"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        indexes = [models.Index(fields=["content_type", "object_id"], name="imported_record_object")]

    def __str__(self):
        return f"{self.get_action_display()} {self.content_type.model} {self.object_id}"
