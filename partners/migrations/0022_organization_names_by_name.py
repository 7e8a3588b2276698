# PostgreSQL: the names table (partners.search.NAMES) gets an index of the active partners in name order and
# marks the partners in a collaboration, kept by triggers on their links, with an index of their own names;
# ensure_index rebuilds the table with them where they are missing. On SQLite there is nothing new.
from django.db import migrations


def create_search_index(apps, schema_editor):
    from partners.search import ensure_index

    ensure_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0021_organization_id_archived_name"),
    ]

    operations = [
        migrations.RunPython(create_search_index, migrations.RunPython.noop),
    ]
