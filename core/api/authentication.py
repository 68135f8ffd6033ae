"""API tokens that end: a token taken for a person's account lasts API_TOKEN_HOURS (a working day by
default), as a page's session ends after its idle minutes; the API client role's token is a
system's and lasts until its password changes (core.models.User.save ends every token then)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from core.roles import Role


def token_expired(token: Token, user) -> bool:
    if user.role == Role.API_CLIENT:
        return False
    return token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS)


def token_for(user) -> Token:
    """The user's token, a new one where the last has ended (the token endpoint's answer)."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token, user):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token …`, refused once the token has ended (401: take a new one)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token, user):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取。"))
        return user, token
