"""API tokens that end: a token taken for a person's account lasts API_TOKEN_HOURS (a working day by
default), as a page's session ends after its idle minutes; the API client role's token is a
system's and lasts until its password changes (core.models.User.save ends every token then)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from core.roles import Role


def _lasts(user) -> bool:
    """The API client role's token is a system's: it lasts until its password changes."""
    return user.role == Role.API_CLIENT


def _issued_since() -> datetime:
    return timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS)


def token_expired(token: Token, user) -> bool:
    return not _lasts(user) and token.created < _issued_since()


def token_for(user) -> Token:
    """The user's token, a new one where the last has ended (the token endpoint's answer). Two
    requests at once both get the one token: the key is one per user, and the second takes what
    the first made."""
    if not _lasts(user):
        Token.objects.filter(user=user, created__lt=_issued_since()).delete()
    try:
        with transaction.atomic():
            return Token.objects.get_or_create(user=user)[0]
    except IntegrityError:  # made by the other request a moment ago
        return Token.objects.get(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, refused once the token has ended (401: take a new one)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token, user):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        return user, token
