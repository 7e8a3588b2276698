"""A staff edit page wired the way partners.services.record_save documents, for the tests only."""
from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import path
from django.views.generic import UpdateView

from partners.models import Organization
from partners.versioning import VersionConflictMixin, VersionedFormMixin


class OrganizationEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "status", "city", "sectors"]


class OrganizationEditView(PermissionRequiredMixin, VersionConflictMixin, UpdateView):
    model = Organization
    form_class = OrganizationEditForm
    permission_required = "partners.change_organization"
    raise_exception = True
    template_name = "tests/organization_form.html"
    success_url = "/done/"


urlpatterns = [path("organizations/<int:pk>/edit/", OrganizationEditView.as_view(), name="organization-edit")]
