"""Imports in the admin: read-only records of who brought which file in; undo happens on /imports/."""
from django.contrib import admin

from .models_imports import ImportBatch, ImportedRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """An import's record is evidence: nobody edits it by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImportedRecordInline(admin.TabularInline):
    model = ImportedRecord
    fields = ["content_type", "object_id", "action", "version_after", "before"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "kind", "user", "imported_at", "created_count", "updated_count", "skipped_count", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    exclude = ["content"]
    inlines = [ImportedRecordInline]


@admin.register(ImportedRecord)
class ImportedRecordAdmin(ReadOnlyAdmin):
    list_display = ["batch", "content_type", "object_id", "action", "version_after"]
    list_select_related = ["batch", "content_type"]
    list_filter = ["action", "content_type"]
