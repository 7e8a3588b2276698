# PostgreSQL: organizations' names searched in a narrow table of their own, kept in sync by triggers
# (partners.search.NAMES). ensure_index creates what is missing; on SQLite there is nothing new.
from django.db import migrations


def create_search_index(apps, schema_editor):
    from partners.search import ensure_index

    ensure_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0017_collaboration_partner_indexes"),
    ]

    operations = [
        migrations.RunPython(create_search_index, migrations.RunPython.noop),
    ]
