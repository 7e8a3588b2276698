"""The admin keeps records safe: edit conflicts, history and restore, archive not delete, privacy requests."""
import datetime
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from partners.models import Contact, FairParticipation, Organization
from tests.factories import (
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    OrganizationFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def change_form_data(response):
    """What a browser would send back from an admin change page, untouched."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context.get("inline_admin_formsets", []):  # the restore page has none
        formset = inline.formset
        data.update({formset.management_form.add_prefix(k): v for k, v in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = _value(form[name])
            if value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def change_url(record):
    return reverse(f"admin:partners_{record._meta.model_name}_change", args=[record.pk])


@pytest.fixture
def two_admins(client, django_user_model, admin_user):
    from django.test import Client

    other = Client()
    other.force_login(UserFactory(username="admin2", first_name="Ada", last_name="Second", is_staff=True, is_superuser=True))
    client.force_login(admin_user)
    return client, other


def test_second_of_two_concurrent_admin_edits_gets_the_conflict_page_and_the_first_is_kept(two_admins):
    first, second = two_admins
    organization = OrganizationFactory(name="Hydro-Québec", city="Montreal")
    url = change_url(organization)
    first_data = change_form_data(first.get(url))
    second_data = change_form_data(second.get(url))

    assert first.post(url, {**first_data, "city": "Varennes"}).status_code == 302
    response = second.post(url, {**second_data, "city": "Shawinigan"})

    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in page
    assert "Varennes" in page and "Shawinigan" in page
    assert Organization.objects.get(pk=organization.pk).city == "Varennes"

    # "Save my version anyway" posts the same form again, now naming the saved version.
    repost = dict(response.context["repost"])
    assert repost["version"] == "2" and repost["city"] == "Shawinigan"
    assert second.post(url, repost).status_code == 302
    assert Organization.objects.get(pk=organization.pk).city == "Shawinigan"


def test_stale_inline_contact_refuses_the_whole_organization_save(two_admins):
    first, second = two_admins
    contact = ContactFactory(email="old@example.org")
    organization = contact.organization
    stale = change_form_data(first.get(change_url(organization)))

    contact_data = change_form_data(second.get(change_url(contact)))
    assert second.post(change_url(contact), {**contact_data, "email": "colleague@example.org"}).status_code == 302

    response = first.post(change_url(organization), {**stale, "city": "Laval", "contacts-0-email": "mine@example.org"})
    assert response.status_code == 409
    assert "colleague@example.org" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).email == "colleague@example.org"
    assert Organization.objects.get(pk=organization.pk).city == "Montreal"  # rolled back with it


def test_stale_fair_participation_edited_on_its_fair_page_is_refused(two_admins):
    first, second = two_admins
    participation = FairParticipationFactory(internships_offered=2)
    fair_url = change_url(participation.fair)
    stale = change_form_data(first.get(fair_url))
    FairParticipation.objects.filter(pk=participation.pk).update(internships_offered=5, version=2)
    response = first.post(fair_url, {**stale, "participations-0-internships_offered": "9"})
    assert response.status_code == 409
    assert FairParticipation.objects.get(pk=participation.pk).internships_offered == 5


def test_admin_history_shows_changes_and_an_earlier_version_can_be_restored(client, admin_user):
    organization = OrganizationFactory(name="Element AI", city="Montreal")
    client.force_login(admin_user)
    url = change_url(organization)
    assert client.post(url, {**change_form_data(client.get(url)), "city": "Toronto"}).status_code == 302

    history_page = client.get(reverse("admin:partners_organization_history", args=[organization.pk])).content.decode()
    assert "Montreal" in history_page and "Toronto" in history_page and admin_user.username in history_page

    first_version = organization.history.earliest("history_date")
    revert_url = reverse("admin:partners_organization_simple_history", args=[organization.pk, first_version.history_id])
    response = client.post(revert_url, change_form_data(client.get(revert_url)))
    assert response.status_code == 302
    restored = Organization.objects.get(pk=organization.pk)
    assert (restored.city, restored.version) == ("Montreal", 3)
    latest = organization.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("Restored an earlier version", admin_user)


def test_restore_is_refused_when_someone_saved_after_the_restore_page_opened(client, admin_user):
    organization = OrganizationFactory(city="Montreal")
    Organization.objects.get(pk=organization.pk).save()
    client.force_login(admin_user)
    first_version = organization.history.earliest("history_date")
    revert_url = reverse("admin:partners_organization_simple_history", args=[organization.pk, first_version.history_id])
    data = change_form_data(client.get(revert_url))
    colleague = Organization.objects.get(pk=organization.pk)
    colleague.city = "Laval"
    colleague.save()
    assert client.post(revert_url, data).status_code == 409
    assert Organization.objects.get(pk=organization.pk).city == "Laval"


def test_changelist_shows_active_records_unless_archived_ones_are_asked_for(client, admin_user):
    OrganizationFactory(name="Active Partner")
    OrganizationFactory(name="Gone Partner", archived_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    client.force_login(admin_user)
    url = reverse("admin:partners_organization_changelist")
    default = client.get(url).content.decode()
    assert "Active Partner" in default and "Gone Partner" not in default
    archived = client.get(url, {"archive": "archived"}).content.decode()
    assert "Gone Partner" in archived and "Active Partner" not in archived
    everything = client.get(url, {"archive": "all"}).content.decode()
    assert "Gone Partner" in everything and "Active Partner" in everything


def test_archive_and_restore_actions(client, admin_user):
    contact = ContactFactory(last_name="Arora")
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_changelist")
    response = client.post(url, {"action": "archive_selected", "_selected_action": [contact.pk]}, follow=True)
    assert "1 record archived." in response.content.decode()
    assert Contact.objects.archived().get() == contact
    assert contact.history.first().history_user == admin_user
    client.post(url + "?archive=archived", {"action": "restore_selected", "_selected_action": [contact.pk]})
    assert Contact.objects.active().get() == contact


def test_only_superusers_may_delete_organizations_and_contacts(client):
    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_contact", "delete_contact"]))
    contact = ContactFactory()
    client.force_login(staff)
    assert client.post(reverse("admin:partners_contact_delete", args=[contact.pk]), {"post": "yes"}).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("link", ["interaction", "participant"])
def test_admin_refuses_to_delete_a_contact_still_referred_to_and_says_why(client, admin_user, link):
    contact = ContactFactory()
    if link == "interaction":
        InteractionFactory(organization=contact.organization, subject="Kick-off call", contacts=[contact])
        named = "Kick-off call"
    else:
        ParticipantFactory(contact=contact, collaboration__title="Concrete sensing")
        named = str(contact)
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_delete", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert named in page
    client.post(url, {"post": "yes"})
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_superuser_deletes_a_contact_nothing_refers_to_and_its_history_stays(client, admin_user):
    contact = ContactFactory()
    client.force_login(admin_user)
    client.post(reverse("admin:partners_contact_delete", args=[contact.pk]), {"post": "yes"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert list(Contact.history.filter(id=contact.pk).values_list("history_type", flat=True)) == ["-", "+"]


def test_contact_page_offers_privacy_requests_to_superusers_only(client, admin_user):
    contact = ContactFactory()
    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_contact", "change_contact"]))
    export_url = reverse("admin:partners_contact_privacy_export", args=[contact.pk])
    anonymize_url = reverse("admin:partners_contact_anonymize", args=[contact.pk])

    client.force_login(admin_user)
    assert export_url in client.get(change_url(contact)).content.decode()
    client.force_login(staff)
    assert export_url not in client.get(change_url(contact)).content.decode()
    assert client.get(export_url).status_code == 403
    assert client.post(export_url).status_code == 403
    assert client.post(anonymize_url).status_code == 403
    assert Contact.objects.get(pk=contact.pk).anonymized_at is None


def test_superuser_exports_a_contacts_data_as_a_json_download(client, admin_user):
    contact = ContactFactory(email="pouria@giatec.example")
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_privacy_export", args=[contact.pk])
    assert "Download the export" in client.get(url).content.decode()
    assert not LogEntry.objects.exists()  # looking at the page exports nothing
    response = client.post(url)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f'filename="contact-{contact.pk}-personal-data.json"' in response["Content-Disposition"]
    assert json.loads(response.content)["contact"]["email"] == "pouria@giatec.example"
    assert LogEntry.objects.get().change_message == "Exported personal data (Law 25)"


def test_superuser_anonymizes_a_contact_after_confirming(client, admin_user):
    contact = ContactFactory(first_name="Pouria", last_name="Ghods", email="pouria@giatec.example")
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_anonymize", args=[contact.pk])
    confirm = client.get(url).content.decode()
    assert "cannot be undone" in confirm and "Pouria Ghods" in confirm
    assert Contact.objects.get(pk=contact.pk).email == "pouria@giatec.example"  # GET changes nothing
    response = client.post(url, follow=True)
    assert "erased from the record and its history" in response.content.decode()
    assert not Contact.history.filter(email="pouria@giatec.example").exists()
    assert Contact.history.filter(id=contact.pk).first().history_user == admin_user


def test_admin_history_page_query_count_does_not_grow_with_versions(client, admin_user, django_assert_max_num_queries):
    # Guards against a query per version (its user or a related organization fetched lazily to show the diff).
    contact = ContactFactory()
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_history", args=[contact.pk])

    def edit(times):
        for n in range(times):
            contact.organization = OrganizationFactory()
            contact._history_user = UserFactory()
            contact.save()

    edit(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    edit(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_privacy_export_query_count_does_not_grow_with_the_persons_records(client, admin_user, django_assert_max_num_queries):
    # Guards against a query per interaction, participation, publication or history row in the export.
    contact = ContactFactory()
    client.force_login(admin_user)
    url = reverse("admin:partners_contact_privacy_export", args=[contact.pk])

    def add(times):
        for _ in range(times):
            InteractionFactory(organization=contact.organization, contacts=[contact])
            ParticipantFactory(contact=contact)
            contact._history_user = UserFactory()
            contact.save()

    add(1)
    with django_assert_max_num_queries(20) as few:
        assert client.post(url).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(json.loads(client.post(url).content)["interactions"]) == 11
