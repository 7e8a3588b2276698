# PostgreSQL: the names table gets an index of the active partners in name order (partners.search.NAMES);
# ensure_index rebuilds the table with it where it is missing. On SQLite there is nothing new.
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
