"""`make serve`: bin/serve runs the app the production way, static files compressed by whitenoise."""
import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

BASE = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_collected_css_is_served_compressed_and_cached_for_good(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("css/app.css")
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)

    # A new client builds a new WhiteNoiseMiddleware, which indexes the STATIC_ROOT just collected.
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (BASE / "static" / "css" / "app.css").read_bytes()
    assert "immutable" in response["Cache-Control"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response, response.read()


@pytest.fixture
def served(tmp_path):
    """bin/serve on a free loopback port with a database of its own, in local-demo mode."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        SERVE_BIND=f"127.0.0.1:{port}",
        SERVE_WORKERS="1",
        PY=sys.executable,
    )
    log = tmp_path / "serve.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(BASE / "bin" / "serve")], cwd=BASE, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if get(port, "/healthz")[0].status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield port, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_bin_serve_runs_gunicorn_with_collected_compressed_static_files(served, tmp_path):
    port, log = served
    # Collected into DJANGO_STATIC_ROOT, not the checkout's staticfiles/ that another suite may be serving.
    assert (tmp_path / "static" / "staticfiles.json").is_file(), log.read_text()
    health, body = get(port, "/healthz")
    assert (health.status, body) == (200, b'{"status": "ok"}'), log.read_text()

    home, _ = get(port, "/")
    assert home.status == 302 and home.getheader("Location") == "/accounts/login/?next=/"

    login, page = get(port, "/accounts/login/")
    assert "script-src 'self'" in login.getheader("Content-Security-Policy")
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.decode()).group(1)
    stylesheet, compressed = get(port, css, **{"Accept-Encoding": "gzip"})
    assert stylesheet.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(compressed) == (BASE / "static" / "css" / "app.css").read_bytes()

    output = log.read_text()
    assert "local demo" in output and "gunicorn" in output.lower()


def test_the_wsgi_entry_point_keeps_the_collector_off_start_up_objects(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'wsgi.sqlite3'}"
    script = "import gc, crm.wsgi; print(gc.get_threshold()[0], gc.get_freeze_count())"
    threshold, frozen = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    # Prevents the default threshold (700), at which the collector took a tenth of a directory request.
    assert int(threshold) == 50_000
    assert int(frozen) > 10_000
