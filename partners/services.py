"""Writes that touch several rows: one function per business action."""
import datetime
import json
import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop

from .models import (
    Collaboration,
    CollaborationPartner,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
    Participant,
    Publication,
)


@transaction.atomic
def interaction_log(
    *,
    organization: Organization,
    author,
    kind: str,
    subject: str,
    occurred_on: datetime.date | None = None,
    notes: str = "",
    contacts=(),
    follow_up_on: datetime.date | None = None,
) -> Interaction:
    """Record a touch with a partner, the people involved and an optional follow-up."""
    interaction = Interaction(
        organization=organization,
        author=author,
        kind=kind,
        subject=subject,
        occurred_on=occurred_on or timezone.localdate(),
        notes=notes,
        follow_up_on=follow_up_on,
    )
    interaction.full_clean()
    interaction.save()
    interaction.contacts.set(_contacts_of(organization, contacts))
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, contacts=(), expected_version: int | None = None, **fields
) -> Interaction:
    """Change an interaction's content; its author and creation time stay as they were."""
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.full_clean()
    _save(interaction, expected_version)
    interaction.contacts.set(_contacts_of(interaction.organization, contacts))
    return interaction


def follow_up_complete(*, interaction: Interaction, done: bool = True) -> Interaction:
    """Mark an interaction's follow-up done (or open it again); recorded in its history."""
    interaction.follow_up_done = done
    interaction.save(update_fields=["follow_up_done", "updated_at", "version"])
    return interaction


def _contacts_of(organization, contacts):
    """Only people of the interaction's organization may be named on it."""
    contacts = list(contacts)
    foreign = [c for c in contacts if c.organization_id != organization.pk]
    if foreign:
        raise ValidationError({"contacts": _("Choose people of this organization only.")})
    return contacts


def _save(instance, expected_version):
    """Create, or edit without overwriting a colleague's save (see record_save)."""
    if instance.pk is None or expected_version is None:
        instance.save()
    else:
        record_save(instance=instance, expected_version=expected_version)


@transaction.atomic
def organization_save(
    *, organization: Organization, sectors=(), programs=(), expected_version: int | None = None
) -> Organization:
    """Create or change an organization with its sectors and programs."""
    organization.full_clean()
    _save(organization, expected_version)
    organization.sectors.set(sectors)
    organization.programs.set(programs)
    return organization


@transaction.atomic
def contact_save(*, contact: Contact, expected_version: int | None = None) -> Contact:
    """Create or change a contact; a new primary contact replaces the organization's previous one."""
    contact.full_clean()
    _save(contact, expected_version)
    if contact.is_primary:
        Contact.objects.filter(organization=contact.organization_id, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )
    return contact


@transaction.atomic
def collaboration_save(
    *,
    collaboration: Collaboration,
    organizations=(),
    research_areas=(),
    participants_formset=None,
    expected_version: int | None = None,
) -> Collaboration:
    """Create or change a collaboration, its partner organizations and its participants."""
    collaboration.full_clean()
    _save(collaboration, expected_version)
    wanted = {o.pk for o in organizations}
    CollaborationPartner.objects.filter(collaboration=collaboration).exclude(organization__in=wanted).delete()
    existing = set(
        CollaborationPartner.objects.filter(collaboration=collaboration).values_list("organization_id", flat=True)
    )
    CollaborationPartner.objects.bulk_create(
        CollaborationPartner(collaboration=collaboration, organization_id=pk) for pk in wanted - existing
    )
    collaboration.research_areas.set(research_areas)
    if participants_formset is not None:
        participants_formset.instance = collaboration
        participants_formset.save()
    return collaboration


@transaction.atomic
def fair_participation_save(
    *, participation: FairParticipation, expected_version: int | None = None
) -> FairParticipation:
    """Register a partner for a fair edition, or record its positions and placements."""
    participation.full_clean()
    _save(participation, expected_version)
    return participation


