"""Logging interactions, editing one's own, closing follow-ups, and the home page."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Interaction
from tests.factories import AgreementFactory, ContactFactory, InteractionFactory, InternshipFairFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_logging_an_interaction_records_author_contacts_and_follow_up(client, team_user):
    organization = OrganizationFactory(name="Statistics Canada")
    anil = ContactFactory(organization=organization, first_name="Anil", last_name="Arora")
    client.force_login(team_user)
    response = client.post(
        reverse("partners:interaction-create", args=[organization.pk]),
        {"kind": "call", "occurred_on": "2026-11-23", "subject": "Renewal call", "notes": "Went well",
         "contacts": [anil.pk], "follow_up_on": "2026-11-30"},
        follow=True,
    )
    interaction = Interaction.objects.get()
    assert (interaction.author, interaction.subject, interaction.follow_up_on) == (team_user, "Renewal call", datetime.date(2026, 11, 30))
    assert list(interaction.contacts.all()) == [anil]
    assert response.redirect_chain[-1][0] == organization.get_absolute_url()
    assert "Interaction “Renewal call” logged." in response.content.decode()


def test_date_defaults_to_today(client, team_user):
    organization = OrganizationFactory()
    client.force_login(team_user)
    form = client.get(organization.get_absolute_url()).context["interaction_form"]
    assert form["occurred_on"].value() == timezone.localdate()


def test_bad_interaction_input_keeps_what_was_typed_and_saves_nothing(client, team_user):
    organization = OrganizationFactory()
    client.force_login(team_user)
    response = client.post(
        reverse("partners:interaction-create", args=[organization.pk]),
        {"kind": "call", "occurred_on": "2026-11-23", "subject": "Keep me", "follow_up_on": "2026-11-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The follow-up cannot be before the interaction." in page
    assert 'value="Keep me"' in page
    assert not Interaction.objects.exists()


def test_contacts_of_another_organization_are_refused(client, team_user):
    organization = OrganizationFactory()
    stranger = ContactFactory()
    client.force_login(team_user)
    response = client.post(
        reverse("partners:interaction-create", args=[organization.pk]),
        {"kind": "call", "occurred_on": "2026-11-23", "subject": "X", "contacts": [stranger.pk]},
    )
    assert response.status_code == 200 and not Interaction.objects.exists()


def test_only_the_author_edits_an_interaction_and_authorship_is_kept(client, team_user, django_user_model):
    from tests.factories import UserFactory

    interaction = InteractionFactory(author=team_user, subject="Old")
    created_at = interaction.created_at
    client.force_login(team_user)
    url = reverse("partners:interaction-update", args=[interaction.pk])
    client.post(url, {"kind": "meeting", "occurred_on": "2026-11-02", "subject": "New", "version": interaction.version})
    interaction.refresh_from_db()
    assert (interaction.subject, interaction.author, interaction.created_at) == ("New", team_user, created_at)
    colleague = UserFactory(group="Partnerships team")
    client.force_login(colleague)
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "call", "occurred_on": "2026-11-02", "subject": "Hijack"}).status_code == 403


def test_marking_a_follow_up_done_is_one_post_and_can_be_undone(client, team_user):
    interaction = InteractionFactory(author=team_user, follow_up_on=datetime.date(2026, 12, 1))
    client.force_login(team_user)
    url = reverse("partners:follow-up-done", args=[interaction.pk])
    response = client.post(url, {"next": "/"})
    assert response["Location"] == "/"
    interaction.refresh_from_db()
    assert interaction.follow_up_done
    client.post(url, {"done": "0"})
    interaction.refresh_from_db()
    assert not interaction.follow_up_done


def test_follow_up_done_refuses_get_and_foreign_next(client, team_user):
    interaction = InteractionFactory(follow_up_on=datetime.date(2026, 12, 1))
    client.force_login(team_user)
    url = reverse("partners:follow-up-done", args=[interaction.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == interaction.organization.get_absolute_url()


def test_read_only_user_cannot_log_or_close_follow_ups(client, readonly_user):
    interaction = InteractionFactory(follow_up_on=datetime.date(2026, 12, 1))
    client.force_login(readonly_user)
    assert client.post(reverse("partners:interaction-create", args=[interaction.organization_id]),
                       {"kind": "call", "occurred_on": "2026-11-23", "subject": "X"}).status_code == 403
    assert client.post(reverse("partners:follow-up-done", args=[interaction.pk])).status_code == 403
    assert Interaction.objects.count() == 1


def test_home_groups_my_follow_ups_and_lists_cooling_partners_and_renewals(client, team_user):
    today = timezone.localdate()
    InteractionFactory(author=team_user, subject="Late one", occurred_on=today - datetime.timedelta(days=20),
                       follow_up_on=today - datetime.timedelta(days=2))
    InteractionFactory(author=team_user, subject="Far one", occurred_on=today, follow_up_on=today + datetime.timedelta(days=30))
    InteractionFactory(subject="Someone else's", occurred_on=today, follow_up_on=today + datetime.timedelta(days=1))
    cold = OrganizationFactory(name="Cold Partner")
    InteractionFactory(organization=cold, occurred_on=today - datetime.timedelta(days=120))
    AgreementFactory(organization=cold, start_on=today - datetime.timedelta(days=300), end_on=today + datetime.timedelta(days=30))
    fair = InternshipFairFactory(name="Fall fair", held_on=today + datetime.timedelta(days=10))
    client.force_login(team_user)
    context = client.get(reverse("partners:home")).context
    assert [i.subject for i in context["overdue"]] == ["Late one"]
    assert [i.subject for i in context["later"]] == ["Far one"]
    assert "Someone else's" not in str([*context["this_week"], *context["later"]])
    assert "Cold Partner" in [o.name for o in context["cooling"]]
    assert [a.organization.name for a in context["agreements_ending"]] == ["Cold Partner"]
    assert list(context["upcoming_fairs"]) == [fair]


def test_home_lists_never_contacted_partners_first_then_the_coldest(client, team_user):
    # As the directory's "last interaction" sort does, whichever database runs (they put NULL apart).
    today = timezone.localdate()
    for name, days in [("Cold", 120), ("Colder", 400)]:
        InteractionFactory(organization=OrganizationFactory(name=name), occurred_on=today - datetime.timedelta(days=days))
    InteractionFactory(organization=OrganizationFactory(name="Warm"), occurred_on=today - datetime.timedelta(days=10))
    OrganizationFactory(name="Never")
    client.force_login(team_user)
    assert [o.name for o in client.get(reverse("partners:home")).context["cooling"]] == ["Never", "Colder", "Cold"]


def test_home_query_count_is_constant(client, team_user, django_assert_max_num_queries):
    # Guards against a query per follow-up or per cooling partner.
    today = timezone.localdate()
    client.force_login(team_user)

    def make(n):
        for _ in range(n):
            InteractionFactory(author=team_user, occurred_on=today - datetime.timedelta(days=200),
                               follow_up_on=today + datetime.timedelta(days=1))
            AgreementFactory(end_on=today + datetime.timedelta(days=5), start_on=today - datetime.timedelta(days=5))

    make(1)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("partners:home"))
    make(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("partners:home"))


def test_home_links_to_all_cooling_partners_in_the_directory(client, team_user):
    OrganizationFactory(name="Cold Partner")
    client.force_login(team_user)
    page = client.get(reverse("partners:home")).content.decode()
    since = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    link = f"/partners/?status=partner&amp;last_interaction_before={since}"
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).context["object_list"]
    assert [o.name for o in listed] == ["Cold Partner"]
