"""Imports in the admin: the batch page links to its records instead of listing them all."""
import pytest
from django.urls import reverse

from partners.importing.mapping import suggest_mapping
from partners.importing.readers import read_table
from partners.models_imports import ImportBatch
from partners.services_imports import import_run

pytestmark = pytest.mark.django_db


def imported(user, rows):
    text = "name,kind\n" + "".join(f"Imported {rows}-{n},industry\n" for n in range(rows))
    table = read_table(text.encode(), "partners.csv")
    mapping = suggest_mapping("organizations", table.headings)
    batch = ImportBatch(user=user, kind="organizations", file_name="partners.csv", mapping=mapping)
    return import_run(batch=batch, table=table)


def admin_actions(client, changelist):
    """The names of the actions a changelist offers (none at all: no action form)."""
    form = client.get(reverse(changelist)).context["action_form"]
    return [] if form is None else [name for name, _ in form.fields["action"].choices]


def test_batch_page_links_to_its_records_filtered_by_the_batch(client, admin_user):
    batch = imported(admin_user, 3)
    imported(admin_user, 2)
    client.force_login(admin_user)
    page = client.get(reverse("admin:partners_importbatch_change", args=[batch.pk])).content.decode()
    link = reverse("admin:partners_importedrecord_changelist") + f"?batch__id__exact={batch.pk}"
    assert f'<a href="{link}">3 records</a>' in page
    listed = client.get(link)
    assert listed.status_code == 200
    assert {record.batch_id for record in listed.context["cl"].result_list} == {batch.pk}
    assert listed.context["cl"].result_count == 3
    assert "Record type" in listed.content.decode()


def test_batch_page_query_count_does_not_grow_with_the_records(client, admin_user, django_assert_max_num_queries):
    small, large = imported(admin_user, 2), imported(admin_user, 60)
    client.force_login(admin_user)
    url = reverse("admin:partners_importbatch_change", args=[small.pk])
    client.get(url)
    with django_assert_max_num_queries(100) as baseline:
        client.get(url)
    # Prevents listing every imported record on the batch page (one row, and its type, per record).
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("admin:partners_importbatch_change", args=[large.pk]))
    assert "60 records" in response.content.decode()


def test_an_import_stays_while_an_upload_never_imported_can_be_deleted(client, admin_user):
    done = imported(admin_user, 2)
    draft = ImportBatch.objects.create(user=admin_user, kind="organizations", file_name="never-imported.csv")
    client.force_login(admin_user)
    # Prevents deleting what undo restores from, one by one or in bulk.
    for method in (client.get, client.post):
        assert method(reverse("admin:partners_importbatch_delete", args=[done.pk]), {"post": "yes"}).status_code == 403
        record = done.records.first()
        assert method(reverse("admin:partners_importedrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert "delete_selected" not in admin_actions(client, "admin:partners_importbatch_changelist")
    assert ImportBatch.objects.filter(pk=done.pk).exists() and done.records.count() == 2

    response = client.post(reverse("admin:partners_importbatch_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ImportBatch.objects.filter(pk=draft.pk).exists()
