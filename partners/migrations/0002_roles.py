"""Create the staff roles: "Partnerships team" (writes) and "Read-only"."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_MODELS = [
    "organization", "contact", "collaboration", "collaborationpartner", "participant",
    "internshipfair", "fairparticipation", "interaction", "agreement", "publication",
    "figure", "eventseries", "sourcedocument", "sector", "program", "researcharea",
]
TEAM_WRITES = {
    "interaction": ["add", "change"],
    "organization": ["add", "change"],
    "contact": ["add", "change"],
    "collaboration": ["add", "change"],
    "collaborationpartner": ["add", "change", "delete"],
    "participant": ["add", "change", "delete"],
    "fairparticipation": ["add", "change"],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="partners", codename__in=[f"view_{m}" for m in READ_MODELS]
    )
    writes = Permission.objects.filter(
        content_type__app_label="partners",
        codename__in=[f"{action}_{model}" for model, actions in TEAM_WRITES.items() for action in actions],
    )
    read_only, _ = Group.objects.get_or_create(name="Read-only")
    read_only.permissions.set(view)
    team, _ = Group.objects.get_or_create(name="Partnerships team")
    team.permissions.set(list(view) + list(writes))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Read-only", "Partnerships team"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
