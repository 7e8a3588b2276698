from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partnerships")

    def ready(self):
        # Connects the security log's receivers to the sign-in signals.
        from . import security  # noqa: F401
