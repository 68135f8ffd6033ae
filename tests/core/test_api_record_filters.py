"""Every API list's filter over a record of a township (a person, a child, an organisation…) goes
through core.api.record_filters, which lets it take only records the user may know of: a filter
declared another way (a number filter on the id, an `__in` list) would check ids city-wide again."""

from django.urls import get_resolver
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend


def _list_views(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _list_views(pattern.url_patterns)
            continue
        actions = getattr(pattern.callback, "actions", None) or {}
        if actions.get("get") == "list":
            yield pattern.callback.cls


def _target(model, field_name: str):
    """The model a filter's field path ends on, if it ends on a relation."""
    field = None
    for part in field_name.split("__"):
        field = model._meta.get_field(part)
        if not field.is_relation:
            return None
        model = field.related_model
    return model if field is not None else None


def test_every_filter_over_a_townships_records_takes_only_what_the_user_may_know():
    checked, wrong = [], []
    for view_class in set(_list_views()):
        view = view_class(action="list", request=None, kwargs={}, format_kwarg=None)
        model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        queryset = view_class.queryset if view_class.queryset is not None else model._default_manager.all()
        filterset_class = DjangoFilterBackend().get_filterset_class(view, queryset)
        if filterset_class is None:
            continue
        for name, item in filterset_class.base_filters.items():
            if not item.field_name or item.method:
                continue
            target = _target(queryset.model, item.field_name)
            if target is None or not hasattr(target._default_manager, "for_user"):
                continue  # not a relation, or one to reference data (a township, a village)
            checked.append((view_class.__name__, name))
            if not isinstance(item, QuerySetRequestMixin):
                wrong.append((view_class.__name__, name, type(item).__name__))
    assert not wrong
    assert len(checked) >= 15  # ?person=, ?child=, ?volunteer=, ?organisation=, ?institution=, ?facility=
