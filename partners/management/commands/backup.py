"""`manage.py backup FILE`: every row of every table into one portable gzip JSON Lines file."""
from django.core.management.base import BaseCommand

from partners.backup import database_backup


class Command(BaseCommand):
    help = "Write every row of every table to FILE (gzip-compressed JSON Lines), restorable with `restore`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. backups/crm-2026-11-30.jsonl.gz")

    def handle(self, *args, file, **options):
        counts = database_backup(path=file)
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {sum(counts.values())} rows of {len(counts)} tables to {file}.")
        )
