"""Time the main pages beside the Django admin and the raw-SQL floor: `make bench SCALE=S|L`.

Runs in-process with django.test.Client against its own databases, one per scale: bench/bench-S.sqlite3
and bench/bench-L.sqlite3, or with a PostgreSQL DATABASE_URL ending in /crm_bench, crm_bench_s and
crm_bench_l (created when missing). The synthetic data set is generated first when a database does not
hold its scale. Every page, its comparison and its floor are sampled in interleaved rounds so machine
noise hits them alike; SCALE=L also samples S in the same rounds, so "L versus S" compares like with
like. Writes bench/results/<vendor>-<scale>.md and .json and prints the table.
"""
import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCALES = {
    "S": {"organizations": 1_000, "contacts": 3_000, "interactions": 10_000},
    "L": {"organizations": 100_000, "contacts": 300_000, "interactions": 1_000_000},
}
ROUNDS = {"S": 20, "L": 30}
SEED = 7
# A broad text matches about one organization in 30 at both scales (the directory shows a full page at S
# and at L); a selective one is what people mostly type: part of one partner's name.
SEARCH_TEXT = "boreal"
SELECTIVE_TEXT = "boreal robo"
# Broad too, but its partners' names start with it and come last in the alphabet: a search walking the names in
# order from the first does not reach them ("boreal" ones come early).
LATE_TEXT = "zephyr"
# The global search's texts: (page, text).
GLOBAL_SEARCHES = [("global search", SEARCH_TEXT), ("global search late", LATE_TEXT),
                   ("global search selective", SELECTIVE_TEXT)]


def database_names():
    """The database of each scale: SQLite files under bench/, or <name>_s / <name>_l on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base = url.rsplit("/", 1)[1].split("?")[0]
        return {scale: f"{base}_{scale.lower()}" for scale in SCALES}
    return {scale: str(ROOT / "bench" / f"bench-{scale}.sqlite3") for scale in SCALES}


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench-S.sqlite3'}")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django
    from django.conf import settings

    django.setup()
    # Hashed static names need collectstatic; the bench measures views, not static files.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


# Each scale's open connection (see use()).
_connections = {}


def use(scale):
    """Point the default connection at ``scale``'s database (creating it on PostgreSQL when missing).

    Each scale keeps its own open connection, as a server worker keeps its own (``make serve``: CONN_MAX_AGE
    60 s). Closing and reopening at every switch between S and L made the pages measured first in each
    round pay a new PostgreSQL backend's warm-up (catalog caches, pg_trgm loaded): a directory search took
    12 ms of SQL on a new connection against 6 on a used one.
    """
    from django.db import connections

    if scale not in _connections:
        original = connections["default"]
        name = database_names()[scale]
        if original.vendor == "postgresql":
            server = type(original)({**original.settings_dict, "NAME": "postgres"}, "default")
            with server.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE {server.ops.quote_name(name)}")
            server.close()
        _connections[scale] = type(original)({**original.settings_dict, "NAME": name}, "default")
    connections["default"] = _connections[scale]


def ensure_data(scale):
    """Migrate, and (re)generate the synthetic data when the database does not hold this scale."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from partners.models import Interaction, Organization

    call_command("migrate", verbosity=0)
    wanted = SCALES[scale]
    have = (Organization.objects.filter(is_synthetic=True).count(),
            Interaction.objects.filter(is_synthetic=True).count())
    generated = None
    if have != (wanted["organizations"], wanted["interactions"]):
        started = time.perf_counter()
        call_command("generate_demo_data", clear=True, seed=SEED, verbosity=0, **wanted)
        generated = time.perf_counter() - started
        print(f"generated scale {scale} in {generated:.1f} s", flush=True)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    return user, generated


def sample(run):
    """(seconds, query count, SQL seconds, SELECT statements) for one call of ``run``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sql_seconds = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - started)

    # The query log is a deque of 9,000 that only a request resets; a full one would capture nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        started = time.perf_counter()
        run()
        elapsed = time.perf_counter() - started
    queries = captured.captured_queries
    return (elapsed, len(queries), sum(sql_seconds),
            [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")])


def floor_of(statements):
    """The page's own SELECTs, re-run alone through a raw cursor: what the database needs, nothing else."""
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
    return run


