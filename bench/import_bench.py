"""Benchmark: import 20,000 organizations from CSV, then re-import the file with 2,000 rows changed.

Runs on a throwaway SQLite database in a temporary folder (or on BENCH_DATABASE_URL, which it migrates:
give it an empty database of your own), through the import_records command, and prints the time and
the peak memory of each run. Fails when a run takes a minute or more. The rows are generated
(“Synthetic organization N”); the database is deleted afterwards. `make bench-import` runs it.
"""
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", 20_000))
LIMIT_SECONDS = 60


def write_file(path, changed=0):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Company name", "Company Domain Name", "City", "Country/Region", "Industry", "Number of Employees"])
        for n in range(ROWS):
            city = "Laval" if n < changed else "Montréal"
            writer.writerow([f"Synthetic organization {n}", f"synthetic-{n}.example", city, "Canada", "Software", n % 500])


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    folder = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from partners.models import Organization

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-only")
    first, second = folder / "organizations.csv", folder / "organizations-changed.csv"
    write_file(first)
    write_file(second, changed=ROWS // 10)
    print(f"{ROWS} rows, {first.stat().st_size / 1024 / 1024:.1f} MB; database {os.environ['DATABASE_URL'].split(':')[0]}")
    failures = []
    for label, path in [("create", first), ("update 10%", second)]:
        started = time.monotonic()
        call_command("import_records", str(path), "--type", "organizations")
        seconds = time.monotonic() - started
        print(f"{label}: {seconds:.1f} s, peak memory {peak_mb():.0f} MB")
        if seconds >= LIMIT_SECONDS:
            failures.append(f"{label} took {seconds:.1f} s")
    assert Organization.objects.count() == ROWS
    assert Organization.objects.filter(city="Laval").count() == ROWS // 10
    if failures:
        sys.exit("too slow: " + "; ".join(failures))


if __name__ == "__main__":
    main()
