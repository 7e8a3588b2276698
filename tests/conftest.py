"""Shared fixtures: users in each role, the seeded database."""
import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files unhashed: the hashed manifest exists only after collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def team_user(db):
    return UserFactory(username="team", first_name="Tess", last_name="Team", group="Partnerships team")


@pytest.fixture
def readonly_user(db):
    return UserFactory(username="reader", first_name="Rita", last_name="Reader", group="Read-only")


@pytest.fixture
def seeded(db):
    """The seed fixture, loaded the way `make run` loads it."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with the production hasher costs ~0.3 s a user; tests make hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
