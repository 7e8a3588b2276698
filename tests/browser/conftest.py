"""Playwright driving Debian's Chromium against the live test server."""
import importlib
import os
import shutil

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    # Never a downloaded browser: fail loudly (not skip) when Debian's Chromium is missing.
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def seeded_site(transactional_db):
    """The seed data, the roles and the demo user, as `make run` sets them up."""
    # Transactional tests flush tables between tests, data migrations included: restore the roles.
    from django.apps import apps

    importlib.import_module("partners.migrations.0002_roles").create_groups(apps, None)
    call_command("loaddata", "seed", verbosity=0)
    call_command("ensure_demo_user", stdout=open("/dev/null", "w"))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, username, password):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
