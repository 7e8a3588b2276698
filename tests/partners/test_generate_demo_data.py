"""The synthetic data generator: deterministic, marked synthetic, removed in one command."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from partners import demo_data
from partners.models import (
    Agreement,
    Collaboration,
    Contact,
    FairParticipation,
    Interaction,
    InternshipFair,
    Organization,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 30)


def snapshot():
    return (
        list(Organization.objects.order_by("pk").values_list("name", "kind", "status", "city", "partner_since")),
        list(Contact.objects.order_by("pk").values_list("first_name", "last_name", "email", "organization__name")),
        list(Interaction.objects.order_by("pk").values_list("organization__name", "occurred_on", "kind", "subject")),
        list(Collaboration.objects.order_by("pk").values_list("title", "status")),
    )


def test_same_seed_gives_the_same_records_and_another_seed_does_not():
    demo_data.generate(organizations=40, contacts=100, interactions=300, seed=3, today=DAY)
    first = snapshot()
    demo_data.remove()
    demo_data.generate(organizations=40, contacts=100, interactions=300, seed=3, today=DAY)
    assert snapshot() == first
    demo_data.remove()
    demo_data.generate(organizations=40, contacts=100, interactions=300, seed=4, today=DAY)
    assert snapshot() != first


def test_counts_spreads_and_synthetic_flag():
    counts = demo_data.generate(organizations=200, contacts=600, interactions=3000, seed=1, today=DAY)
    assert (Organization.objects.count(), Contact.objects.count(), Interaction.objects.count()) == (200, 600, 3000)
    assert counts["collaborations"] == Collaboration.objects.count() == 10
    assert Agreement.objects.exists() and InternshipFair.objects.exists() and FairParticipation.objects.exists()
    for model in (Organization, Contact, Interaction, Collaboration, Agreement, InternshipFair, FairParticipation):
        assert not model.objects.filter(is_synthetic=False).exists()
    assert Organization.objects.values("kind").distinct().count() >= 4
    dates = Interaction.objects.order_by("occurred_on").values_list("occurred_on", flat=True)
    assert (dates.last() - dates.first()).days > 3000
    # A few very active partners and a long tail.
    busiest = Organization.objects.with_engagement().order_by("-interaction_count")
    top = sum(o.interaction_count for o in busiest[:10])
    assert top > 3000 * 0.25
    assert busiest[100].interaction_count < 3000 / 200


def test_generated_records_bypass_the_change_history():
    demo_data.generate(organizations=10, contacts=10, interactions=10, seed=1, today=DAY)
    assert Organization.history.count() == 0 and Interaction.history.count() == 0
    assert set(Organization.objects.values_list("version", flat=True)) == {1}


def test_removal_leaves_the_seed_data_intact(seeded):
    real = (Organization.objects.count(), Contact.objects.count(), Collaboration.objects.count())
    call_command("generate_demo_data", organizations=50, contacts=100, interactions=500, seed=2, verbosity=0)
    assert Organization.objects.count() == real[0] + 50
    call_command("remove_demo_data", verbosity=0)
    assert (Organization.objects.count(), Contact.objects.count(), Collaboration.objects.count()) == real
    assert not Interaction.objects.filter(is_synthetic=True).exists()


def test_generating_twice_needs_clear():
    call_command("generate_demo_data", organizations=5, contacts=5, interactions=5, verbosity=0)
    with pytest.raises(CommandError, match="--clear"):
        call_command("generate_demo_data", organizations=5, contacts=5, interactions=5, verbosity=0)
    call_command("generate_demo_data", organizations=7, contacts=5, interactions=5, clear=True, verbosity=0)
    assert Organization.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_generated_tables_are_ready_for_index_only_scans():
    call_command("generate_demo_data", organizations=50, contacts=60, interactions=400, verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Vacuumed: every page is marked all-visible, so index-only scans skip the table.
            cursor.execute("SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s) "
                           "ORDER BY relname", [["partners_collaborationpartner", "partners_interaction"]])
            tables = cursor.fetchall()
            assert [name for name, _, _ in tables] == ["partners_collaborationpartner", "partners_interaction"]
            assert all(pages > 0 and visible == pages for _, pages, visible in tables), tables
        else:
            cursor.execute("SELECT tbl FROM sqlite_stat1 WHERE tbl = 'partners_interaction'")
            assert cursor.fetchall(), "the planner has no statistics for the generated interactions"


def test_generated_records_are_found_by_search():
    from partners import search

    demo_data.generate(organizations=30, contacts=30, interactions=30, seed=5, today=DAY)
    name = Organization.objects.order_by("pk").first().name
    assert name in [o.name for o in search.organizations(Organization.objects.all(), name)]
