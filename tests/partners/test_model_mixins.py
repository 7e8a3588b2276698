"""QuerySet methods and bookkeeping shared by the records staff edit."""
import datetime

import pytest

from partners.models import Contact, Organization
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ARCHIVED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def test_active_and_archived_split_organizations_and_contacts():
    active, archived = OrganizationFactory(), OrganizationFactory(archived_at=ARCHIVED)
    person, gone = ContactFactory(organization=active), ContactFactory(organization=active, archived_at=ARCHIVED)
    assert list(Organization.objects.active()) == [active] and list(Organization.objects.archived()) == [archived]
    assert list(Contact.objects.active()) == [person] and list(Contact.objects.archived()) == [gone]
    assert Organization.objects.archived().get().is_archived


def test_new_records_start_at_version_one_and_every_save_moves_it_on():
    organization = OrganizationFactory()
    assert organization.version == 1
    organization.save()
    assert Organization.objects.get(pk=organization.pk).version == 2


def test_history_leaves_out_the_version_counter():
    organization = OrganizationFactory()
    organization.save()
    assert "version" not in {field.name for field in Organization.history.model._meta.fields}
