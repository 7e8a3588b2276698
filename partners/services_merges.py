"""Merging duplicate organizations and contacts, and undoing a merge.

A merge moves every row that points at the removed record over to the kept one, combines links the
database allows only once (a partner in a collaboration, a partner at a fair edition, an author of a
paper), archives the removed record and writes a Merge whose snapshot names each row it touched. Undo
reads that snapshot and puts every row back, as long as nothing it would move back changed since.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop
from simple_history.utils import bulk_update_with_history

from .models import (
    Agreement,
    CollaborationPartner,
    Contact,
    FairParticipation,
    Figure,
    Interaction,
    Organization,
    Participant,
    Publication,
)
from .models_merges import Merge

# Stored in the history in English; the history partial translates them when shown.
MERGED_REASON = gettext_noop("Merged into another record")
UNMERGED_REASON = gettext_noop("Merge undone")

CHUNK = 500

# Rows pointing at an organization through a plain foreign key: model, field, versioned?
ORGANIZATION_FKS = {
    "interaction": (Interaction, "organization", True),
    "contact": (Contact, "organization", True),
    "agreement": (Agreement, "organization", True),
    "figure": (Figure, "organization", False),
    "collaborationpartner": (CollaborationPartner, "organization", False),
    "fairparticipation": (FairParticipation, "organization", True),
    "child": (Organization, "parent", True),
}
PARTICIPATION_COUNTS = ("internships_offered", "full_time_offered", "interns_hired", "converted_full_time")
# When two participations at one fair are combined, the furthest-along status wins.
STATUS_RANK = ["cancelled", "invited", "registered", "attended"]


class MergeRefused(ValidationError):
    """A merge or undo that cannot be done; the message says why, for the person who asked."""


def _move(model, field, ids, to, versioned, *, reason, user):
    """Point ``ids`` at ``to``; versioned rows move their version on and get a history entry naming the merge."""
    if not versioned:
        model._base_manager.filter(pk__in=ids).update(**{field: to})
        return
    # Versioned records are the ones staff edit and whose history the README promises to keep:
    # the move is written with a history row per record (who, and that a merge or its undo did it).
    for start in range(0, len(ids), CHUNK):
        rows = list(model._base_manager.filter(pk__in=ids[start : start + CHUNK]))
        for row in rows:
            setattr(row, field, to)
            row.version += 1
        bulk_update_with_history(
            rows, model, fields=[field, "version"], default_user=user, default_change_reason=reason
        )


def _versions(model, ids):
    return {str(pk): version for pk, version in model._base_manager.filter(pk__in=ids).values_list("pk", "version")}


def _save_record(record, *, reason, user, **changes):
    """Save ``record`` with a history entry naming the merge (who and why)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record._change_reason = reason
    record._history_user = user
    record.save()
    return record


def _locked(model, pk):
    return model._base_manager.select_for_update().get(pk=pk)


def _check_pair(keep, remove):
    if keep.pk == remove.pk:
        raise MergeRefused(_("Choose two different records."))
    if keep.is_archived or remove.is_archived:
        raise MergeRefused(_("An archived record cannot be merged; restore it first."))


def _record_merge(kind, keep, remove, keep_label, removed_label, snapshot, user):
    """The Merge row: who merged what, and the snapshot undo reads (with both records' versions now)."""
    snapshot["keep_version"], snapshot["removed_version"] = keep.version, remove.version
    return Merge.objects.create(
        kind=kind,
        keep_id=keep.pk,
        removed_id=remove.pk,
        keep_label=keep_label,
        removed_label=removed_label,
        snapshot=snapshot,
        merged_by=user,
    )


# --- Organizations ----------------------------------------------------------


