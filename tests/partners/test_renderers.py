"""The filter forms' renderer writes the same HTML as Django's widget templates, only faster."""
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.signals import template_rendered
from django.utils import translation

from partners.forms import InteractionForm
from partners.filters import CollaborationFilter, ContactFilter, FilterForm, OrganizationFilter, ReportFilter
from partners.models import Collaboration, Contact, Organization
from partners.renderers import field_group
from tests.factories import ContactFactory, InternshipFairFactory, OrganizationFactory, ProgramFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def rendered(filterset_class, queryset, query, renderer=None):
    filterset = filterset_class(QueryDict(query), queryset=queryset)
    if renderer:
        filterset.form.renderer = renderer
    filterset.form.is_valid()
    return "".join(str(field) for field in filterset.form)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "query",
    ["", 'q=a<b"&kind=startup&status=partner&country=Canada&last_interaction_after=2020-01-02'
         "&active_collaboration=true&include_synthetic=on&columns=kind&columns=city&sort=-name",
     "sector=999999&partner_since_from=x&days=0"],
)
def test_every_filter_form_renders_exactly_as_the_django_templates_do(language, query):
    sector = SectorFactory(name="Santé & <bien-être>")
    InternshipFairFactory()
    UserFactory(first_name="Émilie", last_name="O'Brien")
    OrganizationFactory(name="Sama <AI>")
    query = query + f"&sector={sector.pk}" if query.startswith("q=") else query
    with translation.override(language):
        for filterset_class, queryset in (
            (OrganizationFilter, Organization.objects.all()),
            (ReportFilter, Organization.objects.all()),
        ):
            fast = rendered(filterset_class, queryset, query)
            assert fast == rendered(filterset_class, queryset, query, renderer=DjangoTemplates())
            assert "Santé &amp; &lt;bien-être&gt;</option>" in fast
        # The contact list's partner input and its list of names go through here too.
        contacts = rendered(ContactFilter, Contact.objects.all(), query)
        assert contacts == rendered(ContactFilter, Contact.objects.all(), query, renderer=DjangoTemplates())
        assert '<option value="Sama &lt;AI&gt;">' in contacts


def test_selected_choice_and_typed_text_come_back_escaped():
    sector = SectorFactory(name="Health")
    html = rendered(OrganizationFilter, Organization.objects.all(), f'q="><script>&sector={sector.pk}')
    assert f'<option value="{sector.pk}" selected>Health</option>' in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html


def test_short_choice_lists_are_read_with_one_query_for_all(django_assert_num_queries):
    SectorFactory(name="Transport")
    SectorFactory(name="Health")
    ProgramFactory(name="Applied research")
    UserFactory(first_name="Ada", last_name="Lovelace", username="ada")
    UserFactory(first_name="", last_name="", username="zed")
    UserFactory(first_name="Gone", username="gone", is_active=False)
    fair = InternshipFairFactory()
    filterset = OrganizationFilter(QueryDict(""), queryset=Organization.objects.all())
    # Prevents a round trip per list (sectors, programs, owners, fairs) on every directory view.
    with django_assert_num_queries(1):
        "".join(str(field) for field in filterset.form)
    choices = {name: list(filterset.form.fields[name].choices) for name in ("sector", "program", "owner", "fair")}
    assert [label for value, label in choices["sector"]] == ["---------", "Health", "Transport"]
    assert [label for value, label in choices["program"]] == ["---------", "Applied research"]
    # People are listed by name, as the directory's owner column shows them; inactive people are not.
    assert [label for value, label in choices["owner"]] == ["---------", "zed", "Ada Lovelace"]
    assert choices["fair"][1:] == [(fair.pk, fair.name)]


def test_a_chosen_short_list_entry_stays_selected_and_filters():
    health = SectorFactory(name="Health")
    OrganizationFactory(name="Dialogue", sectors=[health])
    OrganizationFactory(name="Giatec")
    filterset = OrganizationFilter(QueryDict(f"sector={health.pk}"), queryset=Organization.objects.all())
    assert f'<option value="{health.pk}" selected>Health</option>' in str(filterset.form["sector"])
    assert [o.name for o in filterset.qs] == ["Dialogue"]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "query",
    ["", 'q=a<b"&kind=startup&include_synthetic=on&columns=kind&columns=city&sort=-name',
     "sector=999999&partner_since_from=x&days=0&last_interaction_after=soon&columns=nothing"],
)
def test_every_filter_field_group_is_written_as_the_field_template_writes_it(language, query):
    SectorFactory(name="Santé & <bien-être>")
    OrganizationFactory(name="Sama <AI>")
    with translation.override(language):
        for filterset_class, queryset in (
            (OrganizationFilter, Organization.objects.all()),
            (ReportFilter, Organization.objects.all()),
            (ContactFilter, Contact.objects.all()),
            (CollaborationFilter, Collaboration.objects.all()),
        ):
            filterset = filterset_class(QueryDict(query), queryset=queryset)
            filterset.form.is_valid()
            for field in filterset.form:
                assert field_group(field) == render_to_string("includes/_field.html", {"field": field}), field.name
    assert {"checkbox", "checkboxselectmultiple", "select", "text"} <= {
        field.widget_type for field in ReportFilter(QueryDict(query), queryset=Organization.objects.all()).form
    }
    # No filter has help text or is required yet; a field that has both is written the same way too.
    probe = type("Probe", (FilterForm,), {"when": forms.DateField(help_text="<b>yyyy-mm-dd</b>", label="When & where")})
    field = probe(QueryDict("when=<soon>"))["when"]
    assert field.errors and field_group(field) == render_to_string("includes/_field.html", {"field": field})


def test_a_partner_log_form_writes_a_checkbox_per_contact_as_the_django_templates_do():
    organization = OrganizationFactory()
    chosen = ContactFactory(organization=organization, first_name="Zoé", last_name="<O'Brien>")
    ContactFactory.create_batch(3, organization=organization)
    form = InteractionForm(QueryDict(f"contacts={chosen.pk}&subject=Call"), organization=organization)
    form.is_valid()
    templates = []

    def record(sender, template, **kwargs):
        templates.append(template.name)

    template_rendered.connect(record)
    try:
        fast = str(form["contacts"])
    finally:
        template_rendered.disconnect(record)
    # Written in Python: no template per checkbox (1,265 of them for the busiest partner at scale L).
    assert templates == []
    form.renderer = DjangoTemplates()
    assert fast == str(form["contacts"])
    assert fast.count('type="checkbox"') == 4
    assert f'value="{chosen.pk}" id="id_contacts_' in fast and "Zoé &lt;O&#x27;Brien&gt;</label>" in fast
    assert fast.count(" checked>") == 1
