from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import importers  # noqa: F401 (registers the people importer in every process)

        # An app's permissions exist only once its post_migrate has run, and later apps extend
        # the roles: re-sync the role groups after each app (cheap and idempotent), and make sure
        # the statutory divisions exist (a flushed test database loses what migrations loaded).
        post_migrate.connect(_sync_role_groups, dispatch_uid="core.sync_role_groups")


def _sync_role_groups(sender, **kwargs):
    from .reference import ensure_divisions
    from .roles import sync_role_groups

    ensure_divisions()
    sync_role_groups()
