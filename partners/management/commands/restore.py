"""`manage.py restore FILE`: load a backup into an empty, migrated database (all or nothing)."""
from django.core.management.base import BaseCommand, CommandError

from partners.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Load a backup written by `backup` into this (migrated, empty) database; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by `manage.py backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace everything in a database that already holds data"
        )

    def handle(self, *args, file, force, **options):
        try:
            counts = database_restore(path=file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(counts.values())} rows from {file}."))
