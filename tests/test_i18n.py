"""The French catalogue is complete and French pages carry no English interface text."""
import datetime
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from partners.models import Organization
from tests.factories import FairParticipationFactory, InteractionFactory
from tests.url_walk import IMPORT_FILE, Samples, row_of, url_patterns

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def test_catalogue_has_no_untranslated_or_fuzzy_entry_and_keeps_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    for entry in catalogue.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    # Extract the strings afresh from a copy of the code: a new string without a translation fails.
    for folder in ["crm", "partners", "templates", "locale"]:
        shutil.copytree(BASE / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(BASE / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-v0"], cwd=tmp_path, check=True, timeout=120
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []


class TextNodes(HTMLParser):
    """Visible text nodes of a page (script and style excluded)."""

    def __init__(self):
        super().__init__()
        self.nodes, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


@pytest.fixture
def french_client(client, team_user, seeded):
    client.force_login(team_user)
    client.post(reverse("partners:language"), {"language": "fr"})
    return client


@pytest.mark.django_db
def test_french_pages_carry_no_english_interface_text(french_client):
    catalogue = polib.pofile(str(CATALOGUE))
    english = {e.msgid for e in catalogue if e.msgstr and e.msgstr != e.msgid and not PLACEHOLDER.search(e.msgid)}
    statcan = Organization.objects.get(name="Statistics Canada")
    InteractionFactory(organization=statcan, occurred_on=datetime.date(2026, 11, 23), follow_up_on=datetime.date(2026, 11, 30))
    urls = [
        reverse("partners:home"),
        reverse("partners:organization-list"),
        reverse("partners:organization-list") + "?q=zzz",
        statcan.get_absolute_url(),
        reverse("partners:organization-update", args=[statcan.pk]),
        reverse("partners:interaction-create", args=[statcan.pk]),
        reverse("partners:contact-list"),
        reverse("partners:contact-detail", args=[statcan.contacts.get().pk]),
        reverse("partners:contact-create"),
        reverse("partners:collaboration-list"),
        reverse("partners:collaboration-detail", args=[1]),
        reverse("partners:collaboration-update", args=[1]),
        reverse("partners:fair-list"),
        reverse("partners:search") + "?q=sama",
    ]
    for url in urls:
        response = french_client.get(url)
        assert response.status_code == 200, url
        parser = TextNodes()
        parser.feed(response.content.decode())
        left = [node for node in parser.nodes if node in english]
        assert left == [], f"English left on {url}: {left}"


@pytest.mark.django_db
def test_every_staff_page_an_admin_opens_in_french_has_no_english_interface_text(client, team_user, admin_user):
    """Walks every URL pattern of the app (not only the pages listed above), so a new page is checked too."""
    catalogue = polib.pofile(str(CATALOGUE))
    english = {e.msgid for e in catalogue if e.msgstr and e.msgstr != e.msgid and not PLACEHOLDER.search(e.msgid)}
    # The sample import file's own headings are data, shown as the file has them.
    english -= set(IMPORT_FILE.decode().splitlines()[0].split(","))
    samples = Samples(team_user=team_user, admin_user=admin_user)
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    checked, left = [], {}
    for pattern in url_patterns():
        row = row_of(pattern)
        if not pattern.key.startswith("partners:") or row is None or row.get["admin"] != 200:
            continue
        response = client.get(samples.url(pattern, row.objects))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = TextNodes()
        parser.feed(response.content.decode())
        checked.append(pattern.key)
        if found := [node for node in parser.nodes if node in english]:
            left[pattern.key] = found
    assert not left, f"English left on French pages: {left}"
    assert {"partners:report", "partners:import-list", "partners:duplicate-list", "partners:calendar"} <= set(checked)


@pytest.mark.django_db
def test_french_pages_show_french_dates_and_official_names(french_client):
    statcan = Organization.objects.get(name="Statistics Canada")
    InteractionFactory(organization=statcan, occurred_on=datetime.date(2026, 11, 23), subject="Appel")
    page = french_client.get(statcan.get_absolute_url()).content.decode()
    assert "23 novembre 2026" in page
    assert "<h1>Statistique Canada" in page
    assert "Consigner une interaction" in page


@pytest.mark.django_db
def test_counts_are_grouped_the_way_each_language_writes_them(french_client):
    FairParticipationFactory(internships_offered=1234)
    assert "<td class=\"num\">1\xa0234</td>" in french_client.get(reverse("partners:fair-list")).content.decode()
    french_client.post(reverse("partners:language"), {"language": "en"})
    assert "<td class=\"num\">1,234</td>" in french_client.get(reverse("partners:fair-list")).content.decode()


def test_compiled_catalogue_is_built_not_committed():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=BASE, capture_output=True, text=True).stdout
    assert tracked == ""
    call_command("compilemessages", "-l", "fr", verbosity=0, ignore_patterns=[".venv"])
    assert (CATALOGUE.with_suffix(".mo")).exists()


@pytest.mark.django_db
def test_sort_choices_follow_the_language_of_each_page(french_client):
    # Prevents labels fixed in the language of the moment they were first made: django-filter writes
    # "… (descending)" once, and the filter forms are made once per language.
    directory = reverse("partners:organization-list")
    french_client.post(reverse("partners:language"), {"language": "en"})
    assert '<option value="-name">Name (descending)</option>' in french_client.get(directory).content.decode()
    french_client.post(reverse("partners:language"), {"language": "fr"})
    page = french_client.get(directory).content.decode()
    assert '<option value="-name">Nom (décroissant)</option>' in page
    assert "descending" not in page
