"""Load the seed fixture into a database that has none of it; never overwrite what people edited."""
from django.core.management import call_command
from django.core.management.base import BaseCommand

from partners.models import SourceDocument


class Command(BaseCommand):
    help = "Load fixtures/seed.json (and its first history versions) unless the seed data is already there."

    def handle(self, *args, **options):
        # Reloading the fixture would put the documents' values back over every correction made since.
        if SourceDocument.objects.exists():
            self.stdout.write("Seed data already loaded: left as it is.")
            return
        call_command("loaddata", "seed", verbosity=0)
        call_command("populate_history", auto=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Seed data loaded from the documents in fixtures/seed.json."))
