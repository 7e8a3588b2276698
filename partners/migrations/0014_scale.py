"""Indexes for the directory and the keyset timeline, and the search index (trigram GIN or FTS5)."""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def create_search_index(apps, schema_editor):
    from partners.search import ensure_index

    ensure_index(using=schema_editor.connection.alias)


def drop_search_index(apps, schema_editor):
    from partners.search import drop_index

    drop_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0010_history_versions_archive"),
    ]

    operations = [
        # Does nothing outside PostgreSQL.
        TrigramExtension(),
        migrations.RemoveIndex(model_name="interaction", name="interaction_org_date"),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(fields=["organization", "-occurred_on", "-id"], name="interaction_org_timeline"),
        ),
        migrations.AddIndex(model_name="organization", index=models.Index(fields=["name"], name="organization_name")),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["status", "name"], name="organization_status_name"),
        ),
        migrations.AddIndex(
            model_name="organization", index=models.Index(fields=["kind", "name"], name="organization_kind_name")
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
