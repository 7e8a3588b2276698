"""Generate synthetic partners, contacts and interactions for demos and benchmarks."""
import time

from django.core.management.base import BaseCommand, CommandError

from partners import demo_data


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic data (every record marked synthetic). "
        "Scale S: --organizations 1000 --contacts 3000 --interactions 10000; "
        "scale L: --organizations 100000 --contacts 300000 --interactions 1000000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--contacts", type=int, default=3000)
        parser.add_argument("--interactions", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--clear", action="store_true", help="Remove existing synthetic data first.")

    def handle(self, *args, **options):
        if min(options["organizations"], options["contacts"], options["interactions"]) < 1:
            raise CommandError("Counts must be at least 1.")
        started = time.perf_counter()
        if options["clear"]:
            demo_data.remove()
        elif demo_data.synthetic_exists():
            raise CommandError("Synthetic data already exists: pass --clear to replace it, or run remove_demo_data.")
        counts = demo_data.generate(
            organizations=options["organizations"],
            contacts=options["contacts"],
            interactions=options["interactions"],
            seed=options["seed"],
        )
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary} in {time.perf_counter() - started:.1f} s."))
