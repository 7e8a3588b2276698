"""Law 25 requests: export everything held about a person; anonymize them in the record and its history."""
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from partners.models import Contact, Interaction, Organization, Participant
from partners.services import contact_anonymize, contact_export, contact_export_json
from tests.factories import (
    CollaborationFactory,
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    ParticipantFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(admin_user):
    """A contact with a history of edits, an interaction, a collaboration role and a paper."""
    organization = OrganizationFactory(name="Giatec")
    contact = ContactFactory(
        organization=organization, first_name="Pouria", last_name="Ghods",
        email="pouria@giatec.example", phone="+1 613 555 0100", notes="Prefers calls on Tuesdays.",
    )
    contact._history_user = admin_user
    contact.title = "CEO"
    contact.save()
    InteractionFactory(organization=organization, subject="Sensor project review", contacts=[contact])
    ParticipantFactory(contact=contact, collaboration=CollaborationFactory(title="Concrete sensing"), role="Lead")
    PublicationFactory(title="Smart concrete").authors.add(contact)
    return contact


def test_export_holds_the_record_interactions_participations_publications_and_history(person, admin_user):
    data = json.loads(contact_export_json(contact=person))
    assert data["contact"]["email"] == "pouria@giatec.example"
    assert data["contact"]["organization"] == {"id": person.organization_id, "name": "Giatec"}
    assert [i["subject"] for i in data["interactions"]] == ["Sensor project review"]
    assert data["collaborations"] == [{"id": Participant.objects.get().collaboration_id, "title": "Concrete sensing", "role": "Lead"}]
    assert [p["title"] for p in data["publications"]] == ["Smart concrete"]
    assert [h["change"] for h in data["history"]] == ["Created", "Changed"]
    assert data["history"][1]["changed_by"] == admin_user.username
    assert data["history"][1]["values"]["title"] == "CEO"


def test_export_leaves_out_other_people(person):
    ContactFactory(organization=person.organization, email="someone.else@giatec.example")
    InteractionFactory(organization=person.organization, subject="Unrelated call")
    text = contact_export_json(contact=person)
    assert "someone.else@giatec.example" not in text and "Unrelated call" not in text


def test_anonymize_erases_the_person_from_the_record_and_every_history_row(person):
    contact_anonymize(contact=person)
    stored = Contact.objects.get(pk=person.pk)
    assert (stored.first_name, stored.last_name, stored.email, stored.phone, stored.title, stored.notes) == (
        "Anonymized", f"contact {person.pk}", "", "", "", ""
    )
    assert stored.anonymized_at is not None
    assert person.history.count() == 3
    for row in person.history.values():
        assert "Pouria" not in str(row) and "Ghods" not in str(row)
        assert "pouria@giatec.example" not in str(row) and "555 0100" not in str(row) and "Tuesdays" not in str(row)
    # Read the table itself too, as a backup or a database browser would.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Contact.history.model._meta.db_table}")
        assert "pouria@giatec.example" not in str(cursor.fetchall())


def test_anonymize_keeps_the_organizations_relationship_record(person):
    contact_anonymize(contact=person)
    assert Organization.objects.filter(name="Giatec").exists()
    assert list(Interaction.objects.get().contacts.all()) == [person]
    assert Participant.objects.get().contact_id == person.pk
    assert contact_export(contact=person)["publications"][0]["title"] == "Smart concrete"


def test_anonymize_scrubs_the_name_from_the_admin_change_log(person, admin_user):
    contact_type = ContentType.objects.get_for_model(Contact)
    LogEntry.objects.log_actions(admin_user.pk, [person], CHANGE, change_message=[{"changed": {"fields": ["Email"]}}])
    LogEntry.objects.create(
        user=admin_user, content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(person.organization_id), object_repr="Giatec", action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"name": "contact", "object": "Pouria Ghods", "fields": ["Email"]}}]),
    )
    contact_anonymize(contact=person)
    text = str(list(LogEntry.objects.values()))
    assert "Pouria" not in text and "Ghods" not in text
    assert LogEntry.objects.get(content_type=contact_type).object_repr == f"Anonymized contact {person.pk}"


def test_anonymize_replaces_the_name_and_email_in_the_organizations_interactions_and_their_history(person, admin_user):
    interaction = InteractionFactory(
        organization=person.organization, subject="Call with pouria ghods",
        notes="Pouria Ghods (Pouria@Giatec.example) wants a demo. Cc: Pouria Ghodsian.",
    )
    # An earlier version named the person; the notes no longer do, but the history still holds it.
    older = InteractionFactory(organization=person.organization, subject="Intro", notes="Met Pouria Ghods at ALL IN.")
    older.notes = "Met the CEO at ALL IN."
    older.save()
    elsewhere = InteractionFactory(subject="Pouria Ghods was mentioned here too")
    version = interaction.version
    contact_anonymize(contact=person, by=admin_user)
    label = f"Anonymized contact {person.pk}"
    interaction.refresh_from_db()
    assert interaction.subject == f"Call with {label}"
    # Whole words only: another name that starts the same way stays.
    assert interaction.notes == f"{label} ({label}) wants a demo. Cc: Pouria Ghodsian."
    # A form opened on the interaction before is refused on save rather than writing the name back.
    assert interaction.version == version + 1
    for record in Interaction.history.filter(id__in=[interaction.pk, older.pk]):
        text = f"{record.subject} {record.notes}".lower().replace("pouria ghodsian", "")
        assert "pouria ghods" not in text and "giatec.example" not in text
    assert Interaction.history.filter(id=older.pk).earliest("history_date").notes == f"Met {label} at ALL IN."
    # Another organization's interaction is left alone: a namesake there is more likely someone else.
    elsewhere.refresh_from_db()
    assert elsewhere.subject == "Pouria Ghods was mentioned here too"
