"""Importing a file as a whole, and undoing it as a whole."""
import datetime

import pytest
from django.utils import timezone, translation

from partners.importing.mapping import suggest_mapping
from partners.importing.readers import read_table
from partners.models import Contact, Interaction, Organization, Sector
from partners.models_imports import ImportBatch, ImportedRecord
from partners.services import organization_save
from partners.services_imports import ImportRejected, ImportUndoRefused, import_draft_create, import_run, import_undo
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def run(user, kind, text, file_name="f.csv"):
    table = read_table(text.encode(), file_name)
    batch = ImportBatch(user=user, kind=kind, file_name=file_name, mapping=suggest_mapping(kind, table.headings))
    return import_run(batch=batch, table=table)


def test_import_creates_and_updates_in_bulk_and_records_the_batch(admin_user):
    giatec = OrganizationFactory(name="Giatec", website="https://giatec.ca", city="Ottawa")
    batch = run(
        admin_user,
        "organizations",
        "Company name,Company Domain Name,City,Industry\nGiatec,giatec.ca,Gatineau,Construction\nNew Co,newco.ai,Laval,AI; Health\n",
    )
    assert (batch.status, batch.created_count, batch.updated_count, batch.skipped_count) == ("done", 1, 1, 0)
    giatec.refresh_from_db()
    assert (giatec.city, giatec.version) == ("Gatineau", 2)
    new = Organization.objects.get(name="New Co")
    assert (new.name_key, new.website, new.kind) == ("new co", "https://newco.ai", "industry")
    assert sorted(new.sectors.values_list("name", flat=True)) == ["AI", "Health"]
    assert giatec.history.first().history_user == admin_user
    assert new.history.count() == 1
    assert set(ImportedRecord.objects.values_list("action", flat=True)) == {"created", "updated"}
    assert batch.content is None


def test_second_import_of_the_same_file_updates_nothing_and_creates_nothing(admin_user):
    text = "name,city\nGiatec,Ottawa\nSama,Montreal\n"
    run(admin_user, "organizations", text)
    again = run(admin_user, "organizations", text)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    assert Organization.objects.count() == 2


def test_one_bad_row_and_nothing_is_written(admin_user):
    OrganizationFactory(name="Giatec", city="Ottawa")
    with pytest.raises(ImportRejected) as rejected:
        run(admin_user, "organizations", "name,city,employees\nGiatec,Laval,\nNew Co,Laval,lots\n")
    assert rejected.value.plan.errors()[0][:2] == (3, "employees")
    assert Organization.objects.get().city == "Ottawa"
    assert not Organization.objects.filter(name="New Co").exists()
    assert not ImportBatch.objects.exists()


def test_external_id_column_is_the_key_of_later_imports(admin_user):
    run(admin_user, "organizations", "Record ID,name\n981,Old name\n")
    batch = run(admin_user, "organizations", "Record ID,name\n981,New name\n")
    assert batch.updated_count == 1
    assert list(Organization.objects.values_list("external_id", "name", "name_key")) == [("981", "New name", "new name")]


def test_contacts_and_interactions_import(admin_user):
    OrganizationFactory(name="Statistics Canada", short_name="StatCan")
    run(admin_user, "contacts", "First Name,Last Name,Email,Company name\nAnil,Arora,anil@statcan.gc.ca,Statistics Canada\n")
    run(admin_user, "interactions", "Company,Date,Type,Subject\nStatCan,2026-11-02,Meeting,Data program\n")
    assert Contact.objects.get().organization.name == "Statistics Canada"
    interaction = Interaction.objects.get()
    assert (interaction.author, interaction.kind, str(interaction.occurred_on)) == (admin_user, "meeting", "2026-11-02")


def test_undo_deletes_what_was_created_and_restores_what_was_changed(admin_user, team_user):
    sector = Sector.objects.create(name="Construction")
    giatec = OrganizationFactory(name="Giatec", city="Ottawa", sectors=[sector])
    batch = run(admin_user, "organizations", "name,city,Industry\nGiatec,Gatineau,Concrete\nNew Co,Laval,\n")
    import_undo(batch=batch, user=team_user)
    giatec.refresh_from_db()
    assert giatec.city == "Ottawa"
    assert list(giatec.sectors.values_list("name", flat=True)) == ["Construction"]
    assert list(Organization.objects.values_list("name", flat=True)) == ["Giatec"]
    batch.refresh_from_db()
    assert (batch.status, batch.undone_by) == ("undone", team_user)
    with pytest.raises(ImportUndoRefused):
        import_undo(batch=batch, user=team_user)


def test_undo_is_refused_once_an_imported_record_was_edited(admin_user):
    batch = run(admin_user, "organizations", "name,city\nNew Co,Laval\nOther Co,Laval\n")
    edited = Organization.objects.get(name="New Co")
    edited.city = "Montreal"
    organization_save(organization=edited, expected_version=edited.version)
    with pytest.raises(ImportUndoRefused, match="1 record was edited"):
        import_undo(batch=batch, user=admin_user)
    assert Organization.objects.count() == 2
    assert ImportBatch.objects.get().status == "done"


def test_undo_of_a_rename_gives_back_the_name_and_its_key(admin_user):
    OrganizationFactory(name="Old name", external_id="981")
    batch = run(admin_user, "organizations", "Record ID,name\n981,New name\n")
    import_undo(batch=batch, user=admin_user)
    assert list(Organization.objects.values_list("name", "name_key")) == [("Old name", "old name")]


def test_undo_refused_when_a_replaced_name_was_taken_since(admin_user):
    OrganizationFactory(name="Old name", external_id="981")
    batch = run(admin_user, "organizations", "Record ID,name\n981,New name\n")
    OrganizationFactory(name="Old Name!")
    with pytest.raises(ImportUndoRefused, match="would create a duplicate"):
        import_undo(batch=batch, user=admin_user)
    assert Organization.objects.filter(name="New name").exists()
    assert ImportBatch.objects.get().status == "done"


def test_undo_of_a_contact_import_moves_the_person_back(admin_user):
    from tests.factories import ContactFactory

    first, second = OrganizationFactory(name="Giatec"), OrganizationFactory(name="Sama")
    ContactFactory(first_name="Ann", last_name="Lee", email="ann@example.org", organization=first)
    batch = run(admin_user, "contacts", "First Name,Last Name,Email,Company name\nAnn,Lee,ann@example.org,Sama\n")
    assert Contact.objects.get().organization == second
    import_undo(batch=batch, user=admin_user)
    assert Contact.objects.get().organization == first


def test_an_upload_left_unimported_for_a_week_is_dropped_at_the_next_upload():
    forgetful, busy, uploader = UserFactory(), UserFactory(), UserFactory()
    stale = import_draft_create(user=forgetful, file_name="old.csv", kind="contacts", content=b"name\nA", mapping={})
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    fresh = import_draft_create(user=busy, file_name="new.csv", kind="contacts", content=b"name\nB", mapping={})
    done = import_draft_create(user=forgetful, file_name="done.csv", kind="contacts", content=b"", mapping={})
    ImportBatch.objects.filter(pk=done.pk).update(
        status=ImportBatch.Status.DONE, created_at=timezone.now() - datetime.timedelta(days=30))
    import_draft_create(user=uploader, file_name="today.csv", kind="contacts", content=b"name\nC", mapping={})
    # The file may hold personal data; the record of a finished import stays.
    assert set(ImportBatch.objects.values_list("file_name", flat=True)) == {"new.csv", "done.csv", "today.csv"}
    assert ImportBatch.objects.filter(pk=fresh.pk, content=b"name\nB").exists()
