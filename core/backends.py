"""Authentication backends of the portal (AUTHENTICATION_BACKENDS)."""

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
