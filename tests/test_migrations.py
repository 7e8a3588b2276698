"""The migrations on main describe the models on main."""
import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    # Exits with status 1, failing the test, when a model change has no migration yet.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
