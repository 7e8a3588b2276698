"""Writes that touch several rows: one function per business action."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Collaboration,
    CollaborationPartner,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
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
def interaction_update(*, interaction: Interaction, contacts=(), **fields) -> Interaction:
    """Change an interaction's content; its author and creation time stay as they were."""
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.full_clean()
    interaction.save()
    interaction.contacts.set(_contacts_of(interaction.organization, contacts))
    return interaction


def follow_up_complete(*, interaction: Interaction, done: bool = True) -> Interaction:
    """Mark an interaction's follow-up done (or open it again)."""
    Interaction.objects.filter(pk=interaction.pk).update(follow_up_done=done, updated_at=timezone.now())
    interaction.follow_up_done = done
    return interaction


def _contacts_of(organization, contacts):
    """Only people of the interaction's organization may be named on it."""
    contacts = list(contacts)
    foreign = [c for c in contacts if c.organization_id != organization.pk]
    if foreign:
        raise ValidationError({"contacts": _("Choose people of this organization only.")})
    return contacts


@transaction.atomic
def organization_save(*, organization: Organization, sectors=(), programs=()) -> Organization:
    """Create or change an organization with its sectors and programs."""
    organization.full_clean()
    organization.save()
    organization.sectors.set(sectors)
    organization.programs.set(programs)
    return organization


@transaction.atomic
def contact_save(*, contact: Contact) -> Contact:
    """Create or change a contact; a new primary contact replaces the organization's previous one."""
    contact.full_clean()
    contact.save()
    if contact.is_primary:
        Contact.objects.filter(organization=contact.organization_id, is_primary=True).exclude(pk=contact.pk).update(
            is_primary=False
        )
    return contact


@transaction.atomic
def collaboration_save(
    *, collaboration: Collaboration, organizations=(), research_areas=(), participants_formset=None
) -> Collaboration:
    """Create or change a collaboration, its partner organizations and its participants."""
    collaboration.full_clean()
    collaboration.save()
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
def fair_participation_save(*, participation: FairParticipation) -> FairParticipation:
    """Register a partner for a fair edition, or record its positions and placements."""
    participation.full_clean()
    participation.save()
    return participation
