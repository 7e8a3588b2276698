"""Imports in the admin: read-only records of who brought which file in; undo happens on /imports/."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _, ngettext

from .models_imports import ImportBatch, ImportedRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """An import's record is evidence, and what undo works from: nobody edits or deletes it by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "kind", "user", "imported_at", "created_count", "updated_count", "skipped_count", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    exclude = ["content"]
    readonly_fields = ["imported_records"]

    def has_delete_permission(self, request, obj=None):
        # Only an upload never imported may go (its file may hold personal data); no bulk delete,
        # which would not look at each batch.
        return (obj is not None and obj.status == ImportBatch.Status.DRAFT
                and admin.ModelAdmin.has_delete_permission(self, request, obj))

    @admin.display(description=_("imported records"))
    def imported_records(self, obj):
        """A link to this import's records: a batch can hold thousands, so they page in their own list."""
        url = reverse("admin:partners_importedrecord_changelist") + f"?batch__id__exact={obj.pk}"
        count = obj.records.count()
        label = ngettext("%(count)s record", "%(count)s records", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, label)


@admin.register(ImportedRecord)
class ImportedRecordAdmin(ReadOnlyAdmin):
    list_display = ["batch", "content_type", "object_id", "action", "version_after"]
    list_select_related = ["batch", "content_type"]
    list_filter = ["action", "content_type"]
