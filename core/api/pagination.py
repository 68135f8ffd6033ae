from rest_framework import pagination

from core.paginators import CountedInRows, LateRowsPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class LateRowsPagination(PageNumberPagination):
    """For a long list in an order an index holds (a payroll's lines): a page's rows are read by
    their keys, found in a subquery (core.paginators.LateRows). The same answer as
    PageNumberPagination."""

    django_paginator_class = LateRowsPaginator


class CountedInRowsPagination(PageNumberPagination):
    """For rows that carry the list's length as `total`, a window count: the page and the count are
    one statement (core.paginators.CountedInRows). The same answer as PageNumberPagination."""

    django_paginator_class = CountedInRows
