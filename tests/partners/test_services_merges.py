"""Merging duplicates moves everything over, loses nothing, and can be undone exactly."""
import pytest

from partners.models import (
    Agreement,
    CollaborationPartner,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
    Participant,
    Publication,
)
from partners.models_merges import Merge
from partners.services import organization_save
from partners.services_merges import MergeRefused, contact_merge, merge_undo, organization_merge
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    InternshipFairFactory,
    OrganizationFactory,
    ParticipantFactory,
    ProgramFactory,
    PublicationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def state():
    """Every link the merge may touch, as plain values, to compare before and after."""
    return {
        "interactions": sorted(Interaction.objects.values_list("pk", "organization_id", "subject")),
        "interaction_contacts": sorted(Interaction.contacts.through.objects.values_list("interaction_id", "contact_id")),
        "contacts": sorted(Contact.objects.values_list("pk", "organization_id", "archived_at", "is_primary")),
        "organizations": sorted(Organization.objects.values_list("pk", "parent_id", "archived_at")),
        "agreements": sorted(Agreement.objects.values_list("pk", "organization_id")),
        "partners": sorted(CollaborationPartner.objects.values_list("collaboration_id", "organization_id")),
        "participations": sorted(
            FairParticipation.objects.values_list("fair_id", "organization_id", "status", "internships_offered", "notes")
        ),
        "publications": sorted(Publication.organizations.through.objects.values_list("publication_id", "organization_id")),
        "authors": sorted(Publication.authors.through.objects.values_list("publication_id", "contact_id")),
        "participants": sorted(Participant.objects.values_list("collaboration_id", "contact_id", "role")),
        "sectors": sorted(Organization.sectors.through.objects.values_list("organization_id", "sector_id")),
        "programs": sorted(Organization.programs.through.objects.values_list("organization_id", "program_id")),
    }


@pytest.fixture
def two_giatecs():
    """The same partner entered twice, each record with its own history of work."""
    shared_sector, own_sector = SectorFactory(name="Construction"), SectorFactory(name="Materials")
    keep = OrganizationFactory(name="Giatec Scientific", sectors=[shared_sector])
    remove = OrganizationFactory(
        name="Giatec Scientific Inc.", sectors=[shared_sector, own_sector], programs=[ProgramFactory()]
    )
    branch = OrganizationFactory(name="Giatec Labs", parent=remove)
    for org in (keep, remove):
        person = ContactFactory(organization=org)
        InteractionFactory(organization=org, contacts=[person], subject=f"Meeting with {org.name}")
        InteractionFactory(organization=org, subject=f"Call with {org.name}")
        AgreementFactory(organization=org)
    both = CollaborationFactory(organizations=[keep, remove])
    CollaborationFactory(organizations=[remove])
    fair = InternshipFairFactory()
    FairParticipationFactory(fair=fair, organization=keep, status="registered", internships_offered=2, notes="Booth 4")
    FairParticipationFactory(fair=fair, organization=remove, status="attended", internships_offered=3, notes="Late")
    FairParticipationFactory(organization=remove)
    paper = PublicationFactory()
    paper.organizations.set([keep, remove])
    PublicationFactory().organizations.set([remove])
    return keep, remove, branch, both


def test_merge_keeps_every_interaction_of_both(two_giatecs):
    keep, remove, _branch, _both = two_giatecs
    subjects = set(Interaction.objects.values_list("subject", flat=True))

    organization_merge(keep=keep, remove=remove, user=UserFactory())

    assert set(Interaction.objects.filter(organization=keep).values_list("subject", flat=True)) == subjects
    assert len(subjects) == 4


def test_merge_moves_everything_and_combines_links_allowed_once(two_giatecs):
    keep, remove, branch, both = two_giatecs

    merge = organization_merge(keep=keep, remove=remove, user=UserFactory())

    remove.refresh_from_db()
    assert remove.is_archived
    for relation in ("interactions", "contacts", "agreements", "collaboration_links", "fair_participations", "children", "publications"):
        assert not getattr(remove, relation).exists(), relation
    assert keep.contacts.count() == 2 and keep.agreements.count() == 2
    assert keep.collaboration_links.count() == 2
    assert keep.publications.count() == 2
    assert keep.fair_participations.count() == 2
    combined = keep.fair_participations.get(internships_offered__gt=0)
    assert (combined.status, combined.internships_offered, combined.notes) == ("attended", 5, "Booth 4\n\nLate")
    assert branch.__class__.objects.get(pk=branch.pk).parent == keep
    assert set(keep.sectors.values_list("name", flat=True)) == {"Construction", "Materials"}
    assert keep.programs.count() == 1
    assert merge.kind == Merge.Kind.ORGANIZATION and merge.removed_label == "Giatec Scientific Inc."
    assert [link["collaboration_id"] for link in merge.snapshot["combined"]["collaborationpartner"]] == [both.pk]


