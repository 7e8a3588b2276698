"""The import_records command: large files from the shell, same checks, all or nothing."""
import pytest
from django.utils import translation
from django.core.management import CommandError, call_command

from partners.models import Organization
from partners.models_imports import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def test_command_imports_with_a_progress_bar_and_records_the_batch(tmp_path, admin_user, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text("Company name;Company Domain Name;City\nGiatec;giatec.ca;Ottawa\nSama;sama.com;Montreal\n", encoding="utf-8-sig")
    call_command("import_records", str(path), "--type", "organizations")
    out, err = capsys.readouterr()
    assert "2 created, 0 updated, 0 unchanged" in out
    assert "Writing [" in err and "2/2" in err
    assert set(Organization.objects.values_list("name", flat=True)) == {"Giatec", "Sama"}
    assert ImportBatch.objects.get().user == admin_user


def test_command_reports_errors_and_writes_nothing(tmp_path, admin_user, capsys):
    path = tmp_path / "orgs.csv"
    path.write_text("name,employees\nGiatec,12\nSama,many\nGiatec,3\n")
    with pytest.raises(CommandError, match="2 errors: nothing was imported"):
        call_command("import_records", str(path), "--type", "organizations")
    err = capsys.readouterr().err
    assert "row 3, column employees" in err and "row 4, column -: Same organization as row 2" in err
    assert not Organization.objects.exists()
    assert not ImportBatch.objects.exists()


def test_command_names_missing_columns(tmp_path, admin_user):
    path = tmp_path / "contacts.csv"
    path.write_text("Email,City\nx@example.org,Laval\n")
    with pytest.raises(CommandError, match="No column for first_name, last_name, organization"):
        call_command("import_records", str(path), "--type", "contacts", "--user", admin_user.username)
