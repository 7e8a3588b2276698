"""What an import would do, row by row, without writing anything: create, update, skip, or the errors.

Every row is validated with the model's own field validation (``clean_fields``) plus the checks the
models make in ``clean()``; lookups against existing records are done once from preloaded maps, so
planning a file costs the same few queries whatever its size.
"""
import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from ..duplicate_keys import website_domain
from ..models import Contact, Interaction, Organization, normalize_name
from .mapping import FIELDS, MODELS, field_label


@dataclass
class RowPlan:
    """One data row: what would happen to it and why not, when it cannot be imported."""

    number: int
    action: str = "create"
    label: str = ""
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    instance: object = None
    before: dict | None = None
    changed: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    changed_labels: list = field(default_factory=list)

    def error(self, column, message):
        self.errors.append((column, str(message)))
        self.action = "error"


@dataclass
class Plan:
    """The rows of one file and the totals the preview and the result page show."""

    kind: str
    rows: list

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self):
        return {action: self.count(action) for action in ("create", "update", "skip", "error")}

    @property
    def has_errors(self):
        return any(row.errors for row in self.rows)

    def errors(self):
        """(row, column, message) for every error, in file order."""
        return [(row.number, column, message) for row in self.rows for column, message in row.errors]


def _with_scheme(url):
    # CRM exports give bare domains (“mila.quebec”); the website field wants a full address.
    url = url.strip()
    return url if not url or "://" in url else f"https://{url}"


def _choice(model, name, text):
    """A choice's stored value from its value or its label (any case), else the text unchanged."""
    wanted = text.strip().casefold()
    for value, label in model._meta.get_field(name).flatchoices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return value
    return text