def get(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        b"".join(response) if response.streaming else response.content
    return run


def plain_search(text):
    """The global search as it was before the index: three icontains scans."""
    from partners.models import Collaboration, Contact, Organization

    def run():
        list(Organization.objects.active().search(text).order_by("name")[:20])
        list(Contact.objects.active().search(text).select_related("organization")[:20])
        list(Collaboration.objects.search(text).order_by("title")[:20])
    return run


def cases(client):
    """(name, page, comparison label, comparison) for every main page; notes for pages that do not exist."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from partners.models import Interaction, Organization, Sector

    health = Sector.objects.get(name="Health").pk
    busiest = (Organization.objects.filter(is_synthetic=True).annotate(n=Count("interactions"))
               .order_by("-n").values_list("pk", "n").first())
    pk, n = busiest
    last = (Interaction.objects.filter(organization=pk).order_by("-occurred_on", "-pk")
            .values_list("occurred_on", "pk")[max(0, n - 21)])
    cursor = f"{last[0].isoformat()},{last[1]}"
    admin_orgs, admin_interactions = "/admin/partners/organization/", "/admin/partners/interaction/"
    admin = "admin changelist"
    found = [
        ("directory", get(client, "/partners/"), admin, get(client, admin_orgs)),
        ("directory kind=startup", get(client, "/partners/?kind=startup"), admin,
         get(client, admin_orgs + "?kind__exact=startup")),
        ("directory status=partner country=Canada", get(client, "/partners/?status=partner&country=Canada"), admin,
         get(client, admin_orgs + "?status__exact=partner&country=Canada")),
        ("directory sector=Health", get(client, f"/partners/?sector={health}"), admin,
         get(client, admin_orgs + f"?sectors__id__exact={health}")),
        ("directory q", get(client, f"/partners/?q={SEARCH_TEXT}"), admin,
         get(client, admin_orgs + f"?q={SEARCH_TEXT}")),
        ("directory q late", get(client, f"/partners/?q={LATE_TEXT}"), admin,
         get(client, admin_orgs + f"?q={LATE_TEXT}")),
        (f"partner timeline first ({n} interactions)", get(client, f"/partners/{pk}/"), admin,
         get(client, admin_interactions + f"?organization={pk}")),
        ("partner timeline deepest", get(client, f"/partners/{pk}/?before={cursor}"), admin,
         get(client, admin_interactions + f"?organization={pk}&p={math.ceil(n / 50)}")),
        *[(name, get(client, f"/search/?q={text}"), "plain icontains scan", plain_search(text))
          for name, text in GLOBAL_SEARCHES],
    ]
    notes = []
    try:
        # The generated records are synthetic: the report leaves them out unless asked.
        found.append(("reports", get(client, reverse("partners:report") + "?include_synthetic=on"), None, None))
    except NoReverseMatch:
        notes.append("reports: no `partners:report` URL on this branch yet, not measured.")
    return found, notes


# Every generated interaction: the generator spreads them over the ten years up to today.
EXPORT_QUERY = "?date_from=1900-01-01&date_to=2100-12-31&include_synthetic=on"
EXPORT_ROUNDS = {"S": 5, "L": 3}


def stream(client, url):
    """Read a streamed response chunk by chunk, as a client would, without holding it: its line count."""
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return sum(chunk.count(b"\n") for chunk in response)
    return run


def raw_export():
    """The floor of the interactions CSV: the same columns and rows, csv.writer over cursor.fetchmany.

    Names and kind labels are resolved in SQL; a server-side cursor on PostgreSQL (chunked_cursor)
    keeps memory bounded as the page's own iterator does. Its line count, to check the rows match.
    """
    import csv

    from django.db import connection

    from partners.models import Interaction, Organization

    class Sink:
        def write(self, line):
            return line

    kinds = list(Interaction.Kind.choices)
    case = "CASE i.kind " + " ".join("WHEN %s THEN %s" for _ in kinds) + " ELSE i.kind END"
    params = [item for value, label in kinds for item in (value, str(label))]
    author = "COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username)"
    user_table = Interaction._meta.get_field("author").related_model._meta.db_table
    sql = (f"SELECT i.occurred_on, o.name, {case}, i.subject, {author}, i.follow_up_on, "
           f"CASE WHEN i.follow_up_on IS NULL THEN '' WHEN i.follow_up_done THEN 'yes' ELSE 'no' END "
           f"FROM {Interaction._meta.db_table} i JOIN {Organization._meta.db_table} o ON o.id = i.organization_id "
           f"JOIN {user_table} u ON u.id = i.author_id "
           f"WHERE o.archived_at IS NULL AND i.occurred_on BETWEEN %s AND %s ORDER BY i.occurred_on, i.id")

    def run():
        writer = csv.writer(Sink())
        lines = 1  # the heading the page writes too
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, [*params, "1900-01-01", "2100-12-31"])
            while rows := cursor.fetchmany(5000):
                for row in rows:
                    writer.writerow(row).encode()
                lines += len(rows)
        return lines
    return run


def peak_memory_mb(run):
    """Peak Python memory growth (tracemalloc) while ``run`` executes once."""
    import tracemalloc

    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - baseline) / 2**20


def measure_export(client, scale):
    """The interactions CSV export beside the raw-cursor floor, alternating, plus one memory run."""
    from django.urls import reverse

    from partners.models import Interaction

    page = stream(client, reverse("partners:report-export", args=["interactions", "csv"]) + EXPORT_QUERY)
    floor = raw_export()
    lines, floor_lines = page(), floor()
    rows = Interaction.objects.filter(organization__archived_at__isnull=True).count()
    assert lines == floor_lines == rows + 1, (lines, floor_lines, rows)
    samples = {"page": [], "compare": []}
    for _ in range(EXPORT_ROUNDS[scale]):
        samples["page"].append(sample(page))
        samples["compare"].append(sample(floor))
    result = {kind: stats(s) for kind, s in samples.items()}
    result["floor"] = result["compare"]
    result["compare_label"] = "raw cursor csv.writer"
    result["rows"] = rows
    result["rows_per_second"] = rows / (result["page"]["median_ms"] / 1000)
    result["raw_rows_per_second"] = rows / (result["compare"]["median_ms"] / 1000)
    result["peak_memory_mb"] = peak_memory_mb(page)
    return result


def stats(samples):
    times = sorted(s[0] for s in samples)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    return {"median_ms": statistics.median(times) * 1000, "p95_ms": p95 * 1000,
            "queries": samples[-1][1], "sql_ms": statistics.median(s[2] for s in samples) * 1000}


def measure(top):
    """Samples of every case at ``top`` (and at S too when ``top`` is L), in interleaved rounds."""
    from django.test import Client

    scales = ["S", "L"] if top == "L" else ["S"]
    runs, labels, notes, generated, users = {}, {}, [], {}, {}
    for scale in scales:
        use(scale)
        user, generated[scale] = ensure_data(scale)
        users[scale] = user
        client = Client()
        client.force_login(user)
        found, notes = cases(client)
        runs[scale] = {}
        for name, page, label, compare in found:
            first = [sample(page) for _ in range(2)][-1]
            runs[scale][name] = {"page": page, "floor": floor_of(first[3])}
            labels[name.split(" (")[0]] = label
            if compare:
                sample(compare)
                runs[scale][name]["compare"] = compare
    samples = {scale: {name: {kind: [] for kind in run} for name, run in runs[scale].items()} for scale in scales}
    # Every page has run: collect as a gunicorn worker does (crm/wsgi.py). With Python's default threshold a
    # full collection over everything loaded so far stalled one sample in thirty by 100 ms or more.
    from crm.wsgi import tune_garbage_collector

    gc.collect()
    tune_garbage_collector()
    for round_number in range(ROUNDS[top]):
        for scale in scales:
            use(scale)
            for name, run in runs[scale].items():
                for kind, call in run.items():
                    samples[scale][name][kind].append(sample(call))
        print(f"round {round_number + 1}/{ROUNDS[top]}", end="\r", flush=True)
    rows = {scale: {name: {"compare_label": labels[name.split(" (")[0]], **{k: stats(s) for k, s in kinds.items()}}
                    for name, kinds in samples[scale].items()} for scale in scales}
    # A million-row export takes seconds: a few alternating samples of its own, after the rounds.
    for scale in scales:
        use(scale)
        client = Client()
        client.force_login(users[scale])
        print(f"CSV export at {scale}", end="\r", flush=True)
        rows[scale]["CSV export interactions"] = measure_export(client, scale)
    return rows, notes, generated


def machine():
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "database": f"{connection.vendor} {version}", "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def _by_page(rows):
    return {name.split(" (")[0]: row for name, row in rows.items()}


def ratios(rows):
    """Each target of issue 7 with its measured value, for every scale measured and L against S."""
    checks = []
    # The targets hold at L; a run at S alone reports the same ratios for information.
    for scale, pages in rows.items():
        if scale == "S" and "L" in rows:
            continue
        pages = _by_page(pages)
        for name, row in pages.items():
            if name.startswith("directory"):
                checks.append((f"{scale} {name}: p95 / admin p95", row["page"]["p95_ms"] / row["compare"]["p95_ms"],
                               "≤", 0.8))
        checks.append((f"{scale} timeline deepest / first page (median)",
                       pages["partner timeline deepest"]["page"]["median_ms"]
                       / pages["partner timeline first"]["page"]["median_ms"], "≤", 1.2))
        if "reports" in pages:
            checks.append((f"{scale} reports / raw SQL floor (median)",
                           pages["reports"]["page"]["median_ms"] / pages["reports"]["floor"]["median_ms"], "≤", 1.5))
        export = pages["CSV export interactions"]
        checks.append((f"{scale} CSV export of {export['rows']:,} interactions: rows/s / raw cursor rows/s",
                       export["rows_per_second"] / export["raw_rows_per_second"], "≥", 0.5))
        checks.append((f"{scale} CSV export: peak memory growth MB (tracemalloc)", export["peak_memory_mb"], "≤", 30))
        if scale == "L":
            for name, text in GLOBAL_SEARCHES:
                search = pages[name]
                checks.append((f"L plain icontains scan / indexed search “{text}” (median)",
                               search["compare"]["median_ms"] / search["page"]["median_ms"], "≥", 10))
    if "L" in rows:
        small, large = _by_page(rows["S"]), _by_page(rows["L"])
        for name, row in large.items():
            if name.startswith("directory"):
                checks.append((f"{name}: p95 at L / at S", row["page"]["p95_ms"] / small[name]["page"]["p95_ms"],
                               "≤", 1.5))
        for name, text in GLOBAL_SEARCHES:
            checks.append((f"global search “{text}”: p95 at L / at S",
                           large[name]["page"]["p95_ms"] / small[name]["page"]["p95_ms"], "≤", 2))
        # A page may skip a prefetch when the partner has none of something; what must not happen is growth.
        checks.append(("pages with more queries at L than at S",
                       sum(large[n]["page"]["queries"] > small[n]["page"]["queries"] for n in large), "≤", 0))
    return [{"target": t, "value": round(v, 2), "op": op, "limit": lim,
             "holds": v <= lim if op == "≤" else v >= lim} for t, v, op, lim in checks]


def markdown(rows, checks, notes, info, generated):
    lines = [f"{info['cpu']}, {info['cores']} cores shared with other work, Python {info['python']}, "
             f"{info['database']}, {info['when']}."]
    for scale, pages in rows.items():
        made = f" (data generated in {generated[scale]:.0f} s)" if generated.get(scale) else ""
        lines += ["", f"#### Scale {scale}{made}", "",
                  "| page | median ms | p95 ms | queries | SQL ms | comparison | its median ms | its p95 ms "
                  "| its queries | raw SQL floor ms |",
                  "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
        for name, row in pages.items():
            page, floor, compare = row["page"], row["floor"], row.get("compare")
            other = (f"{row['compare_label']} | {compare['median_ms']:.1f} | {compare['p95_ms']:.1f} | "
                     f"{compare['queries']}" if compare else "— | — | — | —")
            lines.append(f"| {name} | {page['median_ms']:.1f} | {page['p95_ms']:.1f} | {page['queries']} | "
                         f"{page['sql_ms']:.1f} | {other} | {floor['median_ms']:.1f} |")
    lines += ["", "| target | value | limit | holds |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {c['target']} | {c['value']} | {c['op']} {c['limit']} | {'yes' if c['holds'] else '**no**'} |"
              for c in checks]
    for scale, pages in rows.items():
        export = pages.get("CSV export interactions")
        if export:
            notes = [*notes, f"CSV export at {scale}: {export['rows']:,} rows, {export['rows_per_second']:,.0f} rows/s "
                     f"(raw cursor {export['raw_rows_per_second']:,.0f} rows/s), peak memory growth "
                     f"{export['peak_memory_mb']:.1f} MB; {EXPORT_ROUNDS[scale]} alternating samples each."]
    lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    args = parser.parse_args()
    setup()
    from django.db import connection

    rows, notes, generated = measure(args.scale)
    info = machine()
    checks = ratios(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{connection.vendor}-{args.scale}"
    stem.with_suffix(".json").write_text(json.dumps(
        {"scale": args.scale, "machine": info, "generated_seconds": generated, "rows": rows, "checks": checks,
         "notes": notes}, indent=2, ensure_ascii=False))
    table = markdown(rows, checks, notes, info, generated)
    stem.with_suffix(".md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
