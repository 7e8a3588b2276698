"""Likely duplicates: the keys, the pairs, and that finding them costs a fixed number of queries."""
import pytest

from partners.duplicate_keys import annotate_website_domain, organization_match_key, website_domain
from partners.models import Organization
from partners.selectors_duplicates import (
    contact_duplicate_pairs,
    contacts_like,
    organization_duplicate_pairs,
    organizations_like,
)
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, key",
    [
        ("Giatec Scientific Inc.", "giatec scientific"),
        ("Hydro-Québec", "hydro quebec"),
        ("Element AI Ltd", "element ai"),
        ("Sama Ltée", "sama"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Foo S.A.R.L.", "foo"),
        ("Statistics Canada", "statistics canada"),
        ("Inc", "inc"),
    ],
)
def test_match_key_sets_aside_case_accents_punctuation_and_legal_form(name, key):
    assert organization_match_key(name) == key


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://www.Mila.quebec/en/partners", "mila.quebec"),
        ("http://mila.quebec", "mila.quebec"),
        ("https://statcan.gc.ca:443/fr", "statcan.gc.ca"),
        ("", ""),
    ],
)
def test_website_domain_in_python_and_sql_agree(url, domain):
    organization = OrganizationFactory(website=url)
    assert website_domain(url) == domain
    stored = annotate_website_domain(Organization.objects.filter(pk=organization.pk)).values_list("domain_key", flat=True)
    assert list(stored) == [domain]


def test_organization_pairs_by_name_with_legal_suffix_and_by_domain():
    giatec = OrganizationFactory(name="Giatec Scientific")
    giatec_inc = OrganizationFactory(name="Giatec Scientific Inc.")
    mila = OrganizationFactory(name="Mila", website="https://mila.quebec")
    institute = OrganizationFactory(name="Quebec AI Institute", website="http://www.mila.quebec/en")
    OrganizationFactory(name="Sama", website="https://sama.com")
    archived = OrganizationFactory(name="Giatec Scientific Ltd")
    archived.archived_at = archived.created_at
    archived.save()

    pairs = organization_duplicate_pairs()

    assert [(p.first, p.second, p.reasons) for p in pairs] == [
        (giatec, giatec_inc, ["name"]),
        (mila, institute, ["website"]),
    ]


def test_contact_pairs_by_email_and_by_name_within_one_organization():
    statcan = OrganizationFactory(name="Statistics Canada")
    anil = ContactFactory(first_name="Anil", last_name="Arora", organization=statcan, email="anil@statcan.gc.ca")
    anil_again = ContactFactory(first_name="anil", last_name="ARORA ", organization=statcan, email="")
    by_mail = ContactFactory(first_name="A.", last_name="Arora", email="Anil@StatCan.gc.ca")
    ContactFactory(first_name="Anil", last_name="Arora")  # same name elsewhere: another person

    pairs = {(p.first.pk, p.second.pk): p.reasons for p in contact_duplicate_pairs()}

    assert pairs == {(anil.pk, anil_again.pk): ["full_name"], (anil.pk, by_mail.pk): ["email"]}


def test_finding_pairs_costs_the_same_queries_for_many_records(django_assert_max_num_queries):
    for n in range(30):
        organization = OrganizationFactory(name=f"Company {n}", website=f"https://company{n % 10}.ca")
        ContactFactory(organization=organization, email=f"p{n % 7}@example.org")
    # Prevents one query per record or per pair: the grouping happens in SQL.
    with django_assert_max_num_queries(4):
        assert len(organization_duplicate_pairs()) == 20
        assert len(contact_duplicate_pairs()) == 23


def test_organizations_like_finds_the_record_a_person_is_retyping():
    giatec = OrganizationFactory(name="Giatec Scientific Inc.", website="https://www.giatec.ca")
    assert list(organizations_like(name="GIATEC scientific")) == [giatec]
    assert list(organizations_like(name="Other", website="giatec.ca/fr")) == [giatec]
    assert list(organizations_like(name="Giatec Scientific", exclude_pk=giatec.pk)) == []


def test_contacts_like_matches_email_in_any_case_and_name_at_the_same_organization():
    anil = ContactFactory(first_name="Anil", last_name="Arora", email="anil@statcan.gc.ca")
    assert list(contacts_like(first_name="X", last_name="Y", email="ANIL@statcan.gc.ca")) == [anil]
    assert list(contacts_like(first_name="anil", last_name="arora", organization=anil.organization)) == [anil]
    assert list(contacts_like(first_name="anil", last_name="arora", organization=OrganizationFactory())) == []


def test_every_legal_form_is_set_aside_in_sql_as_in_python():
    from partners.duplicate_keys import LEGAL_SUFFIXES

    names = ["Acme", "Acme Inc.", "ACME Ltée", "Acme Corp", "Acme S.A.R.L.", "Acme, Limited", "Acme GmbH", "Acme Co."]
    assert {suffix for suffix in ("inc", "ltee", "corp", "s a r l", "limited", "gmbh", "co")} <= set(LEGAL_SUFFIXES)
    created = [OrganizationFactory(name=name) for name in names]
    assert {organization_match_key(name) for name in names} == {"acme"}
    assert list(organizations_like(name="acme").order_by("pk")) == created
    assert [pair.second for pair in organization_duplicate_pairs()] == created[1:]


def test_namesakes_at_other_organizations_are_not_even_loaded():
    from django.db.models.signals import post_init

    from partners.models import Contact

    office = OrganizationFactory(name="Mila")
    twice = [ContactFactory(organization=office, first_name="Chloé", last_name="Bergeron") for _ in range(2)]
    for _ in range(10):
        ContactFactory(first_name="Chloé", last_name="Bergeron")  # each at an organization of their own
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance.pk)

    post_init.connect(count, sender=Contact)
    try:
        pairs = contact_duplicate_pairs()
    finally:
        post_init.disconnect(count, sender=Contact)
    assert [(pair.first, pair.second) for pair in pairs] == [tuple(twice)]
    # Only the two who share the name at one organization: at scale L the namesakes were 287,000 rows.
    assert sorted(loaded) == sorted(c.pk for c in twice)
