"""Data entry through the admin: registrations, validation messages, protection, query counts."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from partners.models import Interaction, Organization
from partners.models_merges import Merge
from partners.services_merges import merge_undo, organization_merge
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    ContactFactory,
    FairParticipationFactory,
    InteractionFactory,
    OrganizationFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def test_every_partners_model_is_registered():
    # Historical models are shown through their record's admin (SimpleHistoryAdmin).
    missing = [m.__name__ for m in apps.get_app_config("partners").get_models()
               if m not in admin.site._registry and m.__name__ not in {"CollaborationPartner", "Participant"}
               and not m.__name__.startswith("Historical")]
    assert missing == []


def make_rows(n):
    for _ in range(n):
        organization = OrganizationFactory(parent=OrganizationFactory())
        ContactFactory(organization=organization)
        InteractionFactory(organization=organization)
        AgreementFactory(organization=organization)
        CollaborationFactory(organizations=[organization])
        FairParticipationFactory(organization=organization)
        PublicationFactory()


@pytest.mark.parametrize(
    "model",
    ["organization", "contact", "collaboration", "interaction", "agreement", "fairparticipation", "internshipfair", "publication"],
)
def test_changelist_query_count_does_not_grow_with_rows(client, admin_user, model, django_assert_max_num_queries):
    # Guards against a query per row (missing list_select_related or an unannotated count).
    client.force_login(admin_user)
    url = reverse(f"admin:partners_{model}_changelist")
    make_rows(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    make_rows(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_admin_refuses_a_name_differing_only_in_accents_and_keeps_the_input(client, admin_user):
    OrganizationFactory(name="Université de Montréal")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:partners_organization_add"),
        {
            "name": "UNIVERSITE DE MONTREAL",
            "kind": "academic",
            "status": "partner",
            "city": "Montréal",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
            "agreements-TOTAL_FORMS": "0", "agreements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.context["adminform"].form.errors["name"][0]
    assert 'value="UNIVERSITE DE MONTREAL"' in response.content.decode()
    assert Organization.objects.count() == 1


def test_admin_refuses_a_follow_up_before_the_interaction(client, admin_user):
    organization = OrganizationFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:partners_interaction_add"),
        {
            "organization": organization.pk,
            "occurred_on": "2026-11-20",
            "kind": "call",
            "subject": "Renewal call",
            "author": admin_user.pk,
            "follow_up_on": "2026-11-19",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["follow_up_on"]
    assert not Interaction.objects.exists()


def test_admin_refuses_to_delete_an_organization_with_interactions_and_says_why(client, admin_user):
    interaction = InteractionFactory(subject="Kick-off meeting")
    organization = interaction.organization
    client.force_login(admin_user)
    url = reverse("admin:partners_organization_delete", args=[organization.pk])
    page = client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "Kick-off meeting" in page
    client.post(url, {"post": "yes"})
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_organization_change_page_has_contact_and_agreement_inlines(client, admin_user):
    organization = OrganizationFactory()
    ContactFactory(organization=organization, last_name="Arora")
    client.force_login(admin_user)
    response = client.get(reverse("admin:partners_organization_change", args=[organization.pk]))
    assert [formset.opts.model.__name__ for formset in response.context["inline_admin_formsets"]] == ["Contact", "Agreement"]
    assert "Arora" in response.content.decode()


def test_a_merge_record_cannot_be_deleted_so_it_can_always_be_undone(client, admin_user):
    merge = organization_merge(
        keep=OrganizationFactory(name="Giatec"), remove=OrganizationFactory(name="Giatec Inc."), user=admin_user
    )
    client.force_login(admin_user)
    # Prevents losing the snapshot undo restores from, one by one or with the bulk action.
    for method in (client.get, client.post):
        assert method(reverse("admin:partners_merge_delete", args=[merge.pk]), {"post": "yes"}).status_code == 403
    form = client.get(reverse("admin:partners_merge_changelist")).context["action_form"]
    assert form is None or "delete_selected" not in [name for name, _ in form.fields["action"].choices]
    merge_undo(merge=Merge.objects.get(pk=merge.pk), user=admin_user)
    assert Organization.objects.filter(name="Giatec Inc.", archived_at__isnull=True).exists()