# --- No lost updates ---------------------------------------------------------


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

    The one place where an edit of a versioned record (``partners.model_mixins.Versioned``) is saved.
    Callers validate first (a form or ``full_clean()``); this only guards against overwriting. A staff
    edit page wires it up with ``partners.versioning``::

        class OrganizationForm(VersionedFormMixin, forms.ModelForm):  # adds the hidden "version" field
            ...

        class OrganizationUpdateView(RoleRequiredMixin, VersionConflictMixin, OrganizationFormMixin, UpdateView):
            ...  # template includes partners/includes/_conflict.html

    ``form.save()`` then saves through ``record_save``; a service that saves the record itself takes the
    version (``organization_save(..., expected_version=form.expected_version)``) and calls ``record_save``
    instead of ``save()`` when editing. VersionConflictMixin runs the view's ``form_valid`` in a transaction
    and, on RecordConflict, shows the form again (HTTP 409) with what was typed, the saved values beside it
    and the version moved on, so saving again knowingly keeps one's own version.
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


# --- Archive instead of delete ----------------------------------------------
# Stored in the history in English; the history partial translates them when shown.
ARCHIVE_REASON = gettext_noop("Archived")
RESTORE_REASON = gettext_noop("Restored from the archive")


def _set_archived(model, record, *, archived, by):
    # Lock and reload the row: the history entry must record what is stored, not a stale copy.
    current = model._base_manager.select_for_update().get(pk=record.pk)
    if current.is_archived == archived:
        return current
    current.archived_at = timezone.now() if archived else None
    current._change_reason = ARCHIVE_REASON if archived else RESTORE_REASON
    if by is not None:
        current._history_user = by
    current.save()
    return current


@transaction.atomic
def organization_archive(*, organization, by=None):
    """Take an organization out of lists and reports; its records and history stay."""
    return _set_archived(Organization, organization, archived=True, by=by)


@transaction.atomic
def organization_restore(*, organization, by=None):
    """Bring an archived organization back into lists and reports."""
    return _set_archived(Organization, organization, archived=False, by=by)


@transaction.atomic
def contact_archive(*, contact, by=None):
    """Take a person out of lists; their interactions, participations and history stay."""
    return _set_archived(Contact, contact, archived=True, by=by)


@transaction.atomic
def contact_restore(*, contact, by=None):
    """Bring an archived person back into lists."""
    return _set_archived(Contact, contact, archived=False, by=by)


# --- Privacy requests (Quebec's Law 25) -------------------------------------
ANONYMIZE_REASON = gettext_noop("Anonymized on request (Law 25)")
# What identifies the person; the organization link, primary flag and sources stay so the
# organization's relationship record keeps its shape.
PERSONAL_FIELDS = ("first_name", "last_name", "title", "email", "phone", "notes")
CONTACT_FIELDS = (
    "id", "first_name", "last_name", "title", "email", "phone", "is_primary", "notes",
    "is_synthetic", "created_at", "updated_at", "archived_at", "anonymized_at",
)


def _erased_values(contact):
    """What the personal fields hold once erased (names are required, so they get a neutral label)."""
    return {
        "first_name": "Anonymized",
        "last_name": f"contact {contact.pk}",
        "title": "",
        "email": "",
        "phone": "",
        "notes": "",
    }


