"""Staff-page forms: what they refuse, and that refusing never crashes."""
import pytest

from partners.forms import CollaborationForm, InteractionForm, OrganizationForm
from tests.factories import OrganizationFactory, SectorFactory

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = "99999999999999999999"


def test_an_id_too_large_for_the_database_is_an_invalid_choice_not_a_crash():
    """SQLite raised OverflowError (a 500) on such an id in a multiple choice (found by the fuzz tests)."""
    partner = OrganizationFactory()
    forms = [
        OrganizationForm(data={"name": "X", "kind": "industry", "status": "partner", "sectors": [BEYOND_BIGINT]}),
        CollaborationForm(data={"title": "X", "kind": "workshop", "status": "active", "organizations": [BEYOND_BIGINT]}),
        InteractionForm(data={"kind": "call", "occurred_on": "2026-11-02", "subject": "X", "contacts": [BEYOND_BIGINT]},
                        organization=partner),
    ]
    for form in forms:
        assert not form.is_valid()
        assert any("valid choice" in str(error) for errors in form.errors.values() for error in errors), form.errors


def test_records_field_still_accepts_existing_ids():
    sector = SectorFactory()
    form = OrganizationForm(data={"name": "X", "kind": "industry", "status": "partner", "sectors": [str(sector.pk)]})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["sectors"]) == [sector]
