"""Who is asking, from where: the client address (behind the bureau's reverse proxy too), the
personal-data access log, and the login lockout's state as the two login doors report it."""

import ipaddress
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AccessLog


def client_ip(request) -> str | None:
    """The client's address. Without a trusted proxy it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT
    proxies, each appends the address it saw to TRUSTED_PROXY_HEADER, so the client is that many
    entries from the right; entries further left were written by the client and are never
    believed. A request that did not come through the proxies (a short or malformed header) is
    counted at REMOTE_ADDR. Also django-axes' AXES_CLIENT_IP_CALLABLE: the lockout is per account
    and client address."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(meta_key, "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def access_log_record(
    *, user, action: str, object_type: str, object_ids=(), detail: str = "", request=None
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=object_type,
        object_ids=[int(i) for i in object_ids],
        detail=detail[:300],  # written by the system (a path and a label), not typed by a user
        ip_address=client_ip(request),
    )


def login_locked_until(request, username: str | None) -> datetime | None:
    """When the lockout of `username` at this request's client address ends (local time), or None
    if it is not locked. Read from django-axes' own records with its own lockout parameters."""
    if not username or not isinstance(username, str):
        return None
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_cool_off, get_credentials, get_failure_limit

    AxesProxyHandler.update_request(request)
    credentials = get_credentials(username)
    cool_off = get_cool_off(request)
    if cool_off is None:  # a permanent lock: no time to give
        return None
    handler = AxesProxyHandler.get_implementation()
    limit = get_failure_limit(request, credentials)
    until = None
    for attempts in handler.get_user_attempts(request, credentials):
        rows = list(attempts.values_list("failures_since_start", "attempt_time"))
        if rows and sum(failures for failures, _at in rows) >= limit:
            ends = max(at for _failures, at in rows) + cool_off
            until = ends if until is None else max(until, ends)
    account = account_locked_until(username)
    if account is not None and (until is None or account > until):
        until = account
    return timezone.localtime(until) if until else None


def account_locked_until(username: str | None) -> datetime | None:
    """The second, account-wide lock: a lock per account and address alone lets an attacker guess
    one account's password from many addresses, five tries each. AXES_ACCOUNT_FAILURE_LIMIT failures
    of one username from any addresses within the cool-off lock it everywhere until the cool-off
    has passed since the last of them (core.backends.AccountGuardBackend refuses it meanwhile)."""
    if not username or not isinstance(username, str):
        return None
    from axes.models import AccessAttempt

    cool_off = settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(username=username, attempt_time__gte=timezone.now() - cool_off).values_list(
            "failures_since_start", "attempt_time"
        )
    )
    if sum(failures for failures, _at in rows) < settings.AXES_ACCOUNT_FAILURE_LIMIT:
        return None
    return timezone.localtime(max(at for _failures, at in rows) + cool_off)


def lockout_message(until: datetime) -> str:
    """账户已锁定，请于 HH:MM 后再试 (with the date when the lock ends on another day)."""
    when = f"{until:%H:%M}" if until.date() == timezone.localdate() else f"{until:%Y-%m-%d %H:%M}"
    return _("账户已锁定，请于 %(time)s 后再试。") % {"time": when}
