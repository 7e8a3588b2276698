"""Staff-page forms: what they refuse, and that refusing never crashes."""
import pytest

from partners.forms import MAX_PARTICIPANTS, CollaborationForm, InteractionForm, OrganizationForm, ParticipantFormSet
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
        assert any("valid" in str(error) for errors in form.errors.values() for error in errors), form.errors


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
