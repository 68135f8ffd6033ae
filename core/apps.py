from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            importers,  # noqa: F401 (registers the people importer in every process)
            lookups,  # noqa: F401 (field__any_of)
        )

        # The statutory divisions exist once core has migrated (a flushed test database loses what
        # migrations loaded), before the apps after core, which may refer to them.
        post_migrate.connect(_ensure_divisions, sender=self, dispatch_uid="core.ensure_divisions")
        # An app's permissions exist only once its post_migrate has run, and later apps extend the
        # roles: the role groups are synced once, after the last app's (every migrate and every test
        # flush emits post_migrate once per app; syncing after each cost ~1.5 s a flush, thirty times).
        post_migrate.connect(_sync_role_groups, dispatch_uid="core.sync_role_groups")
        # A change of what a user may do moves their perms_version (core.backends' cached sets).
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, pre_delete

        from .backends import (
            on_group_deleted,
            on_group_deleting,
            on_group_permissions_changed,
            on_permission_deleted,
            on_user_access_changed,
        )
        from .models import User

        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(on_user_access_changed, sender=through, dispatch_uid=f"core.access.{through.__name__}")
        m2m_changed.connect(
            on_group_permissions_changed, sender=Group.permissions.through, dispatch_uid="core.group_permissions"
        )
        # Deletes remove memberships and grants without m2m_changed.
        pre_delete.connect(on_group_deleting, sender=Group, dispatch_uid="core.group_deleting")
        post_delete.connect(on_group_deleted, sender=Group, dispatch_uid="core.group_deleted")
        post_delete.connect(on_permission_deleted, sender=Permission, dispatch_uid="core.permission_deleted")


def _ensure_divisions(sender, **kwargs):
    from .reference import ensure_divisions

    ensure_divisions()


def _sync_role_groups(sender, **kwargs):
    from django.apps import apps

    from .roles import sync_role_groups

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        sync_role_groups()
        # The sync may run on the migration's historical models, which send no signal the portal's
        # receivers hear: every cached permission set is dropped (core.backends).
        # (Not on a database migrated back to before the field existed.)
        from .backends import perms_moved

        state = kwargs.get("apps")
        fields = {f.name for f in state.get_model("core", "User")._meta.get_fields()} if state else {"perms_version"}
        if "perms_version" in fields:
            perms_moved()
