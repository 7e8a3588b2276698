"""Admin behaviour that keeps records safe: version checks, archive instead of delete, privacy requests."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop, ngettext

from .model_mixins import Versioned
from .services import RecordConflict, contact_anonymize, contact_export_json, record_save
from .versioning import VersionedModelForm, describe_conflict

RESTORE_VERSION_REASON = gettext_noop("Restored an earlier version")


def _with_version(fields):
    fields = list(fields)
    return fields if "version" in fields else [*fields, "version"]


class ConflictAdminMixin:
    """Saves versioned inlines through ``record_save`` and turns a refused save into the conflict page."""

    conflict_template = "admin/partners/conflict.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordConflict as conflict:
            # The admin's own transaction has rolled back everything this request saved.
            return self.conflict_response(request, conflict)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version is an edit like any other: checked against the latest save."""
        request.restoring_history = True
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except RecordConflict as conflict:
            return self.conflict_response(request, conflict)

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, Versioned):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        changed = {id(obj) for obj, _fields in formset.changed_objects}
        for inline_form in formset.initial_forms:
            if id(inline_form.instance) in changed:
                try:
                    record_save(instance=inline_form.instance, expected_version=inline_form.expected_version)
                except RecordConflict as conflict:
                    conflict.form = inline_form
                    raise
        for obj in formset.new_objects:
            obj.save()
        formset.save_m2m()

    def conflict_response(self, request, conflict):
        """Both versions side by side, a way back to the saved one and a way to keep one's own."""
        report = describe_conflict(conflict.form, conflict.saved)
        repost = []
        if conflict.saved is not None and conflict.form is not None:
            version_key = conflict.form.add_prefix("version")
            # Sending the same form again with the saved version number is a knowing overwrite.
            repost = [
                (key, str(conflict.saved.version) if key == version_key else value)
                for key, values in request.POST.lists()
                if key != "csrfmiddlewaretoken"
                for value in values
            ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Your changes were not saved"),
            "opts": self.model._meta,
            "conflict": report,
            "repost": repost,
            "record_label": (conflict.saved or self.model)._meta.verbose_name,
            "record": conflict.saved,
            "action_url": request.get_full_path(),
        }
        return TemplateResponse(request, self.conflict_template, context, status=409)


class VersionedAdminMixin(ConflictAdminMixin):
    """Admin for a versioned record: the change form carries the version, a stale save is refused."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        return _with_version(super().get_fields(request, obj))

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        obj._history_user = request.user
        if getattr(request, "restoring_history", False):
            obj._change_reason = RESTORE_VERSION_REASON
        try:
            record_save(instance=obj, expected_version=form.expected_version)
        except RecordConflict as conflict:
            conflict.form = form
            raise


class VersionedInlineMixin:
    """Inline rows of a versioned record carry their version too (saved by ConflictAdminMixin)."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        return _with_version(super().get_fields(request, obj))


class ArchivedListFilter(admin.SimpleListFilter):
    """Active records unless archived ones are asked for."""

    title = _("archive")
    parameter_name = "archive"

    def lookups(self, request, model_admin):
        return [("archived", _("Archived")), ("all", _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Active"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "archived":
            return queryset.archived()
        if self.value() == "all":
            return queryset
        return queryset.active()


class ArchiveAdminMixin:
    """Archive and restore instead of deleting; real deletion is for superusers and refused while referred to.

    Subclasses define ``archive_record(record, user)`` and ``restore_record(record, user)`` calling the services.
    """

    actions = ["archive_selected", "restore_selected"]

    def get_list_filter(self, request):
        return [ArchivedListFilter, *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "archived_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Add the records linked through many-to-many fields, which deletion would silently unlink."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for relation in self.model._meta.related_objects:
            if relation.many_to_many and relation.through._meta.auto_created:
                linked = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": objs})
                label = relation.related_model._meta.verbose_name
                protected += [f"{str(label).capitalize()}: {record}" for record in linked.distinct()]
        return deleted, counts, perms_needed, protected

    @admin.action(description=_("Archive the selected records"), permissions=["change"])
    def archive_selected(self, request, queryset):
        records = list(queryset.active())
        for record in records:
            self.archive_record(record, request.user)
        self.message_user(
            request,
            ngettext("%(count)d record archived.", "%(count)d records archived.", len(records)) % {"count": len(records)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore the selected records from the archive"), permissions=["change"])
    def restore_selected(self, request, queryset):
        records = list(queryset.archived())
        for record in records:
            self.restore_record(record, request.user)
        self.message_user(
            request,
            ngettext("%(count)d record restored.", "%(count)d records restored.", len(records)) % {"count": len(records)},
            messages.SUCCESS,
        )


class ContactPrivacyAdminMixin:
    """Superuser-only privacy requests on a contact: export what we hold (JSON), anonymize on request."""

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/privacy-export/",
                self.admin_site.admin_view(self.privacy_export_view),
                name="%s_%s_privacy_export" % info,
            ),
            path(
                "<path:object_id>/anonymize/",
                self.admin_site.admin_view(self.anonymize_view),
                name="%s_%s_anonymize" % info,
            ),
            *super().get_urls(),
        ]

    def _privacy_subject(self, request, object_id):
        if not request.user.is_superuser:
            raise PermissionDenied
        return get_object_or_404(self.model, pk=object_id)

    def privacy_export_view(self, request, object_id):
        """Everything held about the person: GET explains, POST downloads the JSON and logs the export."""
        contact = self._privacy_subject(request, object_id)
        if request.method == "POST":
            response = HttpResponse(
                contact_export_json(contact=contact), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-personal-data.json"'
            self.log_change(request, contact, "Exported personal data (Law 25)")
            return response
        return TemplateResponse(
            request,
            "admin/partners/contact/privacy_export.html",
            self._privacy_context(request, contact, gettext("Export the personal data of %(name)s")),
        )

    def _privacy_context(self, request, contact, title):
        return {
            **self.admin_site.each_context(request),
            "title": title % {"name": contact},
            "opts": self.model._meta,
            "original": contact,
            "change_url": reverse(
                f"{self.admin_site.name}:{contact._meta.app_label}_{contact._meta.model_name}_change", args=[contact.pk]
            ),
        }

    def anonymize_view(self, request, object_id):
        """Confirm, then erase the person's details from the record and its history."""
        contact = self._privacy_subject(request, object_id)
        context = self._privacy_context(request, contact, gettext("Anonymize %(name)s"))
        if request.method == "POST":
            contact = contact_anonymize(contact=contact, by=request.user)
            self.log_change(request, contact, "Anonymized on request (Law 25)")
            self.message_user(
                request,
                gettext("The person's name, email, phone, title and notes were erased from the record and its history."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(context["change_url"])
        return TemplateResponse(request, "admin/partners/contact/anonymize.html", context)
