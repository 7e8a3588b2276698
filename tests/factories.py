"""factory_boy factories for the partners domain."""
import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Sector
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Sector {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Program
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Program {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = models.Organization.Kind.INDUSTRY
    status = models.Organization.Status.PARTNER
    city = "Montreal"
    country = "Canada"

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        if create and extracted:
            self.programs.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    title = "Director"
    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Collaboration
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Collaboration {n}")
    kind = models.Collaboration.Kind.APPLIED_RESEARCH
    status = models.Collaboration.Status.ACTIVE

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            for organization in extracted:
                models.CollaborationPartner.objects.create(collaboration=self, organization=organization)


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EventSeries
        django_get_or_create = ["name"]

    name = "Partner-exclusive Job and Internship Fair"
    frequency = "Twice a year"
    partner_exclusive = True


class InternshipFairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InternshipFair

    series = factory.SubFactory(EventSeriesFactory)
    name = factory.Sequence(lambda n: f"Fair edition {n}")
    season = models.InternshipFair.Season.FALL
    year = 2026
    held_on = datetime.date(2026, 10, 15)


class FairParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FairParticipation

    fair = factory.SubFactory(InternshipFairFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = models.FairParticipation.Status.REGISTERED


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interaction
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    author = factory.SubFactory(UserFactory)
    kind = models.Interaction.Kind.CALL
    subject = factory.Sequence(lambda n: f"Call number {n}")
    occurred_on = datetime.date(2026, 11, 2)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        if create and extracted:
            self.contacts.set(extracted)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agreement

    organization = factory.SubFactory(OrganizationFactory)
    kind = models.Agreement.Kind.PARTNERSHIP
    status = models.Agreement.Status.ACTIVE
    start_on = datetime.date(2025, 1, 1)
    end_on = datetime.date(2027, 12, 31)


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publication

    title = factory.Sequence(lambda n: f"Paper {n}")
    venue = "NeurIPS"
    year = 2026


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participant

    collaboration = factory.SubFactory(CollaborationFactory)
    contact = factory.SubFactory(ContactFactory)
    role = "Principal investigator"
