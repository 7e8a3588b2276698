"""Likely duplicates: records that share a folded name, a website domain or an email.

Every function runs a fixed number of queries whatever the number of records: the database groups the
records by key, and only records whose key is shared come back.
"""
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils.translation import gettext_lazy as _

from .duplicate_keys import (
    annotate_website_domain,
    contact_name_key_sql,
    organization_match_key,
    organization_match_key_sql,
    website_domain,
)
from .models import Contact, Organization

REASONS = {
    "name": _("same name"),
    "website": _("same website domain"),
    "email": _("same email"),
    "full_name": _("same name at the same organization"),
}


@dataclass
class DuplicatePair:
    """Two records that look like the same one, and why (older record first)."""

    first: object
    second: object
    reasons: list = field(default_factory=list)

    @property
    def mergeable(self):
        """Contacts are merged within one organization only (see services_merges.contact_merge)."""
        return getattr(self.first, "organization_id", None) == getattr(self.second, "organization_id", None)

    @property
    def reason_labels(self):
        return [REASONS[reason] for reason in self.reasons]


def _organizations_keyed():
    queryset = annotate_website_domain(Organization.objects.active())
    return queryset.annotate(match_key=organization_match_key_sql())


def _contacts_keyed():
    return Contact.objects.active().annotate(email_key=Lower("email"), full_name_key=contact_name_key_sql())


def _shared(queryset, key):
    """Records of ``queryset`` whose ``key`` another record shares; "" never counts."""
    shared = (
        queryset.exclude(**{key: ""})
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values(key)
    )
    return queryset.filter(**{f"{key}__in": shared}).annotate(**{f"{key}_value": F(key)})


def _pairs(rows, key, reason, pairs, *, same=lambda a, b: True):
    """Fold rows sorted by key into (first, other) pairs, merging reasons with pairs already found."""
    groups = {}
    for row in rows:
        groups.setdefault(getattr(row, f"{key}_value"), []).append(row)
    for members in groups.values():
        members.sort(key=lambda record: record.pk)
        first = members[0]
        for other in members[1:]:
            if not same(first, other):
                continue
            pair = pairs.setdefault((first.pk, other.pk), DuplicatePair(first, other))
            if reason not in pair.reasons:
                pair.reasons.append(reason)


def organization_duplicate_pairs():
    """Pairs of active organizations with the same folded name or website domain (two queries)."""
    keyed = _organizations_keyed()
    pairs = {}
    _pairs(_shared(keyed, "match_key"), "match_key", "name", pairs)
    _pairs(_shared(keyed, "domain_key"), "domain_key", "website", pairs)
    return sorted(pairs.values(), key=lambda pair: (pair.first.name.casefold(), pair.second.pk))


def contact_duplicate_pairs():
    """Pairs of active contacts with the same email, or the same name at the same organization (two queries)."""
    keyed = _contacts_keyed().select_related("organization")
    pairs = {}
    _pairs(_shared(keyed, "email_key"), "email_key", "email", pairs)
    # A name counts when shared within one organization: the key is both. Sharing the name alone would
    # fetch every "Chloé Bergeron" of every partner (287,000 of 300,000 contacts at scale L).
    same_place = keyed.exclude(full_name_key="").annotate(
        place_name_key=Concat(Cast("organization_id", CharField()), Value(" "), "full_name_key")
    )
    _pairs(_shared(same_place, "place_name_key"), "place_name_key", "full_name", pairs)
    return sorted(pairs.values(), key=lambda pair: (pair.first.last_name.casefold(), pair.second.pk))


def organizations_like(*, name, website="", exclude_pk=None):
    """Active organizations that look like one being typed: same folded name or website domain (one query)."""
    keyed = _organizations_keyed()
    match = keyed.none()
    key = organization_match_key(name)
    if key:
        match = keyed.filter(match_key=key)
    domain = website_domain(website)
    if domain:
        match = match | keyed.filter(domain_key=domain)
    if exclude_pk is not None:
        match = match.exclude(pk=exclude_pk)
    return match.order_by("name")


def contacts_like(*, first_name, last_name, email="", organization=None, exclude_pk=None):
    """Active contacts that look like one being typed: same email, or same name at the same organization."""
    keyed = _contacts_keyed().select_related("organization")
    match = keyed.none()
    if email.strip():
        match = keyed.filter(email_key=Lower(Value(email.strip())))
    if organization is not None and (first_name.strip() or last_name.strip()):
        typed = Lower(Value(f"{first_name.strip()} {last_name.strip()}"))
        match = match | keyed.filter(organization=organization, full_name_key=typed)
    if exclude_pk is not None:
        match = match.exclude(pk=exclude_pk)
    return match.order_by("last_name", "first_name")
