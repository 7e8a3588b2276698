"""Model validation, database constraints and deletion protection."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from partners.models import Agreement, Collaboration, Interaction, Organization, normalize_name
from tests.factories import (
    AgreementFactory,
    CollaborationFactory,
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_normalize_name_folds_case_accents_and_punctuation():
    assert normalize_name("  Université de MONTRÉAL ") == normalize_name("universite de montreal")
    assert normalize_name("Hydro-Québec") == "hydro quebec"


def test_organization_name_differing_only_in_case_or_accents_is_refused():
    OrganizationFactory(name="Université de Montréal")
    clash = Organization(name="universite de montreal", kind=Organization.Kind.ACADEMIC)
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "name" in error.value.message_dict


def test_database_refuses_a_duplicate_name_key_even_without_validation():
    OrganizationFactory(name="Giatec")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="GIATEC", kind=Organization.Kind.INDUSTRY)


def test_collaboration_end_before_start_is_refused_at_the_field():
    collaboration = Collaboration(
        title="X", kind=Collaboration.Kind.WORKSHOP, start_on=datetime.date(2026, 5, 1), end_on=datetime.date(2026, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        collaboration.full_clean()
    assert list(error.value.message_dict) == ["end_on"]


def test_agreement_end_before_start_is_refused_by_the_database_too():
    agreement = AgreementFactory.build(
        organization=OrganizationFactory(), start_on=datetime.date(2026, 5, 1), end_on=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        agreement.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_follow_up_before_its_interaction_is_refused():
    interaction = InteractionFactory.build(
        organization=OrganizationFactory(),
        author=InteractionFactory().author,
        occurred_on=datetime.date(2026, 11, 10),
        follow_up_on=datetime.date(2026, 11, 9),
    )
    with pytest.raises(ValidationError) as error:
        interaction.full_clean()
    assert list(error.value.message_dict) == ["follow_up_on"]


@pytest.mark.parametrize(
    "make_dependent",
    [
        lambda org: InteractionFactory(organization=org),
        lambda org: CollaborationFactory(organizations=[org]),
        lambda org: AgreementFactory(organization=org),
        lambda org: ContactFactory(organization=org),
    ],
    ids=["interaction", "collaboration", "agreement", "contact"],
)
def test_deleting_an_organization_with_history_is_refused(make_dependent):
    organization = OrganizationFactory()
    make_dependent(organization)
    with pytest.raises(ProtectedError):
        organization.delete()
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_with_engagement_counts_without_double_counting():
    organization = OrganizationFactory()
    ContactFactory.create_batch(2, organization=organization)
    InteractionFactory(organization=organization, occurred_on=datetime.date(2026, 1, 5))
    InteractionFactory(organization=organization, occurred_on=datetime.date(2026, 3, 7))
    CollaborationFactory(organizations=[organization])
    CollaborationFactory(organizations=[organization], status=Collaboration.Status.COMPLETED)
    row = Organization.objects.with_engagement().get(pk=organization.pk)
    assert (row.contact_count, row.interaction_count, row.active_collaboration_count) == (2, 2, 1)
    assert row.last_interaction_on == datetime.date(2026, 3, 7)


def test_overdue_follow_ups_exclude_done_and_future_ones():
    due = InteractionFactory(occurred_on=datetime.date(2026, 11, 1), follow_up_on=datetime.date(2026, 11, 5))
    InteractionFactory(occurred_on=datetime.date(2026, 11, 1), follow_up_on=datetime.date(2026, 11, 5), follow_up_done=True)
    InteractionFactory(occurred_on=datetime.date(2026, 11, 1), follow_up_on=datetime.date(2026, 12, 5))
    assert list(Interaction.objects.overdue(datetime.date(2026, 11, 23))) == [due]


def test_every_model_has_a_readable_str():
    organization = OrganizationFactory(name="Giatec")
    assert str(organization) == "Giatec"
    assert str(ContactFactory(first_name="Anil", last_name="Arora", organization=organization)) == "Anil Arora"
    assert str(AgreementFactory(organization=organization, kind=Agreement.Kind.RENEWAL)) == "Giatec – Renewal"


def test_engagement_and_record_counts_leave_out_archived_contacts():
    organization = OrganizationFactory()
    ContactFactory(organization=organization)
    ContactFactory(organization=organization, archived_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc))
    assert Organization.objects.with_engagement().get(pk=organization.pk).contact_count == 1
    assert Organization.objects.with_record_counts().get(pk=organization.pk).contact_count == 1
