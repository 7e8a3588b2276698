"""Import pages: upload, map columns, preview, confirm; the list of imports with their undo."""
import csv
from itertools import chain

from django.contrib import messages
from django.db import IntegrityError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from ..forms_imports import ImportMappingForm, ImportUploadForm
from ..importing.mapping import suggest_mapping
from ..importing.planner import plan_import
from ..importing.readers import ImportFileError, read_table
from ..models_imports import ImportBatch
from ..services_imports import ImportRejected, ImportUndoRefused, import_draft_create, import_run, import_undo
from .base import RoleRequiredMixin

PREVIEW_ROWS = 500


class ImportPermissionMixin(RoleRequiredMixin):
    """Importing writes many records at once: only people given the dedicated permission may."""

    permission_required = "partners.import_records"


class DraftMixin(ImportPermissionMixin):
    """Pages about the signed-in person's own upload, before it is imported."""

    @cached_property
    def batch(self):
        return get_object_or_404(ImportBatch.objects.drafts_of(self.request.user), pk=self.kwargs["pk"])

    @cached_property
    def table(self):
        return read_table(bytes(self.batch.content), self.batch.file_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.batch, **kwargs)


class ImportListView(ImportPermissionMixin, ListView):
    """Every import done, newest first, with the undo button."""

    template_name = "partners/import_list.html"
    paginate_by = 25

    def get_queryset(self):
        return ImportBatch.objects.finished().select_related("user", "undone_by")


class ImportUploadView(ImportPermissionMixin, FormView):
    """Step 1: the file and what it holds."""

    template_name = "partners/import_upload.html"
    form_class = ImportUploadForm

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", ImportBatch.Kind.ORGANIZATIONS)}

    def form_valid(self, form):
        kind = form.cleaned_data["kind"]
        batch = import_draft_create(
            user=self.request.user,
            file_name=form.cleaned_data["file"].name,
            kind=kind,
            content=form.content,
            mapping=suggest_mapping(kind, form.table.headings),
        )
        return redirect("partners:import-mapping", pk=batch.pk)


class ImportMappingView(DraftMixin, FormView):
    """Step 2: which column fills which field, pre-filled from the headings."""

    template_name = "partners/import_mapping.html"
    form_class = ImportMappingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "batch": self.batch, "headings": self.table.headings}

    def get_context_data(self, **kwargs):
        samples = [cells for _number, cells in self.table.rows[:3]]
        context = super().get_context_data(**kwargs)
        context["columns"] = [
            (field, [row[index] if index < len(row) else "" for row in samples])
            for index, field in enumerate(context["form"])
        ]
        return context

    def form_valid(self, form):
        self.batch.mapping = form.mapping
        self.batch.save(update_fields=["mapping"])
        return redirect("partners:import-preview", pk=self.batch.pk)


class ImportPreviewView(DraftMixin, TemplateView):
    """Step 3: what would happen to every row, and every error with its row and column; writes nothing."""

    template_name = "partners/import_preview.html"

    def get_context_data(self, **kwargs):
        plan = plan_import(kind=self.batch.kind, table=self.table, mapping=self.batch.mapping, user=self.request.user)
        # Every row with something to say first comes along, but a page of 20,000 rows helps nobody.
        shown = [row for index, row in enumerate(plan.rows) if index < PREVIEW_ROWS or row.errors or row.warnings]
        shown = shown[: 2 * PREVIEW_ROWS]
        return super().get_context_data(
            plan=plan, rows=shown, hidden=len(plan.rows) - len(shown), errors=plan.errors(), **kwargs
        )


def _neutral(value):
    # A spreadsheet opening the report must not run a formula someone typed into the imported file.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


class ImportErrorReportView(DraftMixin, View):
    """The preview's errors as CSV: row, column, message."""

    def get(self, request, pk):
        plan = plan_import(kind=self.batch.kind, table=self.table, mapping=self.batch.mapping, user=request.user)
        writer = csv.writer(_Echo())
        lines = [(_("Row"), _("Column"), _("Error")), *plan.errors()]
        # The byte-order mark tells Excel the file is UTF-8, so accents survive opening it.
        rows = (writer.writerow([_neutral(cell) for cell in line]) for line in lines)
        response = StreamingHttpResponse(chain(["\ufeff"], rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{self.batch.pk}-errors.csv"'
        return response


class ImportConfirmView(DraftMixin, View):
    """Step 4: import the previewed file, all or nothing."""

    def post(self, request, pk):
        try:
            batch = import_run(batch=self.batch)
        except ImportRejected:
            messages.error(request, _("The file has errors: nothing was imported. Fix them and upload the file again."))
            return redirect("partners:import-preview", pk=pk)
        except (ImportFileError, IntegrityError):
            messages.error(request, _("The records changed while you were looking at the preview: nothing was imported. Check the preview again."))
            return redirect("partners:import-preview", pk=pk)
        messages.success(
            request,
            _("Imported %(file)s: %(created)s created, %(updated)s updated, %(skipped)s unchanged.")
            % {"file": batch.file_name, "created": batch.created_count, "updated": batch.updated_count, "skipped": batch.skipped_count},
        )
        return redirect(batch)


class ImportDetailView(ImportPermissionMixin, DetailView):
    """The result of one import: who, when, the counts, and the undo button while it can be undone."""

    template_name = "partners/import_detail.html"
    context_object_name = "batch"

    def get_queryset(self):
        return ImportBatch.objects.finished().select_related("user", "undone_by")


class ImportUndoView(ImportPermissionMixin, View):
    """Take a whole import back."""

    def post(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.finished(), pk=pk)
        try:
            import_undo(batch=batch, user=request.user)
        except ImportUndoRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Import of %(file)s undone.") % {"file": batch.file_name})
        return redirect(reverse("partners:import-list"))
