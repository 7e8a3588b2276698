"""Logging interactions, editing one's own, and closing follow-ups."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, UpdateView

from .. import services
from ..forms import InteractionForm
from ..models import Interaction, Organization
from ..versioning import VersionConflictMixin
from .base import RoleRequiredMixin, safe_next


class InteractionFormMixin:
    model = Interaction
    form_class = InteractionForm
    template_name = "partners/interaction_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)

    def save(self, form, data):
        raise NotImplementedError

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            self.object = self.save(form, data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(self.organization)


class InteractionCreateView(RoleRequiredMixin, InteractionFormMixin, CreateView):
    """Log a meeting, call, email… with a partner."""

    permission_required = "partners.add_interaction"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.organization = get_object_or_404(Organization, pk=kwargs["pk"])

    def save(self, form, data):
        interaction = services.interaction_log(organization=self.organization, author=self.request.user, **data)
        messages.success(self.request, _("Interaction “%(subject)s” logged.") % {"subject": interaction.subject})
        return interaction


class InteractionUpdateView(RoleRequiredMixin, VersionConflictMixin, InteractionFormMixin, UpdateView):
    """Edit one's own interaction; author and creation time are kept."""

    permission_required = "partners.change_interaction"

    def get_object(self, queryset=None):
        interaction = get_object_or_404(Interaction.objects.select_related("organization"), pk=self.kwargs["pk"])
        if interaction.author_id != self.request.user.pk and not self.request.user.is_superuser:
            raise PermissionDenied(_("Only the author can edit an interaction."))
        self.organization = interaction.organization
        return interaction

    def save(self, form, data):
        interaction = services.interaction_update(
            interaction=self.object, expected_version=form.expected_version, **data
        )
        messages.success(self.request, _("Interaction “%(subject)s” updated.") % {"subject": interaction.subject})
        return interaction


class FollowUpDoneView(RoleRequiredMixin, View):
    """One click: mark a follow-up done (or, with done=0, open it again)."""

    permission_required = "partners.change_interaction"
    http_method_names = ["post"]

    def post(self, request, pk):
        interaction = get_object_or_404(Interaction.objects.select_related("organization"), pk=pk)
        done = request.POST.get("done", "1") != "0"
        services.follow_up_complete(interaction=interaction, done=done)
        if done:
            messages.success(request, _("Follow-up “%(subject)s” marked done.") % {"subject": interaction.subject})
        else:
            messages.info(request, _("Follow-up “%(subject)s” reopened.") % {"subject": interaction.subject})
        return redirect(safe_next(request, interaction.organization.get_absolute_url()))