class Planner:
    """Plans one file of one kind; ``user`` is the author of imported interactions."""

    def __init__(self, kind, headings, mapping, user):
        self.kind = kind
        self.model = MODELS[kind]
        self.user = user
        self.columns = {int(index): name for index, name in mapping.items() if name in FIELDS[kind]}
        self.headings = headings
        self.fields = list(self.columns.values())
        self.seen = {}
        self._load()

    def _load(self):
        # Everything existing rows are matched against, fetched once for the whole file.
        self.organizations = list(Organization.objects.all())
        self.org_by_ext = {o.external_id: o for o in self.organizations if o.external_id}
        self.org_by_domain = {}
        for o in self.organizations:
            self.org_by_domain.setdefault(website_domain(o.website), o)
        self.org_by_domain.pop("", None)
        self.org_by_name = {o.name_key: o for o in self.organizations}
        for o in self.organizations:
            if o.short_name:
                self.org_by_name.setdefault(normalize_name(o.short_name), o)
        if self.kind == "contacts":
            contacts = list(Contact.objects.all())
            self.contact_by_ext = {c.external_id: c for c in contacts if c.external_id}
            self.contact_by_email = {c.email.lower(): c for c in contacts if c.email}
            self.contact_by_name = {(c.organization_id, normalize_name(c.full_name)): c for c in contacts}
        if self.kind == "interactions":
            self.interaction_by_ext = {
                i.external_id: i for i in Interaction.objects.exclude(external_id="").select_related("organization")
            }
        if self.kind == "organizations":
            self.sectors_of = {}
            links = Organization.sectors.through.objects.values_list("organization_id", "sector_id", "sector__name")
            for organization_id, sector_id, name in links:
                self.sectors_of.setdefault(organization_id, {})[normalize_name(name)] = sector_id

    def plan(self, numbered_rows):
        """A RowPlan for each (number, cells) row."""
        return Plan(kind=self.kind, rows=[self.plan_row(number, cells) for number, cells in numbered_rows])

    def plan_row(self, number, cells):
        values = {name: (cells[index] if index < len(cells) else "") for index, name in self.columns.items()}
        row = RowPlan(number=number)
        getattr(self, f"_plan_{self.kind}")(row, values)
        if row.instance is not None:
            self._validate(row, values)
        if not row.errors and row.action == "update" and not row.changed:
            row.action = "skip"
        row.changed_labels = [str(field_label(self.kind, name)) for name in row.changed]
        return row

    def column(self, name):
        """The heading of the column mapped to ``name`` (what the error report names)."""
        for index, mapped in self.columns.items():
            if mapped == name:
                return self.headings[index] if index < len(self.headings) else str(field_label(self.kind, name))
        return str(field_label(self.kind, name))

    def _once(self, row, keys, what):
        """Refuse a row naming the same record as an earlier row of the file."""
        for key in keys:
            if key in self.seen:
                row.error("", _("Same %(what)s as row %(row)s: each record may appear only once in a file.") % {"what": what(), "row": self.seen[key]})
                return False
        for key in keys:
            self.seen[key] = row.number
        return True

    def _start(self, row, existing, new):
        """``new`` makes the record a row creates; only called when nothing existing matched."""
        if existing is None:
            row.action, row.instance = "create", new()
        else:
            row.action, row.instance = "update", copy.copy(existing)
            row.before = {}

    def _assign(self, row, values, skip=()):
        """Put the file's text on the instance; a blank cell leaves an existing record's value as it is."""
        for name, text in values.items():
            if name in skip or name in ("organization", "sectors"):
                continue
            if not text and row.action == "update":
                continue
            model_field = self.model._meta.get_field(name)
            if text and model_field.choices:
                text = _choice(self.model, name, text)
            if name == "website":
                text = _with_scheme(text)
            if not text and model_field.null:
                text = None
            self._set(row, name, text)

    def _set(self, row, name, value):
        if row.action == "update":
            old = getattr(row.instance, name)
            if str(old if old is not None else "") == str(value if value is not None else ""):
                return
            row.before.setdefault(name, old)
        setattr(row.instance, name, value)
        row.changed.append(name)

    def _validate(self, row, values):
        model_fields = {f.name for f in self.model._meta.concrete_fields}
        exclude = [name for name in model_fields if name not in row.changed or name == "organization"]
        instance = row.instance
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.error(self.column(name), message)
        if self.kind == "interactions" and not row.errors:
            try:
                instance.clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    row.error(self.column(name), " ".join(messages))
        if row.action == "update":
            # clean_fields turned the text into typed values: compare again so “12” equal to 12 is no change.
            row.changed = [n for n in row.changed if n not in row.before or row.before[n] != getattr(instance, n)]
            row.before = {n: v for n, v in row.before.items() if n.removesuffix("_id") in row.changed}

    def _organization(self, row, text, column="organization"):
        """The existing organization a contact or interaction row names, by name, acronym or website."""
        if not text:
            return None
        found = self.org_by_ext.get(text) or self.org_by_name.get(normalize_name(text))
        if found is None and "." in text:
            found = self.org_by_domain.get(website_domain(text))
        if found is None:
            row.error(self.column(column), _("No organization “%(name)s”: import or create it first, or check the spelling.") % {"name": text})
        return found

    # --- one method per kind ---------------------------------------------------------

    def _plan_organizations(self, row, values):
        external_id, name = values.get("external_id", ""), values.get("name", "")
        domain, name_key = website_domain(values.get("website", "")), normalize_name(name)
        row.label = name
        existing = (
            (external_id and self.org_by_ext.get(external_id))
            or (domain and self.org_by_domain.get(domain))
            or (name_key and self.org_by_name.get(name_key))
            or None
        )
        keys = [k for k in (("ext", external_id), ("domain", domain), ("name", name_key)) if k[1]]
        if existing is not None:
            keys.append(("pk", existing.pk))
        if not self._once(row, keys, lambda: _("organization")):
            return
        # A file without a kind column makes companies: CRM exports list companies, and kind is required.
        self._start(row, existing, lambda: Organization(kind=Organization.Kind.INDUSTRY))
        self._assign(row, values)
        if name_key:
            clash = self.org_by_name.get(name_key)
            if clash is not None and clash is not existing and clash.name_key == name_key:
                row.error(self.column("name"), _("“%(name)s” already exists; names may not differ only in case or accents.") % {"name": clash.name})
            row.instance.name_key = name_key
        elif row.action == "create":
            row.error(self.column("name"), _("Enter a name."))
        if existing is not None and domain and existing.website and website_domain(existing.website) != domain:
            row.warnings.append((_("Matched to %(name)s by name, but its website differs.") % {"name": existing.name}, existing.get_absolute_url()))
        self._plan_sectors(row, values.get("sectors", ""), existing)

    def _plan_sectors(self, row, text, existing):
        """Sectors named in an “Industry” cell (separated by “;” or “,”) are added, never removed."""
        names = [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
        row.sectors = names
        if names and existing is not None:
            current = self.sectors_of.get(existing.pk, {})
            if {normalize_name(n) for n in names} - set(current):
                row.before["sectors"] = sorted(current.values())
                row.changed.append("sectors")

    def _plan_contacts(self, row, values):
        external_id, email = values.get("external_id", ""), values.get("email", "").lower()
        row.label = f"{values.get('first_name', '')} {values.get('last_name', '')}".strip()
        existing = (external_id and self.contact_by_ext.get(external_id)) or (email and self.contact_by_email.get(email)) or None
        keys = [k for k in (("ext", external_id), ("email", email)) if k[1]]
        if existing is not None:
            keys.append(("pk", existing.pk))
        if not self._once(row, keys, lambda: _("contact")):
            return
        organization = self._organization(row, values.get("organization", ""))
        if row.errors:
            return
        self._start(row, existing, Contact)
        if not self._set_organization(row, organization, _("Name the contact's organization.")):
            return
        self._assign(row, values)
        if row.action == "create":
            same = self.contact_by_name.get((organization.pk, normalize_name(row.label)))
            if same is not None:
                row.warnings.append((_("%(name)s at %(organization)s already exists with another email.") % {"name": same.full_name, "organization": organization.name}, reverse("partners:contact-detail", args=[same.pk])))

    def _set_organization(self, row, organization, missing):
        """Point the row's record at ``organization``; False (with ``missing`` as the error) when a new one has none."""
        if organization is not None and organization.pk != row.instance.organization_id:
            if row.action == "update":
                row.before["organization_id"] = row.instance.organization_id
            row.instance.organization = organization
            row.changed.append("organization")
        elif organization is None and row.action == "create":
            row.error(self.column("organization"), missing)
            return False
        return True

    def _plan_interactions(self, row, values):
        external_id = values.get("external_id", "")
        row.label = values.get("subject", "")
        existing = (external_id and self.interaction_by_ext.get(external_id)) or None
        organization = self._organization(row, values.get("organization", ""))
        if row.errors:
            return
        keys = [("ext", external_id)] if external_id else []
        keys.append(("same", organization and organization.pk, values.get("occurred_on"), values.get("kind", "").casefold(), row.label.casefold()))
        if not self._once(row, keys, lambda: _("interaction")):
            return
        self._start(row, existing, lambda: Interaction(author=self.user))
        if not self._set_organization(row, organization, _("Name the interaction's organization.")):
            return
        self._assign(row, values)


def plan_import(*, kind, table, mapping, user):
    """The plan for ``table`` imported as ``kind`` with ``mapping``; reads the database, writes nothing."""
    return Planner(kind, table.headings, mapping, user).plan(table.rows)
