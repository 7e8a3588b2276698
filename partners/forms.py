"""Staff-page forms: validation only; the views hand cleaned data to services."""
from django import forms
from django.core import validators
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _

from . import search
from .models import (
    Collaboration,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
    Participant,
    normalize_name,
)
from .renderers import PlainWidgetRenderer
from .selectors_duplicates import contacts_like, organizations_like
from .versioning import VersionedFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Up to this many partners a form lists every name for the browser to offer; past it, the page would
# grow with the directory (100,000 names: 6 s and megabytes per form), so names come as one types.
PARTNERS_LISTED = 500
SUGGESTED = 8


def record_ids(values):
    """The values that can be database ids; the rest of what a person or a tampered URL sent is dropped."""
    # str.isdigit() also accepts "²", which int() refuses; ids beyond a bigint cannot exist.
    return [int(value) for value in values if value.isascii() and value.isdigit() and int(value) < 2**63]


def partners_named(queryset, texts):
    """Each of ``texts`` mapped to the organization of ``queryset`` it names, or None; one query.

    A text names an organization by its name, whatever its case, accents or punctuation (the unique
    ``name_key``), or by its id, as links to a form and older pages send it.
    """
    keys = {text: normalize_name(text) for text in texts}
    ids = {text: pk for text in texts for pk in record_ids([text.strip()])}
    found = list(queryset.filter(Q(name_key__in=set(keys.values())) | Q(pk__in=set(ids.values())))) if texts else []
    by_key, by_id = {o.name_key: o for o in found}, {o.pk: o for o in found}
    return {text: by_key.get(keys[text]) or by_id.get(ids.get(text)) for text in texts}


class PartnerInput(forms.TextInput):
    """A partner typed by name, with names to pick from in a ``<datalist>``.

    With up to ``PARTNERS_LISTED`` partners the list holds them all and works without script; past
    that it starts empty and static/js/suggest.js fills it from the suggestion address as one types.
    """

    queryset = Organization.objects.none()
    inputs_extra = 0
    label = ""

    def _datalist(self, list_id):
        names = list(self.queryset.order_by("name").values_list("name", flat=True)[: PARTNERS_LISTED + 1])
        listed = names if len(names) <= PARTNERS_LISTED else []
        options = format_html_join("", '<option value="{}">', ((name,) for name in listed))
        suggest = "" if listed or not names else reverse("partners:partner-suggest")
        return format_html('<datalist id="{}" data-suggest="{}">{}</datalist>', list_id, suggest, options)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.attrs, **(attrs or {})}
        list_id = f"{attrs.get('id') or name}_names"
        values = value if isinstance(value, list) else [value]
        inputs = []
        for number, one in enumerate([*values, *[""] * self.inputs_extra]):
            one_attrs = {**attrs, "list": list_id, "autocomplete": "off"}
            if number and "id" in attrs:
                # The field's <label> names the first input only: the others are named for themselves.
                one_attrs["id"] = f"{attrs['id']}_{number}"
                one_attrs["aria-label"] = f"{self.label} ({number + 1})"
            inputs.append(super().render(name, one, one_attrs, renderer))
        return format_html_join("", "{}", ((html,) for html in inputs)) + self._datalist(list_id)


class PartnersInput(PartnerInput):
    """Several partners, one per input: those chosen, and three empty inputs for more."""

    allow_multiple_selected = True
    inputs_extra = 3

    def format_value(self, value):
        return value

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [value for value in ([values] if isinstance(values, str) else values) if str(value).strip()]

    def value_omitted_from_data(self, data, files, name):
        return False

    def use_required_attribute(self, initial):
        # Every input would be required, the empty ones for more partners too.
        return False


