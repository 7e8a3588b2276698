"""Import pages: who may use them, the upload → mapping → preview → confirm steps, undo."""
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Organization
from partners.models_imports import ImportBatch
from partners.services_imports import import_run
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = b"Company name,Company Domain Name,City\nGiatec,giatec.ca,Gatineau\nNew Co,newco.ai,Laval\n"


def upload(client, content=CSV, name="partners.csv", kind="organizations"):
    return client.post(reverse("partners:import-upload"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


@pytest.fixture
def importer(db):
    user = UserFactory(username="importer", group="Partnerships team")
    user.user_permissions.add(Permission.objects.get(codename="import_records"))
    return user


def test_team_member_without_the_permission_gets_403_and_no_nav_link(client, team_user):
    client.force_login(team_user)
    assert client.get(reverse("partners:import-list")).status_code == 403
    assert upload(client).status_code == 403
    assert reverse("partners:import-list") not in client.get(reverse("partners:home")).content.decode()


def test_granted_permission_shows_the_nav_link(client, importer):
    client.force_login(importer)
    assert reverse("partners:import-list") in client.get(reverse("partners:home")).content.decode()


def test_upload_prefills_the_mapping_and_the_preview_writes_nothing(client, admin_user):
    OrganizationFactory(name="Giatec", website="https://giatec.ca", city="Ottawa")
    client.force_login(admin_user)
    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("partners:import-mapping", args=[batch.pk])
    assert batch.mapping == {"0": "name", "1": "website", "2": "city"}
    page = client.get(response.url).content.decode()
    assert 'value="website" selected' in page
    response = client.post(response.url, {"column_0": "name", "column_1": "website", "column_2": "city"})
    preview = client.get(response.url)
    assert [row.action for row in preview.context["plan"].rows] == ["update", "create"]
    assert Organization.objects.count() == 1
    assert Organization.objects.get().city == "Ottawa"


def test_mapping_without_a_required_field_is_refused(client, admin_user):
    client.force_login(admin_user)
    upload(client)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("partners:import-mapping", args=[batch.pk]), {"column_2": "city"})
    assert response.status_code == 200
    assert "Choose a column for: name." in response.content.decode()
    assert ImportBatch.objects.get().mapping == {"0": "name", "1": "website", "2": "city"}


def test_confirm_imports_and_shows_the_result(client, admin_user):
    client.force_login(admin_user)
    upload(client)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("partners:import-confirm", args=[batch.pk]), follow=True)
    assert "2 created, 0 updated, 0 unchanged" in response.content.decode()
    assert Organization.objects.count() == 2
    assert client.get(reverse("partners:import-list")).context["object_list"][0] == batch


def test_bad_file_is_answered_on_the_upload_page_keeping_the_kind(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, content=b"name,city\n", kind="contacts")
    assert response.status_code == 200
    assert "The file has headings but no rows to import." in response.content.decode()
    assert response.context["form"]["kind"].value() == "contacts"
    assert not ImportBatch.objects.exists()


