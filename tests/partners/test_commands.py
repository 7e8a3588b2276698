"""Management commands behind `make run`, and the role groups the migration creates."""
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

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
