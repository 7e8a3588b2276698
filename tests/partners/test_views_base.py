"""Shared view plumbing: where `next` may send people."""
import pytest
from django.test import RequestFactory

from partners.views.base import safe_next


@pytest.mark.parametrize("target", ["/partners/3/", "/?page=2"])
def test_safe_next_keeps_a_path_on_this_site(target):
    assert safe_next(RequestFactory().post("/", {"next": target}), "/fallback/") == target


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "a b", "home", "partners:home", "javascript:alert(1)", ""],
)
def test_safe_next_falls_back_for_other_sites_and_bare_words(target):
    """A bare word reached redirect() as a URL name and answered 500 (found by the fuzz tests)."""
    assert safe_next(RequestFactory().post("/", {"next": target}), "/fallback/") == "/fallback/"