@transaction.atomic
def organization_merge(*, keep: Organization, remove: Organization, user) -> Merge:
    """Fold ``remove`` into ``keep``: everything that named ``remove`` names ``keep``; ``remove`` is archived."""
    keep, remove = _locked(Organization, keep.pk), _locked(Organization, remove.pk)
    _check_pair(keep, remove)
    snapshot = {"moved": {}, "versions": {}, "combined": {}, "added": {}}

    # Links the database allows once per partner: combine them where keep already has one.
    keep_collaborations = set(
        CollaborationPartner.objects.filter(organization=keep).values_list("collaboration_id", flat=True)
    )
    combined_links = list(
        CollaborationPartner.objects.filter(organization=remove, collaboration_id__in=keep_collaborations).values(
            "pk", "collaboration_id"
        )
    )
    CollaborationPartner.objects.filter(pk__in=[link["pk"] for link in combined_links]).delete()
    snapshot["combined"]["collaborationpartner"] = combined_links
    snapshot["combined"]["fairparticipation"] = _combine_participations(keep, remove)

    children = Organization._base_manager.filter(parent=remove).exclude(pk=keep.pk)
    rows = {
        name: list(
            (children if name == "child" else model._base_manager.filter(**{field: remove})).values_list("pk", flat=True)
        )
        for name, (model, field, _versioned) in ORGANIZATION_FKS.items()
    }
    for name, ids in rows.items():
        model, field, versioned = ORGANIZATION_FKS[name]
        _move(model, field, ids, keep, versioned, reason=MERGED_REASON, user=user)
        snapshot["moved"][name] = ids
        if versioned:
            snapshot["versions"][name] = _versions(model, ids)

    snapshot["combined"]["publication"] = _move_m2m(Publication.organizations.through, "organization", remove, keep, snapshot, "publication")
    snapshot["added"]["sectors"] = _add_missing(keep.sectors, remove.sectors.all())
    snapshot["added"]["programs"] = _add_missing(keep.programs, remove.programs.all())

    reason = MERGED_REASON
    if keep.parent_id == remove.pk:
        # keep was a branch of remove: it takes remove's place under remove's own parent.
        snapshot["keep_parent"] = keep.parent_id
        keep = _save_record(keep, reason=reason, user=user, parent_id=remove.parent_id)
    remove = _save_record(remove, reason=reason, user=user, archived_at=timezone.now())
    return _record_merge(Merge.Kind.ORGANIZATION, keep, remove, keep.name, remove.name, snapshot, user)


def _combine_participations(keep, remove):
    """Fold remove's participation at a fair where keep also took part into keep's; return what to restore."""
    keep_rows = {row.fair_id: row for row in FairParticipation.objects.filter(organization=keep)}
    combined = []
    for theirs in FairParticipation.objects.filter(organization=remove, fair_id__in=keep_rows).prefetch_related("sources"):
        ours = keep_rows[theirs.fair_id]
        before = {name: getattr(ours, name) for name in ("status", "notes", *PARTICIPATION_COUNTS)}
        removed = {
            name: getattr(theirs, name)
            for name in ("pk", "fair_id", "status", "notes", "is_synthetic", "version", *PARTICIPATION_COUNTS)
        }
        removed["sources"] = [source.pk for source in theirs.sources.all()]
        for name in PARTICIPATION_COUNTS:
            setattr(ours, name, getattr(ours, name) + getattr(theirs, name))
        ours.status = max(ours.status, theirs.status, key=STATUS_RANK.index)
        ours.notes = "\n\n".join(note for note in (ours.notes, theirs.notes) if note)
        ours._change_reason = MERGED_REASON
        ours.save()
        theirs.delete()
        combined.append({"keep_pk": ours.pk, "keep_before": before, "keep_version": ours.version, "removed": removed})
    return combined


def _move_m2m(through, field, remove, keep, snapshot, name):
    """Move ``remove``'s rows of an M2M table to ``keep``; where keep is already there, drop them (combined)."""
    other = next(f.name for f in through._meta.get_fields() if f.many_to_one and f.name != field)
    already = set(through.objects.filter(**{field: keep}).values_list(f"{other}_id", flat=True))
    theirs = through.objects.filter(**{field: remove})
    combined = list(theirs.filter(**{f"{other}_id__in": already}).values_list(f"{other}_id", flat=True))
    theirs.filter(**{f"{other}_id__in": already}).delete()
    moved = list(theirs.values_list("pk", flat=True))
    through.objects.filter(pk__in=moved).update(**{field: keep})
    snapshot["moved"][name] = moved
    return combined


