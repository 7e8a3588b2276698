"""Indexes for the directory and the keyset timeline, and the search index (trigram GIN or FTS5).

The search index is created by partners.search.ensure_index (pg_trgm and its GIN indexes on PostgreSQL;
FTS5 tables and their triggers on SQLite), which post_migrate also runs; Django's TrigramExtension
operation is not used because its reverse fails on SQLite.
"""
from django.db import migrations, models

ACTIVE = models.Q(archived_at__isnull=True)


def create_search_index(apps, schema_editor):
    from partners.search import ensure_index

    ensure_index(using=schema_editor.connection.alias)


def drop_search_index(apps, schema_editor):
    from partners.search import drop_index

    drop_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0012_merges"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="interaction", name="interaction_org_date"),
        migrations.AddIndex(
            model_name="interaction",
            index=models.Index(fields=["organization", "-occurred_on", "-id"], name="interaction_org_timeline"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["name"], name="organization_name", condition=ACTIVE),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["status", "name"], name="organization_status_name", condition=ACTIVE),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["kind", "name"], name="organization_kind_name", condition=ACTIVE),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
