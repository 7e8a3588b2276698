"""Create (once) the local demo login and print it."""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-partner-crm"


class Command(BaseCommand):
    help = "Create the local demo login (an admin in the Partnerships team) if missing, and print it."

    def handle(self, *args, **options):
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"first_name": "Demo", "last_name": "User", "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name="Partnerships team"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: http://127.0.0.1:8000/  user '{DEMO_USERNAME}'  password '{DEMO_PASSWORD}'"
                + ("" if created else "  (existing account; password unchanged)")
            )
        )
