"""The Content-Security-Policy blocks nothing the pages need: Chromium reports no violation."""
import importlib

import pytest
from django.core.management import call_command

from partners.models import Organization
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded_site(transactional_db):
    from django.apps import apps

    importlib.import_module("partners.migrations.0002_roles").create_groups(apps, None)
    call_command("loaddata", "seed", verbosity=0)
    call_command("ensure_demo_user", stdout=open("/dev/null", "w"))


def test_staff_and_admin_pages_run_under_the_policy_without_violations(page, seeded_site):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    sign_in(page, "demo", "demo-partner-crm")
    organization = Organization.objects.get(name__icontains="Statistics Canada")
    for path in [
        "/", "/partners/", f"/partners/{organization.pk}/", f"/partners/{organization.pk}/edit/",
        "/contacts/", "/collaborations/", "/fairs/", "/search/?q=data",
        "/admin/", "/admin/partners/organization/", f"/admin/partners/organization/{organization.pk}/change/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert violations == []