def _add_missing(manager, values):
    """Add to ``manager`` the values it lacks; return the ids added (so undo removes only those)."""
    present = set(manager.values_list("pk", flat=True))
    added = [value.pk for value in values if value.pk not in present]
    manager.add(*added)
    return added


# --- Contacts ---------------------------------------------------------------


@transaction.atomic
def contact_merge(*, keep: Contact, remove: Contact, user) -> Merge:
    """Fold ``remove`` into ``keep`` (same organization): interactions, collaborations and papers name ``keep``."""
    keep, remove = _locked(Contact, keep.pk), _locked(Contact, remove.pk)
    _check_pair(keep, remove)
    if keep.organization_id != remove.organization_id:
        raise MergeRefused(
            _("Only people of the same organization can be merged; change the organization of one of them first.")
        )
    snapshot = {"moved": {}, "versions": {}, "combined": {}}
    snapshot["combined"]["interaction"] = _move_m2m(Interaction.contacts.through, "contact", remove, keep, snapshot, "interaction")
    snapshot["combined"]["publication"] = _move_m2m(Publication.authors.through, "contact", remove, keep, snapshot, "publication")

    keep_collaborations = set(Participant.objects.filter(contact=keep).values_list("collaboration_id", flat=True))
    theirs = Participant.objects.filter(contact=remove)
    combined = list(theirs.filter(collaboration_id__in=keep_collaborations).values("pk", "collaboration_id", "role"))
    theirs.filter(pk__in=[row["pk"] for row in combined]).delete()
    snapshot["combined"]["participant"] = combined
    snapshot["moved"]["participant"] = list(theirs.values_list("pk", flat=True))
    _move(Participant, "contact", snapshot["moved"]["participant"], keep, versioned=False, reason=MERGED_REASON, user=user)

    # An archived person is nobody's first contact: the person kept takes the flag over, so the organization
    # keeps its first contact; undo gives each flag back.
    snapshot["removed_was_primary"] = remove.is_primary
    snapshot["keep_made_primary"] = remove.is_primary and not keep.is_primary
    remove = _save_record(remove, reason=MERGED_REASON, user=user, archived_at=timezone.now(), is_primary=False)
    if snapshot["keep_made_primary"]:
        keep = _save_record(keep, reason=MERGED_REASON, user=user, is_primary=True)
    return _record_merge(Merge.Kind.CONTACT, keep, remove, keep.full_name, remove.full_name, snapshot, user)


# --- Undo -------------------------------------------------------------------


def _changed_since(merge):
    return MergeRefused(
        _(
            "“%(kept)s” or the records moved to it were changed after the merge; "
            "undoing it now would lose those changes. Fix the records by hand instead."
        )
        % {"kept": merge.keep_label}
    )


def _refuse_if_changed(merge, checks):
    """Refuse the undo when any row the merge touched was edited or moved since."""
    for model, expected, field, owner in checks:
        if not expected:
            continue
        current = {
            str(pk): version
            for pk, version in model._base_manager.filter(pk__in=[int(pk) for pk in expected], **{field: owner}).values_list(
                "pk", "version"
            )
        }
        if current != expected:
            raise _changed_since(merge)


