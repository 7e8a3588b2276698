"""FilterSets for the staff lists; the directory's is shared with the reports."""
import copy

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, F, OrderBy, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.forms.utils import pretty_name
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField

from . import search
from .forms import PartnerField
from .models import Collaboration, Contact, InternshipFair, Organization, Program, Sector, person_name
from .renderers import PlainWidgetRenderer

DATE = forms.DateInput(attrs={"type": "date"})


class FilterForm(forms.Form):
    """The form of every list's filters: rendered on each page view, so its widgets are written directly."""

    default_renderer = PlainWidgetRenderer()


class ListedModelChoiceField(ModelChoiceField):
    """A choice of one of a short list of records, labelled in SQL by ``choice_label`` (an expression)."""

    def __init__(self, *args, choice_label=F("name"), **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_label = choice_label


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter over a short list (sectors, programs, owners, fairs): see ``load_listed_choices``.

    Not for organizations: 100,000 of them are better streamed by the stock iterator.
    """

    field_class = ListedModelChoiceField


def _listed_choices_sql(fields):
    """One UNION ALL over the lists of ``fields``: (list number, id, label, position in the list's order)."""
    parts, params = [], []
    for number, field in enumerate(fields):
        queryset = field.queryset
        ordering = [OrderBy(F(o[1:]), descending=True) if o.startswith("-") else F(o)
                    for o in (queryset.query.order_by or queryset.model._meta.ordering or ["pk"])]
        part = queryset.order_by().annotate(
            _list=Value(number), _label=Cast(field.choice_label, CharField()),
            _position=Window(RowNumber(), order_by=ordering),
        ).values_list("_list", "pk", "_label", "_position")
        sql, part_params = part.query.get_compiler(connection=connection).as_sql()
        parts.append(sql)
        params.extend(part_params)
    return " UNION ALL ".join(parts), params


def load_listed_choices(form):
    """Fill the choices of every short list of ``form`` from one query.

    Four lists (sectors, programs, owners, fairs) are four round trips on every directory view; their
    statement is built once per form class and database, since the lists' querysets are fixed.
    """
    fields = [field for field in form.fields.values() if isinstance(field, ListedModelChoiceField)]
    if not fields:
        return
    cache = type(form).__dict__.get("_listed_choices_sql")
    if cache is None:
        cache = type(form)._listed_choices_sql = {}
    if connection.vendor not in cache:
        cache[connection.vendor] = _listed_choices_sql(fields)
    sql, params = cache[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[3]))
    for number, field in enumerate(fields):
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        null = [(field.null_value, field.null_label)] if field.null_label is not None else []
        # Django's own setter: django-filter's would wrap the list in a queryset iterator.
        forms.ChoiceField.choices.fset(
            field, empty + null + [(pk, label) for list_number, pk, label, _ in rows if list_number == number])


class FilterSet(django_filters.FilterSet):
    """A FilterSet that costs less on every page view: its filters are copied, not deep-copied, and its
    form class is made once per class and language.

    The form's fields hold no request state (their querysets are static and copied with each form, and
    each form works on its own copies of the fields), but some of their labels are translated when the
    field is made ("Name (descending)"), hence one form class per language.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's own __init__, but for copy.copy instead of copy.deepcopy of the filters: a
        # filter's settings are only read, and each copy gets its own model and parent here.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # binds a FilterMethod to this copy, not to the class's filter

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            load_listed_choices(form)
        return self._form

    def get_form_class(self):
        cls = type(self)
        if "_form_classes" not in cls.__dict__:
            cls._form_classes = {}
        language = get_language()
        if language not in cls._form_classes:
            cls._form_classes[language] = super().get_form_class()
        return cls._form_classes[language]


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's sort choices, with "… (descending)" translated when shown, in one order on every
    database.

    django-filter formats those labels when the FilterSet class is made, in the language of that
    moment: French pages said "Name (descending)". The databases disagree on where an empty value goes
    (PostgreSQL last when ascending, SQLite first): in the ``nullable`` fields it counts as the earliest
    (a partner never contacted is the coldest). Rows with equal values come in any order, so a later page
    could repeat or skip one: ``tie_breakers`` settle them.
    """

    def __init__(self, *args, nullable=(), tie_breakers=(), **kwargs):
        self.nullable = nullable
        self.tie_breakers = tie_breakers
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        field = value.lstrip("-")
        # Only where a value can be empty: on a column that cannot, NULLS FIRST/LAST would keep both
        # databases from reading its index in order.
        if field not in self.nullable:
            return value
        return F(field).desc(nulls_last=True) if value.startswith("-") else F(field).asc(nulls_first=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value in EMPTY_VALUES:
            return qs
        chosen = {self.param_map.get(param.lstrip("-")) for param in value}
        return qs.order_by(*qs.query.order_by, *(field for field in self.tie_breakers if field not in chosen))

    def build_choices(self, fields, labels):
        descending = lazy(lambda label: self.descending_fmt % label, str)
        ascending = [(param, labels.get(field, pretty_name(param))) for field, param in fields.items()]
        return [
            choice
            for param, label in ascending
            for choice in ((param, label), (f"-{param}", labels.get(f"-{param}", descending(label))))
        ]


def staff_users():
    """People who can own relationships: active users, by name."""
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class OrganizationFilter(FilterSet):
    """The partner directory's filters; every one lives in the query string."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("Kind"))
    sector = ModelChoiceFilter(queryset=Sector.objects.all(), method="filter_sector", label=_("Sector"))
    status = django_filters.ChoiceFilter(choices=Organization.Status.choices, label=_("Status"))
    program = ModelChoiceFilter(
        queryset=Program.objects.all(), method="filter_program", label=_("Program")
    )
    owner = ModelChoiceFilter(
        field_name="relationship_owner", queryset=staff_users(), label=_("Relationship owner"),
        choice_label=person_name(),
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
    fair = ModelChoiceFilter(
        queryset=InternshipFair.objects.all(), method="filter_fair", label=_("Took part in fair")
    )
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("kind", "kind"),
            ("status", "status"),
            ("partner_since", "partner_since"),
            ("last_interaction_on", "last_interaction"),
            ("interaction_count", "interactions"),
        ],
        nullable=("partner_since", "last_interaction_on"),
        tie_breakers=("name", "pk"),
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
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return search.organizations(queryset, value)

    def filter_sector(self, queryset, name, value):
        return queryset.in_sector(value)

    def filter_program(self, queryset, name, value):
        return queryset.in_program(value)

    def filter_last_interaction_after(self, queryset, name, value):
        return queryset.contacted_after(value)

    def filter_last_interaction_before(self, queryset, name, value):
        # "Last interaction before D": nothing on or after D; never-contacted partners included.
        return queryset.not_contacted_since(value)

    def filter_active_collaboration(self, queryset, name, value):
        return queryset.with_active_collaboration(present=value)

    def filter_fair(self, queryset, name, value):
        return queryset.took_part_in(value)


class PartnerFilter(django_filters.ModelChoiceFilter):
    """One active partner, typed by name (or given by id, as links to a list do): see forms.PartnerField."""

    field_class = PartnerField


class ContactFilter(FilterSet):
    """The contact list's filters."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organization = PartnerFilter(queryset=Organization.objects.active(), label=_("Organization"))
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
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return search.contacts(queryset, value)


class CollaborationFilter(FilterSet):
    """The collaboration list's filters."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Collaboration.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Collaboration.Status.choices, label=_("Status"))
    organization = PartnerFilter(
        field_name="organizations", queryset=Organization.objects.active(), label=_("Partner organization")
    )

    class Meta:
        model = Collaboration
        fields = []
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return search.collaborations(queryset, value)


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


class ReportForm(FilterForm):
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
