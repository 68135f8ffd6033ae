"""Authentication backends of the portal (AUTHENTICATION_BACKENDS)."""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core.services.access import account_locked_until


class AccountGuardBackend:
    """Refuses, before any password is checked, an account locked account-wide (too many failures
    from any addresses: core.services.access.account_locked_until). django-axes locks per account
    and address; this is the ceiling over all addresses. Raising PermissionDenied stops Django from
    asking the backends after it, so even the right password is refused while the lock lasts."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if account_locked_until(username) is not None:
            raise PermissionDenied
        return None

    # No get_user: it never signs anyone in, so it must not be the backend a session is bound to
    # (Client.force_login and django.contrib.auth pick the first backend that has get_user).


class CachedPermissionsBackend(ModelBackend):
    """Django's ModelBackend, with each user's permission set kept in the cache between requests:
    the two permission queries and the set built from them were a fixed cost of every page (the
    menu, the views' checks and the templates ask it dozens of times a request). The key carries
    the user's role, superuser flag and perms_version, which perms_moved (below; its receivers are
    wired in core/apps.py) moves whenever the user's groups, own permissions or groups' permissions
    change, or a group or permission is deleted; the user row is read on every request, so a change
    applies from the next request in every process, and a stale set is never read."""

    TIMEOUT = 3600

    def get_user(self, user_id):
        """The signed-in user with their township in the same query: most pages read it (the
        menu, the jurisdiction), which was a Division query on every other request under load."""
        from django.contrib.auth import get_user_model

        try:
            user = get_user_model()._default_manager.select_related("township").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = self.cache_key(user_obj)
            perms = cache.get(key)
            if perms is None:
                perms = super().get_all_permissions(user_obj)
                cache.set(key, perms, self.TIMEOUT)
            user_obj._perm_cache = perms
        return user_obj._perm_cache

    @staticmethod
    def cache_key(user_obj) -> str:
        version = getattr(user_obj, "perms_version", 0)
        return f"perms:{user_obj.pk}:{user_obj.role}:{int(user_obj.is_superuser)}:{version}"


def perms_moved(user_ids=None) -> None:
    """Move perms_version of these users (all users when None): their cached sets are never read
    again."""
    from django.db.models import F

    from core.models import User

    users = User.objects.all() if user_ids is None else User.objects.filter(pk__in=list(user_ids))
    users.update(perms_version=F("perms_version") + 1)


def on_user_access_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed of User.groups and User.user_permissions: the user (or, from the other side,
    the users in pk_set; all users when the other side is cleared)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        perms_moved([instance.pk])
    else:
        perms_moved(None if action == "post_clear" else pk_set)


def on_group_deleting(sender, instance, **kwargs):
    """A group about to be deleted: its members lose what it gave them, and Django removes the
    memberships without an m2m_changed signal."""
    from core.models import User

    instance._members_before_delete = list(User.objects.filter(groups=instance).values_list("pk", flat=True))


def on_group_deleted(sender, instance, **kwargs):
    perms_moved(getattr(instance, "_members_before_delete", None))


def on_permission_deleted(sender, instance, **kwargs):
    """A deleted permission may be in anyone's set (directly or through a group)."""
    perms_moved(None)


def on_group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed of Group.permissions: every member of the group (or of the groups in pk_set)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from core.models import User

    if not reverse:
        perms_moved(User.objects.filter(groups=instance).values_list("pk", flat=True))
    elif action == "post_clear":
        perms_moved(None)
    else:
        perms_moved(User.objects.filter(groups__in=pk_set).values_list("pk", flat=True))
