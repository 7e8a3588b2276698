"""The seed fixture holds what the documents say, with their relations and provenance."""
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from partners.models import (
    Agreement,
    Collaboration,
    Contact,
    EventSeries,
    Figure,
    InternshipFair,
    Organization,
    Publication,
    SourceDocument,
    Tracked,
    normalize_name,
)

pytestmark = pytest.mark.django_db
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def person(first, last):
    return Contact.objects.select_related("organization").get(first_name=first, last_name=last)


def test_people_work_where_and_as_the_documents_say(seeded):
    assert person("Anil", "Arora").organization.name == "Statistics Canada"
    assert person("Anil", "Arora").title == "Chief Statistician"
    assert person("Wendy", "Gonzalez").organization.name == "Sama"
    assert person("Wendy", "Gonzalez").title == "CEO"
    assert person("Shahysta", "Hassim").organization.name == "SmartOne"
    assert person("Stéphane", "Létourneau").title == "Executive Vice-President"
    mila = Organization.objects.get(short_name="Mila")
    assert mila.kind == Organization.Kind.HOME
    assert set(mila.contacts.values_list("last_name", flat=True)) == {"Bengio", "Létourneau", "Luccioni", "Gagné"}


def test_applied_research_collaborations_name_their_partners(seeded):
    applied = Collaboration.objects.filter(kind=Collaboration.Kind.APPLIED_RESEARCH)
    partners = {c.title: sorted(o.name for o in c.organizations.all()) for c in applied}
    assert partners == {
        "Solar irradiance forecasting": ["Institut de recherche d'Hydro-Québec"],
        "Reinforcement learning for a telemedicine chatbot": ["Dialogue Technologies"],
        "Predicting rock composition from reflection seismology": [
            "Geological Survey of Canada",
            "Natural Resources Canada",
        ],
        "Concrete performance prediction and optimization": ["Giatec"],
    }
    giatec = Collaboration.objects.get(organizations__name="Giatec")
    assert giatec.start_year == 2019 and giatec.start_on is None
    assert "deployed a product" in giatec.outcomes


def test_geological_survey_sits_inside_natural_resources_canada(seeded):
    gsc = Organization.objects.get(name="Geological Survey of Canada")
    assert gsc.parent.name == "Natural Resources Canada"
    assert gsc.kind == Organization.Kind.GOVERNMENT


def test_iccv_workshop_names_its_people_and_organizations(seeded):
    workshop = Publication.objects.get(kind=Publication.Kind.WORKSHOP)
    assert workshop.venue == "ICCV"
    assert workshop.year is None  # the press release does not date the workshop
    assert {a.full_name for a in workshop.authors.all()} == {"Sasha Luccioni", "Christian Gagné"}
    assert {o.name for o in workshop.organizations.all()} == {"Sama", "Mila - Quebec Artificial Intelligence Institute"}
    roles = {p.contact.last_name: p.role for p in workshop.collaboration.participants.all()}
    assert set(roles) == {"Luccioni", "Gagné"}


def test_sama_partnership_began_in_2019_and_was_renewed_in_december_2021(seeded):
    sama = Organization.objects.get(name="Sama")
    assert sama.partner_since == 2019
    renewal = sama.agreements.get(kind=Agreement.Kind.RENEWAL)
    assert renewal.announced_on == datetime.date(2021, 12, 2)
    assert renewal.start_on is None and renewal.end_on is None
    assert {p.name for p in sama.programs.all()} == {"Industry partnership program", "AI for Humanity"}


def test_fair_series_is_biannual_and_partner_exclusive_without_invented_editions(seeded):
    fairs = EventSeries.objects.get(name__icontains="Job and Internship Fair")
    assert fairs.frequency == "Twice a year"
    assert fairs.partner_exclusive
    assert InternshipFair.objects.count() == 0  # no edition is named in the documents


def test_headline_figures_are_dated_facts_with_sources(seeded):
    partners = Figure.objects.filter(metric=Figure.Metric.INDUSTRY_PARTNERS)
    assert {(f.value, f.qualifier) for f in partners} == {(70, Figure.Qualifier.AT_LEAST)}
    assert {f.source.file_name for f in partners} == {"002_325289f79df3e83c.txt", "004_e48a501e4a5d06b6.txt"}
    sama_count = Figure.objects.get(metric=Figure.Metric.RESEARCHERS, value=750)
    assert sama_count.stated_on == datetime.date(2021, 12, 2)
    assert Figure.objects.get(metric=Figure.Metric.STARTUPS_SUPPORTED, source__file_name="002_325289f79df3e83c.txt").value == 39
    assert Figure.objects.get(metric=Figure.Metric.SHORT_TERM_INTERVENTIONS, source__file_name="002_325289f79df3e83c.txt").value == 12


def test_customers_named_in_a_press_release_are_not_partners(seeded):
    for customer in ["Google", "NVIDIA", "GM", "Walmart"]:
        assert not Organization.objects.filter(name__iexact=customer).exists()


def test_every_seeded_record_names_its_source_document(seeded):
    for model in apps.get_app_config("partners").get_models():
        if issubclass(model, Tracked):
            missing = model.objects.filter(sources__isnull=True)
            assert not missing.exists(), f"{model.__name__} without a source: {list(missing)}"


def test_source_documents_are_the_seed_files(seeded):
    names = set(SourceDocument.objects.values_list("file_name", flat=True))
    if SEEDS.is_dir():
        assert names == {p.name for p in SEEDS.glob("*.txt")}
    assert len(names) == 5


def test_unknown_dates_stay_empty(seeded):
    assert not Organization.objects.filter(name="Statistics Canada", partner_since__isnull=False).exists()
    assert SourceDocument.objects.get(file_name="001_e86094251208980b.txt").published_on is None
    assert not Collaboration.objects.filter(start_on__isnull=False).exists()


def test_name_keys_in_the_fixture_match_the_names(seeded):
    for organization in Organization.objects.all():
        assert organization.name_key == normalize_name(organization.name)


def test_loading_the_seed_twice_changes_nothing(seeded):
    from django.core.management import call_command

    before = (Organization.objects.count(), Contact.objects.count(), Collaboration.objects.count())
    call_command("loaddata", "seed", verbosity=0)
    assert (Organization.objects.count(), Contact.objects.count(), Collaboration.objects.count()) == before
