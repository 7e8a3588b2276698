"""Management commands behind `make run`, and the role groups the migration creates."""
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from partners.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_user_is_created_once_and_printed(capsys):
    call_command("ensure_demo_user")
    first = capsys.readouterr().out
    assert "user 'demo'" in first and "password 'demo-partner-crm'" in first
    call_command("ensure_demo_user")
    assert get_user_model().objects.filter(username="demo").count() == 1
    user = authenticate(username="demo", password="demo-partner-crm")
    assert user is not None and user.is_superuser
    assert user.groups.filter(name="Partnerships team").exists()


def test_role_groups_grant_reads_to_both_and_writes_to_the_team_only():
    team = Group.objects.get(name="Partnerships team")
    read_only = Group.objects.get(name="Read-only")
    team_perms = set(team.permissions.values_list("codename", flat=True))
    read_perms = set(read_only.permissions.values_list("codename", flat=True))
    assert {"view_organization", "view_interaction", "view_figure"} <= read_perms
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in read_perms)
    assert {"add_interaction", "change_interaction", "change_organization", "add_contact",
            "change_collaboration", "add_fairparticipation"} <= team_perms
    assert "delete_organization" not in team_perms


def test_contact_privacy_exports_to_a_file_and_anonymizes_only_when_confirmed(tmp_path):
    import json

    from django.core.management.base import CommandError

    from partners.models import Contact
    from tests.factories import ContactFactory

    contact = ContactFactory(first_name="Pouria", email="pouria@giatec.example")
    target = tmp_path / "export.json"
    call_command("contact_privacy", "export", str(contact.pk), output=str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["contact"]["first_name"] == "Pouria"

    with pytest.raises(CommandError, match="--yes"):
        call_command("contact_privacy", "anonymize", str(contact.pk))
    assert Contact.objects.get(pk=contact.pk).email == "pouria@giatec.example"
    call_command("contact_privacy", "anonymize", str(contact.pk), yes=True)
    assert not Contact.history.filter(email="pouria@giatec.example").exists()
    with pytest.raises(CommandError, match="No contact"):
        call_command("contact_privacy", "export", "999999")


def test_seed_is_loaded_once_and_a_second_run_keeps_corrections(capsys):
    call_command("load_seed")
    statcan = Organization.objects.get(name="Statistics Canada")
    assert statcan.history.count() == 1  # its first version, so later edits have something to compare with
    Organization.objects.filter(pk=statcan.pk).update(city="Gatineau (corrected)")
    call_command("load_seed")
    assert Organization.objects.get(pk=statcan.pk).city == "Gatineau (corrected)"
    assert "already loaded" in capsys.readouterr().out
