"""Load test: concurrent signed-in staff reading and logging interactions against `bin/serve`.

    python bench/load.py --duration 120 --users 20            # or: make load DURATION=120 USERS=20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_load python bench/load.py

Loopback only and bounded in time. The script prepares the database (migrations, the seed, one
"Partnerships team" account per simulated user), starts `bin/serve` on a free port (or uses --url),
and runs USERS sessions for DURATION seconds, each mixing the directory, a partner page, the search
and logging an interaction (a real form post with its CSRF token). It then checks what the issue
asks: no error, no "database is locked" in the server log, and as many interactions in the database
as the posts that succeeded. Exit status 0 only when all three hold.
"""
import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_TERMS = ["mila", "canada", "data", "ai", "montreal", "lab", "research", "fair"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users (default 20)")
    parser.add_argument("--write-share", type=float, default=0.2, help="share of actions that log an interaction")
    parser.add_argument("--url", help="an already running server (default: start bin/serve on a free port)")
    parser.add_argument("--server-log", default=str(BASE / "bench" / "serve.log"), help="where bin/serve writes")
    return parser.parse_args(argv)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    # Without DATABASE_URL, a SQLite file of its own: the demo database (db.sqlite3) is left alone.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BASE / 'bench' / 'load.sqlite3'}")
    sys.path.insert(0, str(BASE))
    import django

    django.setup()


def prepare_database(users):
    """Migrate, load the seed, and create one team account per simulated user; returns the credentials."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", "seed", verbosity=0)
    team = Group.objects.get(name="Partnerships team")
    password = secrets.token_urlsafe(16)
    accounts = []
    for n in range(users):
        user, _ = get_user_model().objects.get_or_create(username=f"load-user-{n}")
        user.set_password(password)
        user.save()
        user.groups.add(team)
        accounts.append((user.username, password))
    return accounts


def partner_ids():
    from partners.models import Organization

    return list(Organization.objects.active().values_list("pk", flat=True))


def interactions_written(marker):
    from partners.models import Interaction

    return Interaction.objects.filter(subject__startswith=marker).count()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(log_path):
    """bin/serve on a free loopback port; returns (process, base URL) once /healthz answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update(SERVE_BIND=f"127.0.0.1:{port}", PY=sys.executable)
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(BASE / "bin" / "serve")], cwd=BASE, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bin/serve stopped (exit {process.returncode}); see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, url
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"bin/serve did not answer /healthz in time; see {log_path}")


def stop_server(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


class Session:
    """One signed-in person: a cookie jar over one HTTP connection at a time."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}
        self.connection = None

    def request(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn's sync workers close the connection after each response; open a new one.
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, content.decode("utf-8", "replace"), response.getheader("Location", "")

    def sign_in(self, username, password):
        status, page, _ = self.request("GET", "/accounts/login/")
        token = CSRF_FIELD.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"login page answered {status}")
        status, _, location = self.request(
            "POST", "/accounts/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        )
        if status != 302 or "/accounts/login/" in location:
            raise RuntimeError(f"sign-in refused ({status})")


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.by_action = Counter()
        self.errors = Counter()
        self.posts_ok = 0

    def record(self, action, seconds, error=None):
        with self.lock:
            self.latencies.append(seconds)
            self.by_action[action] += 1
            if error:
                self.errors[f"{action}: {error}"] += 1
            elif action == "log interaction":
                self.posts_ok += 1


def run_user(url, account, partners, marker, write_share, stop_at, results, number):
    session = Session(url)
    try:
        session.sign_in(*account)
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        results.record("sign in", 0, repr(error))
        return
    rng = random.Random(number)
    count = 0
    while time.monotonic() < stop_at:
        partner = rng.choice(partners)
        roll = rng.random()
        started = time.monotonic()
        try:
            if roll < write_share:
                action = "log interaction"
                count += 1
                form = {
                    "kind": "call",
                    "occurred_on": time.strftime("%Y-%m-%d"),
                    "subject": f"{marker} u{number} #{count}",
                    "notes": "Load test",
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                }
                status, _, location = session.request("POST", f"/partners/{partner}/interactions/new/", form)
                ok = status == 302 and location.rstrip("/").endswith(f"/partners/{partner}")
            elif roll < write_share + (1 - write_share) / 3:
                action = "directory"
                status, _, _ = session.request("GET", f"/partners/?q={rng.choice(['', 'a', 'in'])}")
                ok = status == 200
            elif roll < write_share + 2 * (1 - write_share) / 3:
                action = "partner page"
                status, _, _ = session.request("GET", f"/partners/{partner}/")
                ok = status == 200
            else:
                action = "search"
                status, _, _ = session.request("GET", f"/search/?q={rng.choice(SEARCH_TERMS)}")
                ok = status == 200
            results.record(action, time.monotonic() - started, None if ok else f"HTTP {status}")
        except Exception as error:  # noqa: BLE001 - every failure is counted and reported
            results.record(action, time.monotonic() - started, repr(error))


def main(argv=None):
    args = parse_args(argv)
    setup_django()
    from django.db import connection

    vendor = connection.vendor
    accounts = prepare_database(args.users)
    partners = partner_ids()
    marker = f"load-{secrets.token_hex(4)}"
    connection.close()
    process = None
    if args.url:
        url = args.url
    else:
        process, url = start_server(args.server_log)
    results = Results()
    try:
        started = time.monotonic()
        stop_at = started + args.duration
        threads = [
            threading.Thread(
                target=run_user, args=(url, accounts[n], partners, marker, args.write_share, stop_at, results, n)
            )
            for n in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        if process is not None:
            stop_server(process)
    connection.close()
    written = interactions_written(marker)
    locked = 0
    if process is not None:
        locked = Path(args.server_log).read_text(errors="replace").count("database is locked")
    total = sum(results.by_action.values())
    errors = sum(results.errors.values())
    latencies = sorted(results.latencies) or [0]
    print(f"database: {vendor}; {args.users} users for {elapsed:.0f} s against {url}")
    print(f"requests: {total} ({', '.join(f'{k} {v}' for k, v in sorted(results.by_action.items()))})")
    print(f"throughput: {total / elapsed:.1f} requests/s")
    print(
        f"latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"95th percentile {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms"
    )
    print(f"errors: {errors}" + "".join(f"\n  {count} x {kind}" for kind, count in results.errors.most_common(10)))
    print(f'"database is locked" in the server log: {locked}')
    print(f"interactions logged: {results.posts_ok} succeeded, {written} rows written")
    ok = errors == 0 and locked == 0 and written == results.posts_ok and total > 0
    print("RESULT: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