@transaction.atomic
def merge_undo(*, merge: Merge, user) -> Merge:
    """Put back every row ``merge`` moved or combined and bring the removed record back from the archive."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeRefused(_("This merge was already undone."))
    model = Organization if merge.kind == Merge.Kind.ORGANIZATION else Contact
    try:
        keep, remove = _locked(model, merge.keep_id), _locked(model, merge.removed_id)
    except model.DoesNotExist:
        raise MergeRefused(_("One of the merged records was deleted since; the merge cannot be undone."))
    snapshot = merge.snapshot
    if keep.version != snapshot["keep_version"] or remove.version != snapshot["removed_version"]:
        raise MergeRefused(
            _("“%(kept)s” or “%(removed)s” was edited after the merge; undoing it now would lose those changes.")
            % {"kept": merge.keep_label, "removed": merge.removed_label}
        )
    if merge.kind == Merge.Kind.ORGANIZATION:
        _undo_organization(merge, keep, remove, user)
    else:
        _undo_contact(merge, keep, remove, user)
    merge.undone_at, merge.undone_by = timezone.now(), user
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def _undo_organization(merge, keep, remove, user):
    snapshot = merge.snapshot
    checks = [
        (ORGANIZATION_FKS[name][0], snapshot["versions"].get(name, {}), ORGANIZATION_FKS[name][1], keep)
        for name in ORGANIZATION_FKS
        if ORGANIZATION_FKS[name][2]
    ]
    participations = snapshot["combined"]["fairparticipation"]
    checks.append((FairParticipation, {str(row["keep_pk"]): row["keep_version"] for row in participations}, "organization", keep))
    _refuse_if_changed(merge, checks)

    for name, (model, field, versioned) in ORGANIZATION_FKS.items():
        _move(model, field, snapshot["moved"][name], remove, versioned, reason=UNMERGED_REASON, user=user)
    Publication.organizations.through.objects.filter(pk__in=snapshot["moved"]["publication"]).update(organization=remove)
    Publication.organizations.through.objects.bulk_create(
        Publication.organizations.through(publication_id=pk, organization=remove)
        for pk in snapshot["combined"]["publication"]
    )
    CollaborationPartner.objects.bulk_create(
        CollaborationPartner(pk=link["pk"], collaboration_id=link["collaboration_id"], organization=remove)
        for link in snapshot["combined"]["collaborationpartner"]
    )
    for row in participations:
        ours = FairParticipation.objects.get(pk=row["keep_pk"])
        _save_record(ours, reason=UNMERGED_REASON, user=user, **row["keep_before"])
        removed = dict(row["removed"])
        sources = removed.pop("sources")
        restored = FairParticipation(organization=remove, **removed)
        restored._change_reason = UNMERGED_REASON
        restored.save(force_insert=True)
        restored.sources.set(sources)
    keep.sectors.remove(*snapshot["added"]["sectors"])
    keep.programs.remove(*snapshot["added"]["programs"])
    if "keep_parent" in snapshot:
        _save_record(keep, reason=UNMERGED_REASON, user=user, parent_id=snapshot["keep_parent"])
    _save_record(remove, reason=UNMERGED_REASON, user=user, archived_at=None)


def _undo_contact(merge, keep, remove, user):
    snapshot = merge.snapshot
    for name, through in (("interaction", Interaction.contacts.through), ("publication", Publication.authors.through)):
        moved = snapshot["moved"][name]
        if through.objects.filter(pk__in=moved, contact=keep).count() != len(moved):
            raise _changed_since(merge)
        through.objects.filter(pk__in=moved).update(contact=remove)
        other = f"{name}_id"
        through.objects.bulk_create(through(**{other: pk, "contact": remove}) for pk in snapshot["combined"][name])
    Participant.objects.filter(pk__in=snapshot["moved"]["participant"]).update(contact=remove)
    Participant.objects.bulk_create(
        Participant(pk=row["pk"], collaboration_id=row["collaboration_id"], role=row["role"], contact=remove)
        for row in snapshot["combined"]["participant"]
    )
    _save_record(
        remove, reason=UNMERGED_REASON, user=user, archived_at=None, is_primary=snapshot.get("removed_was_primary", False)
    )
    if snapshot.get("keep_made_primary"):
        _save_record(keep, reason=UNMERGED_REASON, user=user, is_primary=False)
