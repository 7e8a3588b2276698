"""Backup and restore: every row of every table comes back identical, on SQLite and PostgreSQL."""
import gzip
import json

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from partners import services
from partners.backup import BackupError, database_backup, database_restore
from partners.models import Organization
from tests.factories import ContactFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def every_row():
    """Each model's rows as value dicts, sorted by pk, across every installed app.

    The tables behind plain many-to-many fields are compared by their links: their own id is
    an implementation detail that a restore is free to renumber.
    """
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        values = list(model._base_manager.values())
        if model._meta.auto_created:
            values = sorted(({k: v for k, v in row.items() if k != "id"} for row in values), key=lambda r: sorted(r.items()))
        else:
            values.sort(key=lambda row: row[model._meta.pk.attname])
        rows[model._meta.label] = values
    return rows


def empty_migrated_database():
    """Empty every table, then re-create content types and permissions as `migrate` would."""
    # The test's own transaction still has foreign-key checks pending; PostgreSQL truncates only once they ran.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def lived_in_database(seeded, client, team_user):
    """The seed plus what months of use leave behind: edits, history, sessions, locks, admin log."""
    call_command("populate_history", "--auto", verbosity=0)
    organization = Organization.objects.get(name__icontains="Statistics Canada")
    contact = ContactFactory(organization=organization, first_name="Élodie", notes="Café ☕ «quote»")
    services.interaction_log(
        organization=organization, author=team_user, kind="call", subject="Renewal", contacts=[contact]
    )
    organization.city = "Ottawa"
    services.record_save(instance=organization, expected_version=organization.version)
    services.contact_archive(contact=contact, by=team_user)
    client.post(reverse("login"), {"username": "someone-else", "password": "wrong"})
    client.force_login(team_user)
    LogEntry.objects.create(
        user=team_user, content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(organization.pk), object_repr=str(organization), action_flag=CHANGE, change_message="[]",
    )


def test_round_trip_restores_every_row_of_every_table(lived_in_database, tmp_path):
    before = every_row()
    for label in ["auth.User", "auth.Group", "partners.HistoricalOrganization", "partners.Interaction",
                  "axes.AccessAttempt", "sessions.Session", "admin.LogEntry", "contenttypes.ContentType"]:
        assert before[label], f"the fixture must put rows in {label}"
    backup = tmp_path / "crm.jsonl.gz"

    database_backup(path=backup)
    empty_migrated_database()
    assert every_row() != before
    database_restore(path=backup)

    assert every_row() == before


def test_restored_database_takes_new_rows_after_the_restored_ones(lived_in_database, tmp_path):
    highest = Organization.objects.order_by("-pk").values_list("pk", flat=True).first()
    database_backup(path=tmp_path / "crm.jsonl.gz")
    empty_migrated_database()
    database_restore(path=tmp_path / "crm.jsonl.gz")
    assert OrganizationFactory().pk > highest


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    OrganizationFactory(name="Keep me")
    database_backup(path=tmp_path / "crm.jsonl.gz")
    OrganizationFactory(name="Typed after the backup")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "crm.jsonl.gz"))
    assert Organization.objects.count() == 2


def test_restore_with_force_replaces_everything(tmp_path):
    OrganizationFactory(name="Keep me")
    database_backup(path=tmp_path / "crm.jsonl.gz")
    OrganizationFactory(name="Typed after the backup")
    call_command("restore", str(tmp_path / "crm.jsonl.gz"), "--force", verbosity=0)
    assert list(Organization.objects.values_list("name", flat=True)) == ["Keep me"]


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(tmp_path):
    UserFactory(username="already-here")
    not_gzip = tmp_path / "notes.txt"
    not_gzip.write_text("hello")
    with pytest.raises(BackupError, match="Not a Partner CRM backup"):
        database_restore(path=not_gzip, force=True)
    wrong_header = tmp_path / "other.jsonl.gz"
    with gzip.open(wrong_header, "wt") as stream:
        stream.write(json.dumps({"format": "something else"}) + "\n")
    with pytest.raises(BackupError, match="Not a Partner CRM backup"):
        database_restore(path=wrong_header, force=True)
    assert apps.get_model("auth", "User").objects.filter(username="already-here").exists()


def test_a_backup_cut_short_restores_nothing(tmp_path):
    OrganizationFactory(name="Before")
    backup = tmp_path / "crm.jsonl.gz"
    database_backup(path=backup)
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])
    OrganizationFactory(name="Typed after the backup")
    with pytest.raises(BackupError, match="cannot be read"):
        database_restore(path=backup, force=True)
    assert sorted(Organization.objects.values_list("name", flat=True)) == ["Before", "Typed after the backup"]


def test_backup_from_a_newer_schema_is_refused(tmp_path):
    backup = tmp_path / "crm.jsonl.gz"
    database_backup(path=backup)
    with gzip.open(backup, "rt") as stream:
        header, rest = json.loads(stream.readline()), stream.read()
    header["migrations"].append("partners.9999_future")
    with gzip.open(backup, "wt") as stream:
        stream.write(json.dumps(header) + "\n" + rest)
    with pytest.raises(BackupError, match="partners.9999_future"):
        database_restore(path=backup, force=True)


def test_backup_command_says_what_it_wrote(tmp_path, capsys):
    OrganizationFactory()
    call_command("backup", str(tmp_path / "crm.jsonl.gz"))
    assert "Backed up" in capsys.readouterr().out
    assert AccessAttempt.objects.count() == 0