class PartnerChoiceMixin:
    """What both partner fields share: names shown for ids, names resolved with a suggestion when unknown."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def _names(self, values):
        """Each value as the widget shows it: an organization or an id as its name, typed text as it was."""
        ids = {number: pk for number, value in enumerate(values)
               if value is not None and not isinstance(value, Organization) for pk in record_ids([str(value)])}
        names = dict(Organization.objects.filter(pk__in=ids.values()).values_list("pk", "name")) if ids else {}
        return [value.name if isinstance(value, Organization) else "" if value is None
                else names.get(ids.get(number), str(value)) for number, value in enumerate(values)]

    def _resolve(self, texts):
        texts = [str(text).strip() for text in texts if str(text).strip()]
        for text in texts:
            # Neither database can compare a NUL byte (PostgreSQL refuses it, SQLite's FTS fails on it).
            validators.ProhibitNullCharactersValidator()(text)
        found = partners_named(self.queryset, texts)
        unknown = [text for text in texts if found[text] is None]
        if unknown:
            similar = list(search.organizations(self.queryset, unknown[0]).order_by("name")
                           .values_list("name", flat=True)[:SUGGESTED])
            message = gettext("No active partner is named “%(value)s”.") % {"value": unknown[0]}
            if similar:
                message += " " + gettext("Did you mean: %(names)s?") % {"names": ", ".join(similar)}
            raise forms.ValidationError(message, code="invalid_choice")
        return [found[text] for text in texts]


class PartnerField(PartnerChoiceMixin, forms.ModelChoiceField):
    """An active partner, typed by name: a choice list of every partner does not scale."""

    widget = PartnerInput

    def prepare_value(self, value):
        return self._names([value])[0]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        (organization,) = self._resolve([value]) or [None]
        return organization


class PartnersField(PartnerChoiceMixin, forms.ModelMultipleChoiceField):
    """Several active partners, each typed by name."""

    widget = PartnersInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.label = self.label

    def prepare_value(self, value):
        if value is None or isinstance(value, (str, Organization)):
            value = [] if value in (None, "") else [value]
        return self._names(list(value))

    def clean(self, value):
        value = [v for v in (value or []) if str(v).strip()]
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        organizations = list(dict.fromkeys(self._resolve(value)))
        self.run_validators(organizations)
        return organizations

    def has_changed(self, initial, data):
        return sorted(self.prepare_value(initial)) != sorted(str(v).strip() for v in data or [])


class RecordsField(forms.ModelMultipleChoiceField):
    """Choose several records by id; an id no database column can hold is an invalid choice, not a crash."""

    def _check_values(self, value):
        # Django looks such ids up with `pk__in`, which SQLite answers with OverflowError (a 500).
        for pk in value:
            digits = pk.strip().lstrip("-") if isinstance(pk, str) else ""
            # isascii(): "²" passes isdigit() but not int().
            if digits.isascii() and digits.isdigit() and not -(2**63) <= int(pk) < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class InteractionForm(VersionedFormMixin, forms.ModelForm):
    """Log or edit a touch with one organization; contacts are limited to its people."""

    # A checkbox per contact of the partner: hundreds for a large one, written in Python.
    default_renderer = PlainWidgetRenderer()

    class Meta:
        model = Interaction
        fields = ["kind", "occurred_on", "subject", "notes", "contacts", "follow_up_on"]
        widgets = {
            "occurred_on": DATE,
            "follow_up_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "contacts": forms.CheckboxSelectMultiple,
        }
        field_classes = {"contacts": RecordsField}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["contacts"].queryset = organization.contacts.all()
        self.fields["occurred_on"].initial = timezone.localdate
        self.fields["follow_up_on"].help_text = _("Optional: when to get back to them.")


class DuplicateWarningMixin(forms.Form):
    """Warns when the record being typed looks like a stored one; a "save anyway" tick lets it through.

    The form comes back with what was typed and ``likely_duplicates`` to link to (see
    partners/includes/_likely_duplicates.html); subclasses say what "looks like" means.
    """

    save_anyway = forms.BooleanField(required=False, label=_("Save anyway: this is not the same record"))
    likely_duplicates = ()

    def find_duplicates(self, data):
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("save_anyway"):
            return cleaned
        self.likely_duplicates = list(self.find_duplicates(cleaned))
        if self.likely_duplicates:
            raise forms.ValidationError(self.duplicate_message, code="likely_duplicate")
        return cleaned


class OrganizationForm(DuplicateWarningMixin, VersionedFormMixin, forms.ModelForm):
    duplicate_message = _(
        "This looks like an organization already recorded (below). Open it instead, or tick “Save anyway”."
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "name_fr",
            "short_name",
            "kind",
            "status",
            "sectors",
            "programs",
            "city",
            "country",
            "website",
            "employee_count",
            "partner_since",
            "relationship_owner",
            "parent",
            "description",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "programs": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"sectors": RecordsField, "programs": RecordsField, "parent": PartnerField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].assume_scheme = "https"
        parents = Organization.objects.active()
        self.fields["parent"].queryset = parents.exclude(pk=self.instance.pk) if self.instance.pk else parents

    def find_duplicates(self, data):
        return organizations_like(name=data.get("name", ""), website=data.get("website", ""), exclude_pk=self.instance.pk)


class ContactForm(DuplicateWarningMixin, VersionedFormMixin, forms.ModelForm):
    duplicate_message = _("This looks like a person already recorded (below). Open them instead, or tick “Save anyway”.")

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "title", "organization", "email", "phone", "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"organization": PartnerField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.active()

    def find_duplicates(self, data):
        return contacts_like(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            email=data.get("email", ""),
            organization=data.get("organization"),
            exclude_pk=self.instance.pk,
        )


class CollaborationForm(VersionedFormMixin, forms.ModelForm):
    organizations = PartnersField(
        queryset=Organization.objects.active(),
        label=_("Partner organizations"),
        help_text=_("One partner per line: type a few letters of its name and pick it. Saving gives more empty lines."),
    )

    class Meta:
        model = Collaboration
        fields = [
            "title",
            "kind",
            "status",
            "organizations",
            "start_year",
            "start_on",
            "end_on",
            "summary",
            "objectives",
            "outcomes",
            "research_areas",
        ]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "research_areas": forms.CheckboxSelectMultiple,
        }
        field_classes = {"research_areas": RecordsField}


MAX_PARTICIPANTS = 200

ParticipantFormSet = forms.inlineformset_factory(
    Collaboration,
    Participant,
    fields=["contact", "role"],
    extra=2,
    can_delete=True,
    # A tampered form count would otherwise build (and render) up to 2,000 rows of every candidate person.
    max_num=MAX_PARTICIPANTS,
    absolute_max=MAX_PARTICIPANTS,
    validate_max=True,
)


class FairParticipationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = FairParticipation
        fields = [
            "organization",
            "status",
            "internships_offered",
            "full_time_offered",
            "interns_hired",
            "converted_full_time",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"organization": PartnerField}

    def __init__(self, *args, fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.fair = fair
        self.fields["organization"].queryset = Organization.objects.active()
        if self.instance.pk:
            self.fields["organization"].disabled = True

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        taken = FairParticipation.objects.filter(fair=self.instance.fair, organization=organization)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This organization is already registered for this fair."))
        return organization


class SearchForm(forms.Form):
    """The global search box; its validation refuses the NUL bytes PostgreSQL cannot compare."""

    q = forms.CharField(required=False)
