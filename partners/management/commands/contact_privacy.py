"""Answer a privacy request (Quebec's Law 25) for one contact: export what we hold, or anonymize."""
from django.core.management.base import BaseCommand, CommandError

from partners.models import Contact
from partners.services import contact_anonymize, contact_export_json


class Command(BaseCommand):
    help = (
        "export: print (or write to --output) everything held about a contact as JSON. "
        "anonymize: erase the contact's name, email, phone, title and notes from the record and its history."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "anonymize"])
        parser.add_argument("contact_id", type=int)
        parser.add_argument("--output", help="File to write the export to (default: standard output).")
        parser.add_argument("--yes", action="store_true", help="Anonymize without asking (it cannot be undone).")

    def handle(self, *args, action, contact_id, output=None, yes=False, **options):
        try:
            contact = Contact.objects.get(pk=contact_id)
        except Contact.DoesNotExist:
            raise CommandError(f"No contact with id {contact_id}.")
        if action == "export":
            text = contact_export_json(contact=contact)
            if output:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                self.stderr.write(f"Wrote the personal data of contact {contact_id} to {output}.")
            else:
                self.stdout.write(text)
            return
        if not yes:
            raise CommandError("Anonymizing cannot be undone; run again with --yes to confirm.")
        contact_anonymize(contact=contact)
        self.stdout.write(self.style.SUCCESS(f"Contact {contact_id} anonymized, history included."))
