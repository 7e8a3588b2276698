"""The keys two records share when they are likely the same partner or person.

Each key exists twice, once in Python (for the record a person is typing) and once as a SQL expression
(to compare every stored record in one query); tests/partners/test_duplicate_keys.py keeps them equal.
"""
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Left, Length, Lower, Replace, StrIndex, Substr, Trim

from .models import normalize_name

# Legal-form words as normalize_name leaves them (lower case, no accents, no dots: "Ltée." → "ltee").
LEGAL_SUFFIXES = (
    "inc", "incorporated", "incorporee", "ltd", "limited", "ltee", "limitee", "corp", "corporation",
    "co", "company", "llc", "llp", "lp", "plc", "gmbh", "ag", "sa", "sas", "sarl", "senc", "ulc",
    "s a", "s e n c", "s a r l", "s a s",
)
# Longest first, so "s a r l" is stripped whole rather than leaving "s a r".
_SUFFIXES = tuple(sorted(set(LEGAL_SUFFIXES), key=len, reverse=True))


def organization_match_key(name):
    """The name without case, accents, punctuation or one trailing legal form ("Inc.", "Ltée", "Corp")."""
    key = normalize_name(name)
    for suffix in _SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


def organization_match_key_sql():
    """organization_match_key over the stored ``name_key`` (already folded by normalize_name)."""
    return Case(
        *(
            When(name_key__endswith=" " + suffix, then=Left("name_key", Length("name_key") - len(suffix) - 1))
            for suffix in _SUFFIXES
        ),
        default=F("name_key"),
        output_field=CharField(),
    )


def website_domain(url):
    """The host of a website without scheme, "www.", port or path: "https://www.Mila.quebec/en" → "mila.quebec"."""
    url = (url or "").strip().lower()
    if not url:
        return ""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def annotate_website_domain(queryset, alias="domain_key"):
    """Annotate ``alias``: the website domain of each organization ("" when it has no website)."""
    text = CharField()
    bare = Replace(
        Replace(Lower(Trim("website"), output_field=text), Value("https://"), Value(""), output_field=text),
        Value("http://"),
        Value(""),
        output_field=text,
    )
    queryset = queryset.alias(dd_bare=bare)
    queryset = queryset.alias(
        dd_host=Case(When(dd_bare__startswith="www.", then=Substr("dd_bare", 5)), default=F("dd_bare"), output_field=text)
    )
    # Appending "/" then ":" guarantees each cut finds its character, so one expression fits both.
    cut_path = Concat(F("dd_host"), Value("/"), output_field=CharField())
    queryset = queryset.alias(dd_slash=cut_path)
    host = Left("dd_slash", StrIndex("dd_slash", Value("/")) - 1, output_field=text)
    queryset = queryset.alias(dd_hostport=Concat(host, Value(":"), output_field=CharField()))
    return queryset.annotate(**{alias: Left("dd_hostport", StrIndex("dd_hostport", Value(":")) - 1, output_field=text)})


def contact_name_key_sql():
    """The full name, trimmed and in lower case; compare it with ``Lower(Value(typed))`` so both sides fold alike."""
    return Lower(Concat(Trim("first_name"), Value(" "), Trim("last_name"), output_field=models.CharField()))
