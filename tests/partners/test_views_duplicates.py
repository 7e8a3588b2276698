"""Duplicate warnings on the forms, the duplicates page, merging and undoing through the pages."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from partners.models import Contact, Interaction, Organization
from partners.models_merges import Merge
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merger(db):
    """A team member an admin granted the merge permission."""
    user = UserFactory(username="merger", group="Partnerships team")
    user.user_permissions.add(Permission.objects.get(codename="merge_records"))
    return user


def test_new_organization_like_an_existing_one_warns_links_and_keeps_the_input(client, team_user):
    giatec = OrganizationFactory(name="Giatec Scientific", website="https://www.giatec.ca")
    client.force_login(team_user)
    typed = {"name": "Giatec Scientific Inc.", "kind": "industry", "status": "partner", "website": "https://giatec.ca/en"}

    response = client.post(reverse("partners:organization-create"), typed)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This looks like an organization already recorded" in page
    assert reverse("partners:organization-detail", args=[giatec.pk]) in page
    assert 'value="Giatec Scientific Inc."' in page and 'name="save_anyway"' in page
    assert Organization.objects.count() == 1

    response = client.post(reverse("partners:organization-create"), {**typed, "save_anyway": "on"})
    assert response.status_code == 302
    assert Organization.objects.count() == 2


def test_organization_form_shows_no_tick_box_when_nothing_looks_alike(client, team_user):
    client.force_login(team_user)
    assert 'name="save_anyway"' not in client.get(reverse("partners:organization-create")).content.decode()


def test_new_contact_with_a_known_email_warns_until_saved_anyway(client, team_user):
    anil = ContactFactory(first_name="Anil", last_name="Arora", email="anil@statcan.gc.ca")
    client.force_login(team_user)
    typed = {"first_name": "A.", "last_name": "Arora", "organization": anil.organization.pk, "email": "ANIL@statcan.gc.ca"}

    response = client.post(reverse("partners:contact-create"), typed)

    page = response.content.decode()
    assert "This looks like a person already recorded" in page
    assert reverse("partners:contact-detail", args=[anil.pk]) in page and 'value="A."' in page
    assert Contact.objects.count() == 1
    assert client.post(reverse("partners:contact-create"), {**typed, "save_anyway": "on"}).status_code == 302
    assert Contact.objects.count() == 2


def test_editing_a_record_does_not_warn_about_itself(client, team_user):
    anil = ContactFactory(first_name="Anil", last_name="Arora", email="anil@statcan.gc.ca")
    client.force_login(team_user)
    response = client.post(
        reverse("partners:contact-update", args=[anil.pk]),
        {"first_name": "Anil", "last_name": "Arora", "organization": anil.organization.pk, "email": anil.email,
         "phone": "514", "version": anil.version},
    )
    assert response.status_code == 302


def test_read_only_users_see_the_duplicates_but_no_merge_button(client, readonly_user):
    OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    client.force_login(readonly_user)
    page = client.get(reverse("partners:duplicate-list")).content.decode()
    assert "Sama Inc." in page and "same name" in page
    assert ">Merge<" not in page


def test_merge_page_needs_the_merge_permission(client, team_user, admin_user):
    first, second = OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    url = reverse("partners:merge", args=["organization", first.pk, second.pk])
    client.force_login(team_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"keep": first.pk}).status_code == 403
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_merging_through_the_pages_keeps_every_interaction_and_can_be_undone(client, merger):
    keep, remove = OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    InteractionFactory(organization=keep), InteractionFactory(organization=remove)
    client.force_login(merger)
    url = reverse("partners:merge", args=["organization", keep.pk, remove.pk])
    page = client.get(url).content.decode()
    assert "Keep this one" in page and "Sama Inc." in page

    response = client.post(url, {"keep": keep.pk})

    assert response.status_code == 302 and response["Location"] == reverse("partners:organization-detail", args=[keep.pk])
    assert Interaction.objects.filter(organization=keep).count() == 2
    merge = Merge.objects.get()
    duplicates = client.get(reverse("partners:duplicate-list")).content.decode()
    assert "Sama Inc." in duplicates and reverse("partners:merge-undo", args=[merge.pk]) in duplicates

    client.post(reverse("partners:merge-undo", args=[merge.pk]))
    assert Interaction.objects.filter(organization=remove).count() == 1
    assert not Organization.objects.get(pk=remove.pk).is_archived


def test_merge_without_a_choice_or_refused_says_why_and_changes_nothing(client, merger):
    keep = ContactFactory(first_name="Anil", last_name="Arora", email="a@statcan.gc.ca")
    other = ContactFactory(first_name="Anil", last_name="Arora", email="a@statcan.gc.ca")  # another organization
    client.force_login(merger)
    url = reverse("partners:merge", args=["contact", keep.pk, other.pk])

    response = client.post(url, {})
    assert response.status_code == 400 and "Choose the record that stays." in response.content.decode()
    response = client.post(url, {"keep": keep.pk})
    assert response.status_code == 400 and "same organization" in response.content.decode()
    assert not Merge.objects.exists() and Contact.objects.active().count() == 2


def test_refused_undo_shows_the_reason(client, merger):
    keep, remove = OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    client.force_login(merger)
    client.post(reverse("partners:merge", args=["organization", keep.pk, remove.pk]), {"keep": keep.pk})
    keep.refresh_from_db()
    keep.city = "Ottawa"
    keep.save()
    response = client.post(reverse("partners:merge-undo", args=[Merge.objects.get().pk]), follow=True)
    assert "edited after the merge" in response.content.decode()
    assert Organization.objects.get(pk=remove.pk).is_archived


def test_duplicates_page_query_count_is_constant(client, merger, django_assert_max_num_queries):
    for n in range(15):
        first = OrganizationFactory(name=f"Company {n}")
        OrganizationFactory(name=f"Company {n} Inc.")
        ContactFactory(organization=first, email=f"p{n}@example.org")
        ContactFactory(organization=first, email=f"P{n}@example.org")
    client.force_login(merger)
    # Prevents one query per pair or per record (names, organizations and counts come with the rows).
    with django_assert_max_num_queries(12):
        page = client.get(reverse("partners:duplicate-list")).content.decode()
    assert page.count(">Merge<") == 30


def test_duplicates_page_lists_a_bounded_number_of_pairs_and_says_how_many_there_are(client, merger, monkeypatch):
    from partners.views import duplicates

    monkeypatch.setattr(duplicates, "PAIRS_SHOWN", 2)
    for name in ["Beta", "Alpha", "Gamma"]:
        OrganizationFactory(name=name), OrganizationFactory(name=f"{name} Inc.")
    ContactFactory(email="anil@example.org"), ContactFactory(email="ANIL@example.org")
    client.force_login(merger)
    response = client.get(reverse("partners:duplicate-list"))
    assert [pair.first.name for pair in response.context["organization_pairs"]] == ["Alpha", "Beta"]
    page = response.content.decode()
    assert page.count("The first 2 of 3 pairs are listed; merge them to see the next ones.") == 1
    assert page.count(">Merge<") == 2  # the two people work for different organizations


def test_merge_page_query_count_is_constant(client, merger, django_assert_max_num_queries):
    keep, remove = OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    for _ in range(10):
        InteractionFactory(organization=remove)
        ContactFactory(organization=remove)
    client.force_login(merger)
    # Prevents one query per moved row: counts are aggregated in the query that loads both records.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("partners:merge", args=["organization", keep.pk, remove.pk])).status_code == 200


def test_people_of_different_organizations_are_listed_without_a_merge_button(client, merger):
    ContactFactory(email="anil@statcan.gc.ca"), ContactFactory(email="ANIL@statcan.gc.ca")
    client.force_login(merger)
    page = client.get(reverse("partners:duplicate-list")).content.decode()
    assert "same email" in page and "Different organizations" in page
    assert ">Merge<" not in page


def test_merge_page_answers_403_before_looking_up_the_records(client, team_user):
    assert client.force_login(team_user) is None
    assert client.get(reverse("partners:merge", args=["organization", 999998, 999999])).status_code == 403


def test_the_number_of_pairs_is_grouped_like_other_counts(rf, merger):
    from django.template.loader import render_to_string

    from partners.selectors_duplicates import DuplicatePair

    first, second = OrganizationFactory(name="Sama"), OrganizationFactory(name="Sama Inc.")
    html = render_to_string("partners/includes/_duplicate_pairs.html",
                            {"pairs": [DuplicatePair(first, second, ["name"])], "kind": "organization", "total": 1800})
    assert "The first 1 of 1,800 pairs are listed" in html
