"""django-filter's backend for every list of the API, with each filter that names a record by its id
(`?person=`, `?child=`, `?organisation=`, `?volunteer=`…) choosing among the records the user may
know of: their own (the record's `for_user`) and those the list's own records name (a volunteer from
another township who served here, a facility elsewhere where this township's dead rest). Any other
id answers 400 "not a valid choice", as an id that does not exist does, and not 200 with an empty
list, which told a township's officer that record N exists elsewhere. Filters on reference data (a
township's or village's code) are left as they are.

In the browsable API such a filter is a text box: its form listed every record of the choice, a
person's full name for each, to roles that see names masked (and a million of them city-wide)."""

from django import forms
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend


class JurisdictionFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for item in filterset.filters.values():  # the filterset's own copies of its filters
            if not isinstance(item, QuerySetRequestMixin):
                continue
            choices = item.get_queryset(request)
            if choices is None or not hasattr(choices, "for_user"):
                continue
            # `queryset` is the list as this user may see it (the views start from for_user).
            named = choices.model._default_manager.filter(pk__in=queryset.order_by().values(item.field_name))
            item.queryset = choices.for_user(request.user) | named
            item.extra["widget"] = forms.TextInput
        return filterset
