"""Forms of the import pages: the upload and the column mapping (validation only)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .importing.mapping import field_choices, field_label, missing_required
from .importing.readers import MAX_FILE_BYTES, ImportFileError, read_table, too_big_message
from .models_imports import ImportBatch


class ImportUploadForm(forms.Form):
    """A CSV or XLSX file and the kind of records it holds; the file must be readable to go on."""

    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (any separator; UTF-8 or Windows-1252) or Excel .xlsx, up to 50 MB. The first row holds the headings."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(too_big_message(upload.size), code="too_big")
        self.content = upload.read()
        try:
            self.table = read_table(self.content, upload.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the file: the field it fills, or nothing."""

    def __init__(self, *args, batch, headings, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        choices = field_choices(batch.kind)
        for index, heading in enumerate(headings):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(index), ""),
            )

    def clean(self):
        mapping = {name.removeprefix("column_"): value for name, value in self.cleaned_data.items() if value}
        taken = {}
        for index, field in mapping.items():
            if field in taken:
                self.add_error(
                    f"column_{index}",
                    _("“%(field)s” is already filled from another column.") % {"field": field_label(self.batch.kind, field)},
                )
            taken[field] = index
        missing = missing_required(self.batch.kind, mapping)
        if missing:
            raise forms.ValidationError(
                _("Choose a column for: %(fields)s.") % {"fields": ", ".join(str(field_label(self.batch.kind, f)) for f in missing)}
            )
        self.mapping = mapping
        return self.cleaned_data
