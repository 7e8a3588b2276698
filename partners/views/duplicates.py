"""Likely duplicates, the merge confirmation page, and undoing a merge."""
from django.contrib import messages
from django.db.models import OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ..models import (
    Agreement,
    CollaborationPartner,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
    Participant,
    Publication,
    _count_of,
)
from ..models_merges import Merge
from ..selectors import display_value
from ..selectors_duplicates import contact_duplicate_pairs, organization_duplicate_pairs
from ..services_merges import MergeRefused, contact_merge, merge_undo, organization_merge
from .base import RoleRequiredMixin

RECENT_MERGES = 20
# Each pair is a row with its links and merge button: past a few hundred the page takes seconds to write
# (5,000 pairs among generated records at scale L: 12 s), and nobody merges more than this in one sitting.
PAIRS_SHOWN = 100
ORGANIZATION_FIELDS = [
    "name", "name_fr", "short_name", "kind", "status", "city", "country", "website", "partner_since",
    "relationship_owner", "parent",
]
CONTACT_FIELDS = ["first_name", "last_name", "title", "organization", "email", "phone", "is_primary"]
ORGANIZATION_COUNTS = {
    "contact_count": gettext_lazy("Contacts"),
    "interaction_count": gettext_lazy("Interactions"),
    "agreement_count": gettext_lazy("Agreements"),
    "collaboration_count": gettext_lazy("Collaborations"),
    "participation_count": gettext_lazy("Fair participations"),
}
CONTACT_COUNTS = {
    "interaction_count": gettext_lazy("Interactions"),
    "participation_count": gettext_lazy("Collaborations"),
    "publication_count": gettext_lazy("Publications"),
}


class DuplicateListView(RoleRequiredMixin, TemplateView):
    """Pairs of organizations and of contacts that look like the same one, and the latest merges."""

    permission_required = ("partners.view_organization", "partners.view_contact")
    template_name = "partners/duplicate_list.html"

    def get_context_data(self, **kwargs):
        merges = Merge.objects.select_related("merged_by", "undone_by")[:RECENT_MERGES]
        organization_pairs, contact_pairs = organization_duplicate_pairs(), contact_duplicate_pairs()
        return super().get_context_data(
            organization_pairs=organization_pairs[:PAIRS_SHOWN],
            organization_pairs_total=len(organization_pairs),
            contact_pairs=contact_pairs[:PAIRS_SHOWN],
            contact_pairs_total=len(contact_pairs),
            merges=merges,
            **kwargs,
        )


def _with_counts(kind):
    """The records of ``kind`` with what a merge would move, counted in the same query.

    Correlated subqueries, not joins: joining several to-many relations multiplies rows.
    """
    if kind == "organization":
        counts = {
            "contact_count": Contact.objects.filter(organization=OuterRef("pk")),
            "interaction_count": Interaction.objects.filter(organization=OuterRef("pk")),
            "agreement_count": Agreement.objects.filter(organization=OuterRef("pk")),
            "collaboration_count": CollaborationPartner.objects.filter(organization=OuterRef("pk")),
            "participation_count": FairParticipation.objects.filter(organization=OuterRef("pk")),
        }
        records = Organization.objects.active().select_related("relationship_owner", "parent")
    else:
        counts = {
            "interaction_count": Interaction.contacts.through.objects.filter(contact=OuterRef("pk")),
            "participation_count": Participant.objects.filter(contact=OuterRef("pk")),
            "publication_count": Publication.authors.through.objects.filter(contact=OuterRef("pk")),
        }
        records = Contact.objects.active().select_related("organization")
    return records.annotate(**{name: _count_of(queryset) for name, queryset in counts.items()})


class MergeView(RoleRequiredMixin, TemplateView):
    """Both records side by side; the person picks the one that stays, and the other is folded into it."""

    permission_required = "partners.merge_records"
    template_name = "partners/merge_confirm.html"

    def load(self, kind, first, second):
        """The two records of the pair, active ones only (after the permission check, so no 404 leaks)."""
        if kind not in ("organization", "contact") or first == second:
            raise Http404
        self.kind = kind
        records = {record.pk: record for record in _with_counts(kind).filter(pk__in=[first, second])}
        if len(records) != 2:
            raise Http404
        self.first, self.second = records[first], records[second]

    def get(self, request, *args, **kwargs):
        self.load(kwargs["kind"], kwargs["first"], kwargs["second"])
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        model = Organization if self.kind == "organization" else Contact
        names = ORGANIZATION_FIELDS if self.kind == "organization" else CONTACT_FIELDS
        counts = ORGANIZATION_COUNTS if self.kind == "organization" else CONTACT_COUNTS
        rows = []
        for name in names:
            field = model._meta.get_field(name)
            values = [display_value(field, getattr(record, name)) for record in (self.first, self.second)]
            rows.append({"label": field.verbose_name, "first": values[0], "second": values[1], "differs": values[0] != values[1]})
        # What moves: counts are shown so the person sees nothing will be lost.
        for name, label in counts.items():
            rows.append({"label": label, "first": getattr(self.first, name), "second": getattr(self.second, name), "differs": False})
        return super().get_context_data(
            kind=self.kind, first=self.first, second=self.second, rows=rows, keep=self.request.POST.get("keep"), **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.load(kwargs["kind"], kwargs["first"], kwargs["second"])
        chosen = request.POST.get("keep")
        if chosen not in (str(self.first.pk), str(self.second.pk)):
            context = self.get_context_data(error=_("Choose the record that stays."))
            return self.render_to_response(context, status=400)
        keep, remove = (self.first, self.second) if chosen == str(self.first.pk) else (self.second, self.first)
        merge_records = organization_merge if self.kind == "organization" else contact_merge
        try:
            merge_records(keep=keep, remove=remove, user=request.user)
        except MergeRefused as refusal:
            return self.render_to_response(self.get_context_data(error=" ".join(refusal.messages)), status=400)
        messages.success(
            request,
            _("“%(removed)s” was merged into “%(kept)s”. The duplicates page can undo it.")
            % {"removed": str(remove), "kept": str(keep)},
        )
        return redirect(f"partners:{self.kind}-detail", pk=keep.pk)


class MergeUndoView(RoleRequiredMixin, View):
    """Put a merge back: the removed record returns with everything that was moved from it."""

    permission_required = "partners.merge_records"
    http_method_names = ["post"]

    def post(self, request, pk):
        merge = get_object_or_404(Merge, pk=pk)
        try:
            merge_undo(merge=merge, user=request.user)
        except MergeRefused as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, _("Merge undone: “%(removed)s” is back.") % {"removed": merge.removed_label})
        return redirect("partners:duplicate-list")
