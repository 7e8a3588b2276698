"""The compare-and-swap save: one winner, the loser told, even when two saves run at the same moment."""
import threading

import pytest
from django.db import connection

from partners.models import Contact, Organization
from partners.services import RecordConflict, record_save
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_record_save_moves_the_version_on_once():
    organization = OrganizationFactory(city="Montreal")
    organization.city = "Laval"
    record_save(instance=organization, expected_version=1)
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.city, stored.version, organization.version) == ("Laval", 2, 2)


def test_record_save_from_a_stale_version_changes_nothing_and_returns_the_saved_record():
    contact = ContactFactory(email="old@example.org")
    Contact.objects.filter(pk=contact.pk).update(email="colleague@example.org", version=5)
    contact.email = "mine@example.org"
    with pytest.raises(RecordConflict) as refused:
        record_save(instance=contact, expected_version=1)
    assert refused.value.saved.email == "colleague@example.org"
    assert Contact.objects.get(pk=contact.pk).email == "colleague@example.org"
    assert contact.history.count() == 1  # the refused save left no history entry


def test_record_save_of_a_record_deleted_meanwhile_reports_it_gone():
    organization = OrganizationFactory()
    Organization.objects.filter(pk=organization.pk).delete()
    with pytest.raises(RecordConflict) as refused:
        record_save(instance=organization, expected_version=1)
    assert refused.value.saved is None


def test_any_save_moves_the_version_on_so_edits_opened_before_it_are_stale():
    organization = OrganizationFactory()
    organization.save()
    organization.save(update_fields=["city"])
    assert Organization.objects.get(pk=organization.pk).version == 3


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_version_let_exactly_one_through():
    organization = OrganizationFactory(city="Montreal")
    start = threading.Barrier(2, timeout=10)
    outcomes = {}

    def edit(city):
        try:
            copy = Organization.objects.get(pk=organization.pk)
            copy.city = city
            start.wait()
            record_save(instance=copy, expected_version=1)
            outcomes[city] = "saved"
        except RecordConflict:
            outcomes[city] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(city,)) for city in ("Laval", "Quebec")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(city for city, outcome in outcomes.items() if outcome == "saved")
    stored = Organization.objects.get(pk=organization.pk)
    assert (stored.city, stored.version) == (winner, 2)
