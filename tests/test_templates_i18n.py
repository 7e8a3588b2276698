"""Every visible string in our templates goes through a translation tag."""
import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
BLOCK_TRANSLATE = re.compile(r"{%\s*blocktranslate.*?%}.*?{%\s*endblocktranslate\s*%}", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
ELEMENT = re.compile(r"<[^>]*>", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'\b(title|placeholder|aria-label|alt|value)="([^"]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_text(source):
    """Words a reader would see that are not inside a translation tag."""
    source = BLOCK_TRANSLATE.sub(" ", source)
    source = HTML_COMMENT.sub(" ", source)
    source = TAG.sub(" ", SCRIPT_STYLE.sub(" ", source))
    attributes = [value for _, value in VISIBLE_ATTRIBUTE.findall(source)]
    text = ELEMENT.sub(" ", source)
    return [w for chunk in [text, *attributes] for w in WORD.findall(chunk)]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_template_has_no_text_outside_translation_tags(template):
    assert untranslated_text(template.read_text(encoding="utf-8")) == []


def test_the_check_catches_bare_text():
    assert untranslated_text('<p>Hello {{ name }}</p><input placeholder="Search">') == ["Hello", "Search"]
    assert untranslated_text('<p>{% translate "Hello" %}</p><b title="{% translate "x" %}"></b>') == []
