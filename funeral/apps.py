from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FuneralConfig(AppConfig):
    name = "funeral"
    verbose_name = _("殡葬服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import importers, indicators  # noqa: F401 (register the ledger importer and indicators 7, 8)

        # Waiver prices and eligible categories are configuration the bureau edits: put the
        # defaults back where missing after a migrate or a test database flush.
        post_migrate.connect(_ensure_configuration, sender=self, dispatch_uid="funeral.configuration")


def _ensure_configuration(sender, **kwargs):
    from funeral.reference import ensure_configuration

    ensure_configuration()
