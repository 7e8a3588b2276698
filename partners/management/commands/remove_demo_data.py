"""Remove every synthetic record in one go, leaving real data untouched."""
from django.core.management.base import BaseCommand

from partners import demo_data


class Command(BaseCommand):
    help = "Delete all records marked synthetic (and anything attached to a synthetic partner)."

    def handle(self, *args, **options):
        removed = demo_data.remove()
        summary = ", ".join(f"{n} {name}" for name, n in removed.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Removed {summary or 'nothing'}."))