def contact_export(*, contact):
    """Everything held about a person, as a JSON-ready dict: record, interactions, participations, publications, history."""
    contact = Contact.objects.select_related("organization").prefetch_related("sources").get(pk=contact.pk)
    interactions = (
        Interaction.objects.filter(contacts=contact)
        .select_related("organization", "author")
        .order_by("occurred_on", "pk")
    )
    participations = Participant.objects.filter(contact=contact).select_related("collaboration").order_by("pk")
    publications = Publication.objects.filter(authors=contact).order_by("year", "pk")
    history_fields = [field.attname for field in Contact.history.model.tracked_fields]
    history = contact.history.select_related("history_user").order_by("history_date", "history_id")
    return {
        "exported_at": timezone.now(),
        "contact": {
            **{name: getattr(contact, name) for name in CONTACT_FIELDS},
            "organization": {"id": contact.organization_id, "name": contact.organization.name},
            "sources": [source.title for source in contact.sources.all()],
        },
        "interactions": [
            {
                "id": interaction.pk,
                "occurred_on": interaction.occurred_on,
                "kind": interaction.kind,
                "subject": interaction.subject,
                "notes": interaction.notes,
                "organization": interaction.organization.name,
                "logged_by": interaction.author.get_username(),
                "follow_up_on": interaction.follow_up_on,
            }
            for interaction in interactions
        ],
        "collaborations": [
            {"id": p.collaboration_id, "title": p.collaboration.title, "role": p.role} for p in participations
        ],
        "publications": [
            {"id": p.pk, "title": p.title, "venue": p.venue, "year": p.year, "url": p.url} for p in publications
        ],
        "history": [
            {
                "changed_at": record.history_date,
                "change": record.get_history_type_display(),
                "changed_by": record.history_user.get_username() if record.history_user else None,
                "reason": record.history_change_reason,
                "values": {name: getattr(record, name) for name in history_fields},
            }
            for record in history
        ],
    }


def contact_export_json(*, contact):
    """The export as indented UTF-8 JSON text."""
    return json.dumps(contact_export(contact=contact), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@transaction.atomic
def contact_anonymize(*, contact, by=None):
    """Erase a person's name, email, phone, title and notes from the record, its history and the admin log.

    The contact row stays (anonymized) so the organization's interactions, collaborations and
    publications keep their links.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    old_name, old_email = contact.full_name, contact.email
    erased = _erased_values(contact)
    for name, value in erased.items():
        setattr(contact, name, value)
    contact.anonymized_at = timezone.now()
    contact._change_reason = ANONYMIZE_REASON
    if by is not None:
        contact._history_user = by
    contact.save()
    # The history must not keep what the record no longer holds.
    contact.history.update(**erased)
    _scrub_admin_log(contact, old_name)
    _scrub_interactions(contact, [old_name, old_email], by=by)
    return contact


def _scrub_interactions(contact, mentions, *, by=None):
    """Replace the person's full name and email, as whole words in any case, in the subjects and notes of
    their organization's interactions and of those they took part in, and in those interactions' history.

    Other organizations' interactions are left alone: a namesake there is more likely someone else.
    """
    mentions = [mention.strip() for mention in mentions if mention and mention.strip()]
    if not mentions:
        return
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(mention)}(?!\w)" for mention in mentions), re.IGNORECASE)
    mentioned = Q()
    for mention in mentions:
        mentioned |= Q(subject__icontains=mention) | Q(notes__icontains=mention)
    # The interactions and their historical rows both have these columns: one condition serves both.
    theirs = Q(organization_id=contact.organization_id) | Q(id__in=contact.interactions.values("pk"))

    def scrubbed(record):
        changed = False
        for field in ("subject", "notes"):
            text = getattr(record, field)
            new_text = pattern.sub(contact.full_name, text)
            if new_text != text:
                setattr(record, field, new_text[: record._meta.get_field(field).max_length])
                changed = True
        return changed

    for interaction in Interaction.objects.filter(theirs).filter(mentioned).select_for_update():
        if scrubbed(interaction):
            interaction._change_reason = ANONYMIZE_REASON
            if by is not None:
                interaction._history_user = by
            interaction.save()  # moves the version on: an edit opened before is refused, not saved over this
    # Earlier versions too, including those whose text has changed since.
    for record in Interaction.history.filter(theirs).filter(mentioned):
        if scrubbed(record):
            record.save(update_fields=["subject", "notes"])


def _scrub_admin_log(contact, old_name):
    """Replace the person's name in the admin's change log (entries name the objects they touched)."""
    new_name = contact.full_name
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
    ).update(object_repr=new_name[:200])
    if not old_name:
        return
    # Inline edits (a contact changed on its organization's page) name the person inside the JSON message.
    needle = json.dumps(old_name)[1:-1]
    for entry in LogEntry.objects.filter(change_message__contains=needle):
        entry.change_message = entry.change_message.replace(needle, json.dumps(new_name)[1:-1])
        entry.save(update_fields=["change_message"])
