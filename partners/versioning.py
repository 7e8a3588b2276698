"""Edit forms that refuse to overwrite a colleague's save: the form and view halves of optimistic locking.

The compare-and-swap itself is ``partners.services.record_save``; its docstring shows a staff
UpdateView wired up with ``VersionedFormMixin`` and ``VersionConflictMixin``. The admin uses the same pieces
through ``partners.admin_mixins.VersionedAdminMixin``.
"""
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .selectors import display_value
from .services import RecordConflict, record_save


class VersionedFormMixin(forms.Form):
    """Carries the version the edit started from as a hidden field; put it before ``forms.ModelForm``."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = self.instance.version

    def clean_version(self):
        """An edit of an existing record must say which version it started from."""
        version = self.cleaned_data.get("version")
        if self.instance.pk is None:
            return self.instance.version
        if version is None:
            raise forms.ValidationError(
                _("This form does not say which version of the record it was opened on. Reload the page and edit again."),
                code="missing_version",
            )
        return version

    @property
    def expected_version(self):
        """The version this edit started from (valid forms only)."""
        return self.cleaned_data["version"]

    def save(self, commit=True):
        """Save; an edit is refused with RecordConflict when the record changed since the form was opened."""
        if not commit or self.instance._state.adding:
            return super().save(commit=commit)
        instance = super().save(commit=False)
        record_save(instance=instance, expected_version=self.expected_version)
        self._save_m2m()
        return instance


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    """A ModelForm with the version check; the admin's default form for versioned records."""


@dataclass(frozen=True)
class ComparedField:
    """One field of a record in the person's edit and as saved by someone else."""

    label: str
    mine: object
    saved: object
    differs: bool


@dataclass(frozen=True)
class ConflictReport:
    """What the conflict page shows: both versions side by side and who saved the other one."""

    rows: tuple
    saved: object
    saved_by: object
    saved_at: object

    @property
    def deleted(self):
        return self.saved is None


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return frozenset(item.pk for item in value)
    return None if value == "" else value


def _shown(field, value):
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return ", ".join(sorted(str(item) for item in value)) or None
    return display_value(field, value)


def describe_conflict(form, saved):
    """Compare the fields of a refused edit with the saved record, field by field."""
    rows = []
    if saved is not None and form is not None:
        opts = form._meta.model._meta
        for name in form.fields:
            if name == "version" or name not in form.cleaned_data:
                continue
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:  # a form-only field: nothing saved to compare with
                continue
            mine = form.cleaned_data[name]
            theirs = list(getattr(saved, name).all()) if field.many_to_many else getattr(saved, name)
            rows.append(
                ComparedField(
                    label=str(field.verbose_name),
                    mine=_shown(field, mine),
                    saved=_shown(field, theirs),
                    differs=_comparable(mine) != _comparable(theirs),
                )
            )
    latest = saved.history.select_related("history_user").first() if saved is not None else None
    # The fields that differ come first: they are what the person has to decide about.
    rows.sort(key=lambda row: not row.differs)
    return ConflictReport(
        rows=tuple(rows),
        saved=saved,
        saved_by=latest.history_user if latest else None,
        saved_at=latest.history_date if latest else None,
    )


class VersionConflictMixin:
    """For an UpdateView whose form uses VersionedFormMixin: a stale save shows the conflict, never overwrites.

    Put it before the class that defines ``form_valid``: it runs that ``form_valid`` in a transaction and
    turns a RecordConflict (from ``form.save()`` or from a service calling ``record_save``) into the form
    shown again with both versions. The template includes ``partners/includes/_conflict.html`` (context
    ``conflict``) above the form.
    """

    conflict_status = 409

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except RecordConflict as conflict:
            return self.render_conflict(form, conflict)

    def render_conflict(self, form, conflict):
        """Show the form again with what was typed, the saved values beside it, and the version moved on."""
        report = describe_conflict(form, conflict.saved)
        if conflict.saved is None:
            return self.render_to_response(
                self.get_context_data(form=form, conflict=report), status=self.conflict_status
            )
        data = form.data.copy()
        # Saving again from this page is a knowing choice to keep one's own version.
        data[form.add_prefix("version")] = conflict.saved.version
        self.object = conflict.saved
        kwargs = {**self.get_form_kwargs(), "data": data, "instance": conflict.saved}
        retry = self.get_form_class()(**kwargs)
        return self.render_to_response(self.get_context_data(form=retry, conflict=report), status=self.conflict_status)
