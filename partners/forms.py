"""Staff-page forms: validation only; the views hand cleaned data to services."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Collaboration,
    Contact,
    FairParticipation,
    Interaction,
    Organization,
    Participant,
)
from .selectors_duplicates import contacts_like, organizations_like
from .versioning import VersionedFormMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
        field_classes = {"sectors": RecordsField, "programs": RecordsField}

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
    organizations = RecordsField(
        queryset=Organization.objects.active(),
        label=_("Partner organizations"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
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
