"""Staff-page forms: what they refuse, and that refusing never crashes."""
import pytest
from django.utils import timezone

from partners.forms import (
    MAX_PARTICIPANTS,
    CollaborationForm,
    InteractionForm,
    OrganizationForm,
    ParticipantFormSet,
    record_ids,
)
from partners.models import Collaboration
from tests.factories import OrganizationFactory, SectorFactory

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = "99999999999999999999"


@pytest.mark.parametrize("bad_id", [BEYOND_BIGINT, "-" + BEYOND_BIGINT, "²", "abc", " 7 "])
def test_an_id_that_cannot_exist_is_refused_not_a_crash(bad_id):
    """SQLite raised OverflowError (a 500) on an id beyond a bigint in a multiple choice (found by the fuzz tests)."""
    partner = OrganizationFactory()
    forms = [
        OrganizationForm(data={"name": "X", "kind": "industry", "status": "partner", "sectors": [bad_id]}),
        CollaborationForm(data={"title": "X", "kind": "workshop", "status": "active", "organizations": [bad_id]}),
        InteractionForm(data={"kind": "call", "occurred_on": "2026-11-02", "subject": "X", "contacts": [bad_id]},
                        organization=partner),
    ]
    for form in forms:
        assert not form.is_valid()
        # Partners are typed by name: an id-like text that names none is "no active partner is named …".
        assert any("valid" in str(error) or "No active partner is named" in str(error)
                   for errors in form.errors.values() for error in errors), form.errors


def test_records_field_still_accepts_existing_ids():
    sector = SectorFactory()
    form = OrganizationForm(data={"name": "X", "kind": "industry", "status": "partner", "sectors": [str(sector.pk)]})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["sectors"]) == [sector]


def test_a_tampered_participant_count_builds_a_bounded_formset():
    """A TOTAL_FORMS of 99999 built 2,000 rows of every candidate person, a slow page (found by the fuzz tests)."""
    formset = ParticipantFormSet(
        {"participants-TOTAL_FORMS": "99999", "participants-INITIAL_FORMS": "0"},
        instance=Collaboration(), prefix="participants",
    )
    assert len(formset.forms) == MAX_PARTICIPANTS
    assert not formset.is_valid() and formset.non_form_errors()


def contact_form(organization, **data):
    from partners.forms import ContactForm

    return ContactForm(data={"first_name": "Anil", "last_name": "Arora", "organization": organization, **data})


def test_a_partner_is_typed_by_its_name_whatever_the_case_accents_or_punctuation():
    ireq = OrganizationFactory(name="Institut de recherche d'Hydro-Québec")
    for typed in ["Institut de recherche d'Hydro-Québec", "  institut de recherche d hydro quebec "]:
        form = contact_form(typed)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["organization"] == ireq


def test_an_unknown_or_archived_partner_is_refused_with_the_names_it_may_have_meant():
    OrganizationFactory(name="Hydro-Québec")
    OrganizationFactory(name="Hydro One")
    OrganizationFactory(name="Old Hydro", archived_at=timezone.now())
    form = contact_form("Hydro")
    assert not form.is_valid()
    assert form.errors["organization"] == ["No active partner is named “Hydro”. Did you mean: Hydro One, Hydro-Québec?"]
    # What was typed stays in the input.
    assert 'value="Hydro"' in str(form["organization"])
    assert contact_form("Old Hydro").errors["organization"] == ["No active partner is named “Old Hydro”."]
    assert "Null characters are not allowed." in contact_form("Hyd\x00ro").errors["organization"][0]


def test_partner_inputs_list_every_name_up_to_a_limit_then_none(monkeypatch, django_assert_num_queries):
    from partners import forms

    OrganizationFactory(name="<b>Bold</b> & Co")
    OrganizationFactory(name="Sama")
    html = str(contact_form("")["organization"])
    assert '<option value="&lt;b&gt;Bold&lt;/b&gt; &amp; Co"><option value="Sama">' in html
    assert 'data-suggest=""' in html and 'list="id_organization_names"' in html
    monkeypatch.setattr(forms, "PARTNERS_LISTED", 1)
    with django_assert_num_queries(1):
        html = str(contact_form("")["organization"])
    assert "<option" not in html and 'data-suggest="/partners/suggest/"' in html


def test_a_collaboration_takes_several_partners_one_per_input():
    sama, giatec = OrganizationFactory(name="Sama"), OrganizationFactory(name="Giatec")
    data = {"title": "X", "kind": "workshop", "status": "active"}
    form = CollaborationForm(data={**data, "organizations": ["sama", "Giatec", "SAMA", " "]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["organizations"] == [sama, giatec]
    refused = CollaborationForm(data={**data, "organizations": ["Sama", "Sam"]})
    assert refused.errors["organizations"] == ["No active partner is named “Sam”. Did you mean: Sama?"]
    html = str(refused["organizations"])
    # The names typed stay, each in its input, with three empty inputs for more.
    assert html.count('name="organizations"') == 5 and 'value="Sam"' in html and "required" not in html
    # Screen readers name each input: the field's label is tied to the first.
    assert 'aria-label="Partner organizations (4)"' in html and html.count("aria-label=") == 4


def test_record_ids_keeps_only_values_that_can_be_ids():
    assert record_ids(["3", "abc", "²", "-1", "", "99999999999999999999", " 4", "12"]) == [3, 12]
