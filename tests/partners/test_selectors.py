"""A record's change history: who, when, which fields from what to what; and the partial that shows it."""
import datetime

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from partners.models import Contact, Organization
from partners.selectors import history_for
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit(record, user=None, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def test_history_shows_who_changed_which_fields_from_what_to_what(team_user):
    organization = OrganizationFactory(status=Organization.Status.PROSPECT, city="Montreal")
    edit(organization, team_user, status=Organization.Status.PARTNER, city="Quebec", partner_since=2024)
    changed, created = history_for(organization)
    assert (changed.kind_label, changed.user) == ("Changed", team_user)
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("city", "Montreal", "Quebec"),
        ("partnership status", "Prospect", "Partner"),
        ("partner since (year)", None, 2024),
    ]
    assert created.kind_label == "Created"
    assert ("name", None, organization.name) in [(c.label, c.before, c.after) for c in created.changes]


def test_history_names_related_records_and_formats_dates_and_flags():
    contact = ContactFactory(organization=OrganizationFactory(name="Sama"))
    edit(contact, organization=OrganizationFactory(name="Giatec"), is_primary=True)
    interaction = InteractionFactory(occurred_on=datetime.date(2026, 11, 2))
    edit(interaction, follow_up_on=datetime.date(2026, 12, 1))
    assert [(c.label, c.before, c.after) for c in history_for(contact)[0].changes] == [
        ("organization", "Sama", "Giatec"),
        ("primary contact", "no", "yes"),
    ]
    assert [(c.before, c.after) for c in history_for(interaction)[0].changes] == [(None, "Dec. 1, 2026")]


def test_history_compares_the_oldest_shown_version_with_the_one_before_it():
    organization = OrganizationFactory(city="A")
    for city in ("B", "C", "D"):
        edit(organization, city=city)
    shown = history_for(organization, limit=2)
    assert [[(c.before, c.after) for c in entry.changes] for entry in shown] == [[("C", "D")], [("B", "C")]]


def test_history_says_when_the_version_before_was_never_recorded(seeded):
    # loaddata saves raw rows, which the history does not record; the first edit has nothing to compare with.
    organization = Organization.objects.get(short_name="IREQ")
    edit(organization, city="Varennes")
    (entry,) = history_for(organization)
    assert entry.changes is None


def test_populate_history_after_loading_the_seed_gives_every_record_its_first_version(seeded):
    call_command("populate_history", "--auto", verbosity=0)
    organization = Organization.objects.get(short_name="IREQ")
    edit(organization, city="Varennes")
    changed, created = history_for(organization)
    assert [c.after for c in changed.changes] == ["Varennes"]
    assert Contact.history.count() == Contact.objects.count()
    call_command("loaddata", "seed", verbosity=0)  # loading again still works beside the history


def test_history_reads_in_one_query_whatever_the_number_of_versions(django_assert_max_num_queries):
    # Guards against a query per version (the user, the organization or the previous version fetched lazily).
    contact = ContactFactory()
    users = UserFactory.create_batch(3)
    for n in range(3):
        edit(contact, users[n % 3], organization=OrganizationFactory(), title=f"Role {n}")
    with django_assert_max_num_queries(1) as few:
        entries = history_for(contact)
        [(e.user and e.user.get_full_name(), [c.after for c in e.changes]) for e in entries]
    for n in range(30):
        edit(contact, users[n % 3], organization=OrganizationFactory(), title=f"Role {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        entries = history_for(contact, limit=25)
        [(e.user and e.user.get_full_name(), [c.after for c in e.changes]) for e in entries]
    assert len(entries) == 25


def test_history_partial_shows_each_change_with_its_author_escaped(team_user):
    organization = OrganizationFactory(city="Montreal", description="")
    edit(organization, team_user, city="Laval", description="<script>alert(1)</script>")
    html = render_to_string("partners/includes/_history.html", {"history": history_for(organization)})
    assert "by Tess Team" in html
    assert "Changed" in html and "Created" in html
    assert '<td class="history-before">Montreal</td>' in html
    assert '<td class="history-after">Laval</td>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_history_partial_has_an_empty_state():
    html = render_to_string("partners/includes/_history.html", {"history": []})
    assert "No change has been recorded yet" in html


def test_history_partial_speaks_french(team_user):
    organization = OrganizationFactory(status=Organization.Status.PROSPECT)
    edit(organization, team_user, status=Organization.Status.PARTNER)
    with translation.override("fr"):
        html = render_to_string("partners/includes/_history.html", {"history": history_for(organization)})
    assert "Historique" in html and "Modifié" in html and "par Tess Team" in html and "Avant" in html
