"""django-filter's backend for every list of the API, with each filter that names a record by its id
(`?person=`, `?child=`, `?organisation=`, `?volunteer=`…) choosing among the records the user may
see. An id of another township's record then answers 400 "not a valid choice", as an id that does
not exist does, and not 200 with an empty list, which told a township's officer that record N
exists elsewhere. Filters on reference data (a township's or village's code) are left as they are."""

from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend


class JurisdictionFilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for item in filterset.filters.values():  # the filterset's own copies of its filters
            if isinstance(item, QuerySetRequestMixin):
                choices = item.get_queryset(request)
                if choices is not None and hasattr(choices, "for_user"):
                    item.queryset = choices.for_user(request.user)
        return filterset
