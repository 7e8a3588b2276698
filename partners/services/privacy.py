"""Privacy requests under Quebec's Law 25: what we hold about a person, and erasing it on request."""
import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from partners.models import Contact, Interaction, Participant, Publication

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
    old_name = contact.full_name
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
    return contact


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
