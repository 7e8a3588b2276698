"""Which file column feeds which field: the fields each import fills and the headings that name them."""
from django.utils.translation import gettext_lazy as _

from ..models import Contact, Interaction, Organization, normalize_name

# Headings people and other CRMs (HubSpot, Salesforce, Zoho exports) use for each field, in English and French.
ORGANIZATION_FIELDS = {
    "external_id": ["external id", "id", "record id", "company id", "account id", "identifiant"],
    "name": ["name", "company name", "company", "organization", "organisation", "organization name", "account name", "nom", "entreprise"],
    "name_fr": ["french name", "nom francais", "nom en francais"],
    "short_name": ["short name", "acronym", "sigle", "abbreviation"],
    "kind": ["kind", "type", "company type", "organization type", "genre"],
    "status": ["status", "partnership status", "lifecycle stage", "statut"],
    "website": ["website", "company domain name", "domain", "website url", "url", "web site", "site web"],
    "city": ["city", "ville", "billing city"],
    "country": ["country", "country region", "pays", "billing country"],
    "sectors": ["industry", "sector", "sectors", "industries", "secteur", "secteurs"],
    "employee_count": ["employees", "number of employees", "employee count", "employes", "nombre d employes"],
    "partner_since": ["partner since", "partenaire depuis"],
    "description": ["description", "about", "about us"],
}

CONTACT_FIELDS = {
    "external_id": ["external id", "id", "record id", "contact id", "identifiant"],
    "first_name": ["first name", "firstname", "given name", "prenom"],
    "last_name": ["last name", "lastname", "surname", "family name", "nom de famille", "nom"],
    "email": ["email", "e mail", "email address", "courriel", "adresse courriel"],
    "phone": ["phone", "phone number", "telephone", "mobile phone number", "work phone"],
    "title": ["title", "job title", "position", "role", "titre", "poste"],
    "organization": ["organization", "organisation", "company", "company name", "associated company", "account name", "entreprise"],
    "notes": ["notes", "note", "comments", "commentaires"],
}

INTERACTION_FIELDS = {
    "external_id": ["external id", "id", "activity id", "identifiant"],
    "organization": ["organization", "organisation", "company", "company name", "associated company", "partner", "partenaire"],
    "occurred_on": ["date", "activity date", "occurred on", "meeting date"],
    "kind": ["kind", "type", "activity type", "genre"],
    "subject": ["subject", "title", "objet", "sujet"],
    "notes": ["notes", "note", "body", "description", "details"],
}

FIELDS = {"organizations": ORGANIZATION_FIELDS, "contacts": CONTACT_FIELDS, "interactions": INTERACTION_FIELDS}
MODELS = {"organizations": Organization, "contacts": Contact, "interactions": Interaction}
REQUIRED = {
    "organizations": {"name"},
    "contacts": {"first_name", "last_name", "organization"},
    "interactions": {"organization", "kind", "subject"},
}


def heading_key(heading):
    """A heading without case, accents, punctuation or underscores (“Country/Region” → “country region”)."""
    return normalize_name(str(heading).replace("_", " "))


def field_label(kind, name):
    """The field's name as the person reads it (the model's verbose name)."""
    if name == "sectors":
        return _("sectors")
    return MODELS[kind]._meta.get_field(name).verbose_name


def field_choices(kind):
    """(field, label) pairs for the mapping form's selects, “ignore this column” first."""
    return [("", _("— ignore this column —"))] + [(name, field_label(kind, name)) for name in FIELDS[kind]]


def suggest_mapping(kind, headings):
    """Column index → field for each heading that names a field; each field is taken once, by its first column."""
    aliases = {alias: name for name, names in FIELDS[kind].items() for alias in [name.replace("_", " "), *names]}
    mapping, taken = {}, set()
    for index, heading in enumerate(headings):
        name = aliases.get(heading_key(heading))
        if name and name not in taken:
            mapping[str(index)] = name
            taken.add(name)
    return mapping


def missing_required(kind, mapping):
    """Required fields no column is mapped to."""
    return [name for name in sorted(REQUIRED[kind]) if name not in set(mapping.values())]
