"""No lost updates: a save names the version it was edited from and is refused when another save came first.

Every edit of a versioned record (``partners.model_mixins.Versioned``) goes through ``record_save``. How the
pieces fit on a staff edit page (the form and view halves live in ``partners/versioning.py``)::

    class OrganizationForm(VersionedFormMixin, forms.ModelForm):      # adds the hidden "version" field
        class Meta:
            model = Organization
            fields = ["name", "status", ...]

    class OrganizationUpdateView(PermissionRequiredMixin, VersionConflictMixin, UpdateView):
        model = Organization
        form_class = OrganizationForm
        permission_required = "partners.change_organization"
        template_name = "partners/organization_form.html"   # {% include "partners/includes/_conflict.html" %}

``VersionConflictMixin.form_valid`` saves through ``record_save`` inside a transaction; on a conflict it shows
the form again (HTTP 409) with what the person typed, the saved values beside it, and the version moved on
so that saving again knowingly keeps their version. A view whose save goes through a service overrides
``save_versioned(form)`` and has the service call ``record_save`` instead of ``save()``.
"""
from django.db import transaction


class RecordConflict(Exception):
    """Another save reached the record first.

    ``saved`` is the record as stored now (None when it was deleted meanwhile); ``form`` is the form
    whose save was refused, when a form was involved.
    """

    def __init__(self, saved, *, form=None):
        super().__init__(f"{type(saved).__name__} {getattr(saved, 'pk', '')} was saved by someone else")
        self.saved = saved
        self.form = form


@transaction.atomic
def record_save(*, instance, expected_version):
    """Save ``instance`` if the stored row is still at ``expected_version``; raise RecordConflict otherwise.

    Callers validate first (a form or ``full_clean()``); this only guards against overwriting.
    """
    model = type(instance)
    # One UPDATE compares and moves the version on, so of two simultaneous saves exactly one claims the
    # row: PostgreSQL re-checks the WHERE clause after the first commits, SQLite's IMMEDIATE transaction
    # queues the second behind the first.
    claimed = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise RecordConflict(model._base_manager.filter(pk=instance.pk).first())
    # Versioned.save() moves the number on once more, landing on the value just claimed.
    instance.version = expected_version
    instance.save()
    return instance
