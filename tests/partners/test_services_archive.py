"""Archive instead of delete: out of lists, history kept, restorable."""
import pytest

from partners.models import Contact, Organization
from partners.selectors import history_for
from partners.services import contact_archive, contact_restore, organization_archive, organization_restore
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_archived_organization_leaves_active_lists_and_keeps_its_records(admin_user):
    organization = OrganizationFactory(name="Old Partner Inc.")
    kept = OrganizationFactory(name="Current Partner")
    InteractionFactory(organization=organization)
    organization_archive(organization=organization, by=admin_user)
    assert list(Organization.objects.active()) == [kept]
    assert list(Organization.objects.archived()) == [organization]
    assert organization.interactions.count() == 1


def test_archiving_is_in_the_history_with_who_and_restoring_brings_it_back(admin_user):
    organization = OrganizationFactory()
    organization_archive(organization=organization, by=admin_user)
    restored = organization_restore(organization=organization, by=admin_user)
    assert restored.archived_at is None
    assert Organization.objects.active().filter(pk=organization.pk).exists()
    restore, archive, created = history_for(organization)
    assert (archive.reason, archive.user, archive.changes[0].label) == ("Archived", admin_user, "archived at")
    assert (restore.reason, restore.changes[0].after) == ("Restored from the archive", None)
    assert created.kind == "+"


def test_archive_records_the_stored_row_not_a_stale_copy():
    organization = OrganizationFactory(city="Montreal")
    Organization.objects.filter(pk=organization.pk).update(city="Laval")
    archived = organization_archive(organization=organization)
    assert Organization.objects.get(pk=organization.pk).city == "Laval"
    assert archived.history.first().city == "Laval"


def test_archiving_twice_changes_nothing_more():
    contact = ContactFactory()
    first = contact_archive(contact=contact)
    second = contact_archive(contact=contact)
    assert first.archived_at == second.archived_at
    assert contact.history.count() == 2


def test_archived_contact_leaves_active_contacts_and_can_be_restored():
    contact, other = ContactFactory(), ContactFactory()
    contact_archive(contact=contact)
    assert list(Contact.objects.active()) == [other]
    contact_restore(contact=contact)
    assert set(Contact.objects.active()) == {contact, other}
