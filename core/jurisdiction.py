"""The one jurisdiction mechanism every app uses.

A model opts in with `objects = JurisdictionQuerySet.as_manager()` and, where its township is not
the `township` field, names the path: `jurisdiction_field = "household__township"`.

- City-level users (admin, bureau staff, leaders, API clients without a township) see everything.
- Township-level users see records of their own township only.
- A record with no township is visible to city-level users only (a township user's filter on
  township never matches NULL), so an unlocated record cannot leak to every township.
"""

from django.db import models
from django.http import Http404

DEFAULT_JURISDICTION_FIELD = "township"


def jurisdiction_field(model) -> str:
    return getattr(model, "jurisdiction_field", DEFAULT_JURISDICTION_FIELD)


class JurisdictionQuerySet(models.QuerySet):
    def for_user(self, user) -> "JurisdictionQuerySet":
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_level:
            return self
        if not user.township_id:
            return self.none()
        return self.filter(**{jurisdiction_field(self.model): user.township_id})


def user_can_act_in(user, township_code: str | None) -> bool:
    """May this user create or move a record into this township?"""
    if user.is_city_level:
        return True
    return township_code is not None and township_code == user.township_id


class JurisdictionMixin:
    """For class-based views and DRF views: the queryset starts from the user's jurisdiction, so a
    record of another township answers 404 (its existence is not disclosed)."""

    model = None
    queryset = None

    def get_base_queryset(self):
        if self.queryset is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get_queryset(self):
        qs = self.get_base_queryset()
        return qs.for_user(self.request.user)


def get_for_user_or_404(queryset, user, **lookup):
    try:
        return queryset.for_user(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