def test_undo_restores_the_exact_prior_state(two_giatecs):
    keep, remove, _branch, _both = two_giatecs
    before = state()
    merge = organization_merge(keep=keep, remove=remove, user=UserFactory())
    assert state() != before

    merge_undo(merge=merge, user=UserFactory())

    assert state() == before
    merge.refresh_from_db()
    assert merge.is_undone


def test_undo_is_refused_when_a_moved_record_was_edited_since(two_giatecs):
    keep, remove, _branch, _both = two_giatecs
    merge = organization_merge(keep=keep, remove=remove, user=UserFactory())
    moved = Interaction.objects.get(subject="Call with Giatec Scientific Inc.")
    moved.subject = "Call with Giatec (renamed)"
    moved.save()
    after = state()

    with pytest.raises(MergeRefused, match="changed after the merge"):
        merge_undo(merge=merge, user=UserFactory())
    assert state() == after


def test_undo_is_refused_when_the_kept_record_was_edited_since(two_giatecs):
    keep, remove, _branch, _both = two_giatecs
    merge = organization_merge(keep=keep, remove=remove, user=UserFactory())
    keep.refresh_from_db()
    keep.city = "Ottawa"
    organization_save(organization=keep, sectors=keep.sectors.all(), programs=keep.programs.all())

    with pytest.raises(MergeRefused, match="edited after the merge"):
        merge_undo(merge=merge, user=UserFactory())
    with pytest.raises(MergeRefused):
        organization_merge(keep=keep, remove=remove, user=UserFactory())  # archived: restore first


def test_a_record_cannot_be_merged_into_itself():
    organization = OrganizationFactory()
    with pytest.raises(MergeRefused):
        organization_merge(keep=organization, remove=organization, user=UserFactory())
    assert not Merge.objects.exists()


def test_contact_merge_moves_interactions_collaborations_and_papers_and_undoes():
    keep = ContactFactory(first_name="Anil", last_name="Arora", email="anil@statcan.gc.ca")
    remove = ContactFactory(first_name="Anil", last_name="Arora", organization=keep.organization, is_primary=True)
    shared = InteractionFactory(organization=keep.organization, contacts=[keep, remove])
    own = InteractionFactory(organization=keep.organization, contacts=[remove])
    collaboration = CollaborationFactory()
    ParticipantFactory(collaboration=collaboration, contact=keep, role="Lead")
    ParticipantFactory(collaboration=collaboration, contact=remove, role="Advisor")
    ParticipantFactory(contact=remove, role="Author")
    PublicationFactory().authors.set([remove])
    before = state()

    merge = contact_merge(keep=keep, remove=remove, user=UserFactory())

    assert set(keep.interactions.all()) == {shared, own}
    assert not remove.interactions.exists() and not remove.participations.exists() and not remove.publications.exists()
    assert keep.participations.count() == 2 and keep.publications.count() == 1
    remove.refresh_from_db()
    keep.refresh_from_db()
    # The organization keeps its first contact: the person kept takes the flag of the one archived.
    assert remove.is_archived and not remove.is_primary and keep.is_primary

    merge_undo(merge=merge, user=UserFactory())
    assert state() == before


def test_contact_merge_leaves_a_primary_contact_kept_as_it_was():
    keep = ContactFactory(is_primary=True)
    remove = ContactFactory(organization=keep.organization, is_primary=True)
    merge = contact_merge(keep=keep, remove=remove, user=UserFactory())
    keep.refresh_from_db()
    assert keep.is_primary
    merge_undo(merge=merge, user=UserFactory())
    keep.refresh_from_db()
    remove.refresh_from_db()
    assert keep.is_primary and remove.is_primary and not remove.is_archived


def test_contacts_of_different_organizations_are_not_merged():
    with pytest.raises(MergeRefused, match="same organization"):
        contact_merge(keep=ContactFactory(), remove=ContactFactory(), user=UserFactory())


def test_a_merge_is_undone_once():
    keep, remove = OrganizationFactory(), OrganizationFactory()
    merge = organization_merge(keep=keep, remove=remove, user=UserFactory())
    merge_undo(merge=merge, user=UserFactory())
    with pytest.raises(MergeRefused, match="already undone"):
        merge_undo(merge=merge, user=UserFactory())


def test_moved_records_keep_a_history_entry_naming_the_merge_and_its_undo(two_giatecs):
    keep, remove, branch, _ = two_giatecs
    user = UserFactory()
    moved = [Interaction.objects.filter(organization=remove).first(), Agreement.objects.get(organization=remove), branch]
    merge = organization_merge(keep=keep, remove=remove, user=user)
    for record in moved:
        latest = record.history.latest()
        assert (latest.history_change_reason, latest.history_user, latest.history_type) == (
            "Merged into another record", user, "~"
        )
        assert getattr(latest, "parent_id" if record is branch else "organization_id") == keep.pk
    merge_undo(merge=merge, user=user)
    for record in moved:
        latest = record.history.latest()
        assert latest.history_change_reason == "Merge undone"
        assert getattr(latest, "parent_id" if record is branch else "organization_id") == remove.pk