def test_file_over_50_mb_is_refused_before_it_is_read(client, admin_user, tmp_path):
    client.force_login(admin_user)
    big = tmp_path / "big.csv"
    with big.open("wb") as out:
        out.write(b"name\n" + b"Organization name\n" * (50 * 1024 * 1024 // 18 + 2))
    with big.open("rb") as handle:
        response = client.post(reverse("partners:import-upload"), {"kind": "organizations", "file": handle})
    assert "files up to 50 MB can be imported" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_preview_flags_errors_offers_the_csv_report_and_no_import_button(client, admin_user):
    client.force_login(admin_user)
    upload(client, content=b"name,employees\nGood,3\n=HYPERLINK(\"x\"),many\n")
    batch = ImportBatch.objects.get()
    page = client.get(reverse("partners:import-preview", args=[batch.pk])).content.decode()
    assert "Column “employees”:" in page
    assert "Import now" not in page
    report = client.get(reverse("partners:import-errors", args=[batch.pk]))
    lines = b"".join(report.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Error"
    assert lines[1].startswith("3,employees,")
    assert not any(line.startswith(("=", "3,employees,=")) for line in lines)
    assert client.post(reverse("partners:import-confirm", args=[batch.pk])).status_code == 302
    assert not Organization.objects.exists()


def test_someone_elses_draft_is_not_found(client, admin_user):
    other = UserFactory(username="other", is_superuser=True)
    client.force_login(other)
    upload(client)
    client.force_login(admin_user)
    batch = ImportBatch.objects.get()
    assert client.get(reverse("partners:import-preview", args=[batch.pk])).status_code == 404


def test_undo_button_takes_the_import_back(client, admin_user):
    client.force_login(admin_user)
    upload(client)
    batch = import_run(batch=ImportBatch.objects.get())
    response = client.post(reverse("partners:import-undo", args=[batch.pk]), follow=True)
    assert "undone" in response.content.decode()
    assert not Organization.objects.exists()


def test_import_list_query_count_stays_flat(client, admin_user, django_assert_max_num_queries):
    # Prevents one query per import row (the user, the undone-by user) as the list grows.
    client.force_login(admin_user)
    for n in range(20):
        ImportBatch.objects.create(user=admin_user, file_name=f"f{n}.csv", kind="organizations", status="done")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("partners:import-list")).status_code == 200


def test_preview_query_count_does_not_grow_with_the_file(client, admin_user, django_assert_max_num_queries):
    # Prevents a lookup per row in the preview: a 20,000-row file would otherwise send 20,000 queries.
    OrganizationFactory.create_batch(20)
    client.force_login(admin_user)
    upload(client, content=b"name,city\n" + b"".join(b"Org %d,Laval\n" % n for n in range(400)))
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partners:import-preview", args=[batch.pk])).status_code == 200


BAD_FILES = {
    "empty": ("empty.csv", b"", "The submitted file is empty."),
    "blank lines only": ("blank.csv", b"\r\n ,\r\n", "The file is empty."),
    "headings only": ("h.csv", b"Company name,City\r\n", "The file has headings but no rows to import."),
    "text named xlsx": ("partners.xlsx", b"name,city\nGiatec,Ottawa\n", "is not an Excel workbook"),
    "mixed encodings": ("m.csv", "name\nQuébec\n".encode() + "Montréal\n".encode("cp1252"), "The file mixes two encodings"),
    "10,000 columns": ("w.csv", b"name,city\nGiatec,Ottawa\n" + b",".join([b"x"] * 10_000), "Row 3 has 10000 columns"),
}


@pytest.mark.parametrize("name, content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_each_bad_file_gets_a_clear_message_and_nothing_is_kept(client, admin_user, name, content, message):
    client.force_login(admin_user)
    response = upload(client, content=content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Organization.objects.exists()


def test_duplicate_rows_in_one_file_are_flagged_in_the_preview_and_block_the_import(client, admin_user):
    client.force_login(admin_user)
    upload(client, content=b"name,city\nGiatec,Ottawa\nSama,Montreal\ngiatec,Ottawa\n")
    batch = ImportBatch.objects.get()
    page = client.get(reverse("partners:import-preview", args=[batch.pk])).content.decode()
    assert "Same organization as row 2" in page
    client.post(reverse("partners:import-confirm", args=[batch.pk]))
    assert not Organization.objects.exists()


def test_xlsx_upload_imports_formulas_as_text(client, admin_user):
    from tests.partners.test_importing import xlsx

    client.force_login(admin_user)
    upload(client, content=xlsx([["Company name", "City"], ["=1+1", "=A1"]]), name="partners.xlsx")
    import_run(batch=ImportBatch.objects.get())
    assert list(Organization.objects.values_list("name", "city")) == [("=1+1", "=A1")]


def test_import_detail_query_count_is_constant(client, admin_user, django_assert_max_num_queries):
    # Prevents the result page from loading the imported records one by one.
    client.force_login(admin_user)
    upload(client, content=b"name\n" + b"".join(b"Org %d\n" % n for n in range(50)))
    batch = import_run(batch=ImportBatch.objects.get())
    with django_assert_max_num_queries(5):
        assert client.get(batch.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "method, name",
    [("get", "import-list"), ("get", "import-upload"), ("get", "import-detail"), ("get", "import-mapping"),
     ("get", "import-preview"), ("get", "import-errors"), ("post", "import-confirm"), ("post", "import-undo")],
)
def test_every_import_page_refuses_users_without_the_permission(client, admin_user, team_user, method, name):
    batch = ImportBatch.objects.create(user=team_user, file_name="f.csv", kind="organizations", content=CSV)
    client.force_login(team_user)
    url = reverse(f"partners:{name}") if name in ("import-list", "import-upload") else reverse(f"partners:{name}", args=[batch.pk])
    assert getattr(client, method)(url).status_code == 403
    assert ImportBatch.objects.get().status == "draft"


def test_mapping_page_query_count_does_not_grow_with_the_file(client, admin_user, django_assert_max_num_queries):
    # Prevents the mapping page from touching the database per column or per row.
    client.force_login(admin_user)
    upload(client, content=b"name,city,notes\n" + b"".join(b"Org %d,Laval,x\n" % n for n in range(300)))
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("partners:import-mapping", args=[batch.pk])).status_code == 200
