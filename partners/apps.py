from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partnerships")

    def ready(self):
        # Connects the security log's receivers to the sign-in signals.
        from . import security  # noqa: F401

        from .search import ensure_index

        # SQLite drops a table's triggers when a migration rebuilds the table; put the search index back.
        post_migrate.connect(ensure_index, sender=self, dispatch_uid="partners-search-index")
