"""FilterSets for the staff lists; the directory's is shared with the reports."""
import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Collaboration, Contact, InternshipFair, Organization, Program, Sector

DATE = forms.DateInput(attrs={"type": "date"})


def staff_users():
    """People who can own relationships: active users, by name."""
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class OrganizationFilter(django_filters.FilterSet):
    """The partner directory's filters; every one lives in the query string."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("Kind"))
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors", queryset=Sector.objects.all(), label=_("Sector")
    )
    status = django_filters.ChoiceFilter(choices=Organization.Status.choices, label=_("Status"))
    program = django_filters.ModelChoiceFilter(
        field_name="programs", queryset=Program.objects.all(), label=_("Program")
    )
    owner = django_filters.ModelChoiceFilter(
        field_name="relationship_owner", queryset=staff_users(), label=_("Relationship owner")
    )
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label=_("Country"))
    city = django_filters.CharFilter(field_name="city", lookup_expr="icontains", label=_("City"))
    partner_since_from = django_filters.NumberFilter(
        field_name="partner_since", lookup_expr="gte", label=_("Partner since (from year)")
    )
    partner_since_to = django_filters.NumberFilter(
        field_name="partner_since", lookup_expr="lte", label=_("Partner since (to year)")
    )
    last_interaction_after = django_filters.DateFilter(
        method="filter_last_interaction_after", label=_("Last interaction after"), widget=DATE
    )
    last_interaction_before = django_filters.DateFilter(
        method="filter_last_interaction_before", label=_("Last interaction before"), widget=DATE
    )
    active_collaboration = django_filters.BooleanFilter(
        method="filter_active_collaboration",
        label=_("Has an active collaboration"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )
    fair = django_filters.ModelChoiceFilter(
        queryset=InternshipFair.objects.all(), method="filter_fair", label=_("Took part in fair")
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("kind", "kind"),
            ("status", "status"),
            ("partner_since", "partner_since"),
            ("last_interaction_on", "last_interaction"),
            ("interaction_count", "interactions"),
        ],
        field_labels={
            "name": _("Name"),
            "kind": _("Kind"),
            "status": _("Status"),
            "partner_since": _("Partner since"),
            "last_interaction_on": _("Last interaction"),
            "interaction_count": _("Interactions"),
        },
    )

    class Meta:
        model = Organization
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_last_interaction_after(self, queryset, name, value):
        return queryset.contacted_after(value)

    def filter_last_interaction_before(self, queryset, name, value):
        # "Last interaction before D": nothing on or after D; never-contacted partners included.
        return queryset.not_contacted_since(value)

    def filter_active_collaboration(self, queryset, name, value):
        return queryset.with_active_collaboration(present=value)

    def filter_fair(self, queryset, name, value):
        return queryset.took_part_in(value)


class ContactFilter(django_filters.FilterSet):
    """The contact list's filters."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.active(), label=_("Organization")
    )
    kind = django_filters.ChoiceFilter(
        field_name="organization__kind", choices=Organization.Kind.choices, label=_("Organization kind")
    )
    is_primary = django_filters.BooleanFilter(
        label=_("Primary contacts only"),
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Contact
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class CollaborationFilter(django_filters.FilterSet):
    """The collaboration list's filters."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Collaboration.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Collaboration.Status.choices, label=_("Status"))
    organization = django_filters.ModelChoiceFilter(
        field_name="organizations", queryset=Organization.objects.active(), label=_("Partner organization")
    )

    class Meta:
        model = Collaboration
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (the stock NumberFilter accepts decimals)."""

    field_class = forms.IntegerField


REPORT_COLUMNS = [
    ("kind", _("Kind")),
    ("status", _("Status")),
    ("sectors", _("Sectors")),
    ("programs", _("Programs")),
    ("city", _("City")),
    ("country", _("Country")),
    ("owner", _("Relationship owner")),
    ("partner_since", _("Partner since")),
    ("contacts", _("Contacts")),
    ("interactions", _("Interactions")),
    ("active_collaborations", _("Active collaborations")),
    ("last_interaction", _("Last interaction")),
]
DEFAULT_REPORT_COLUMNS = ["kind", "status", "sectors", "owner", "interactions", "last_interaction"]


class ReportForm(forms.Form):
    """Checks that the report's period runs forwards."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class ReportFilter(OrganizationFilter):
    """The directory's filters plus the report's period and options, all in one query string.

    The options do not narrow the organizations (except "include synthetic"): the report reads
    them from ``form.cleaned_data``; they are filters only so one form validates them all.
    """

    date_from = django_filters.DateFilter(method="keep", label=_("Period from"), widget=DATE)
    date_to = django_filters.DateFilter(method="keep", label=_("Period to"), widget=DATE)
    days = IntegerFilter(
        method="keep",
        label=_("Days (agreements ending, partners cooling)"),
        min_value=1,
        max_value=3650,
    )
    columns = django_filters.MultipleChoiceFilter(
        method="keep",
        choices=REPORT_COLUMNS,
        label=_("Columns"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: kind, status, sectors, owner, interactions and last interaction."),
    )
    include_synthetic = django_filters.BooleanFilter(
        method="filter_include_synthetic", label=_("Include synthetic records"), widget=forms.CheckboxInput
    )

    class Meta(OrganizationFilter.Meta):
        form = ReportForm

    def keep(self, queryset, name, value):
        return queryset

    def filter_include_synthetic(self, queryset, name, value):
        return queryset if value else queryset.real()
