"""Paginators for long lists: LateRows reads a page of a list whose order an index holds by its keys,
found first; CountedInRows counts a list with its page, in one statement.

A payroll's lines are read by township, village and id, a page at a time. Read directly, a page deep
in a month's 54,000 lines made PostgreSQL read, join (the payee, the township and village names)
and sort every line before it: 0.2 s for a page of the payroll's page, 0.6 s for the last pages of
the API's pull. With LateRows the page's keys are found in a subquery from the index alone
(payment_line_batch_order: an index-only scan past the lines before it, 8 ms for the last page),
and only those rows are read in full with what they join, in the list's own order, in the same
statement (one snapshot: a draft rebuilt between two statements would leave a page empty)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class LateRows:
    """A Django Paginator mixin: `page()` reads its rows as `object_list.filter(pk__in=<the page's
    keys, sliced in the list's order>)`. For a queryset of model rows in a total order (the last key
    the primary key) with no annotation that depends on the rows around it (a window function):
    such a page is exactly a plain Paginator's."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(list(self.object_list.filter(pk__in=keys)), number, self)


class LateRowsPaginator(LateRows, Paginator):
    pass


class CountedInRows(Paginator):
    """For rows of values() that each carry the whole list's length in a column, `count_column` (a
    window count, COUNT(*) OVER (), computed before the page is cut): the page asked for is read first
    and its first row says how long the list is, so a page and its count are one statement. A grouped
    list (the people due a visit, aggregated from their programme entries) was aggregated twice, once
    to count it and once for the page. When the page asked for has no rows (an empty list, a page past
    the end) the list is counted as a plain Paginator counts it, and get_page then reads the last
    page; a number that is not a page (or is beyond any list) counts the list by its first page. The
    pages are exactly a plain Paginator's."""

    count_column = "total"
    _asked = 1
    _read = None  # (number, rows) of the page read to count the list

    def _ask(self, number) -> None:
        if "count" not in self.__dict__:  # the list is counted by the first page asked for
            try:
                asked = int(number)
            except (TypeError, ValueError, OverflowError):  # None, "x", float("inf"): not a page
                asked = 1
            # a page beyond any list (?page=10**30, an offset past the database's 64-bit integers)
            # counts the list by its first page; get_page then answers with the last page
            self._asked = asked if 1 <= asked <= 10**12 // self.per_page else 1

    @cached_property
    def count(self):
        bottom = (self._asked - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + self.orphans])
        if not rows:
            return super().count
        self._read = (self._asked, rows)
        return rows[0][self.count_column]

    def get_page(self, number):
        self._ask(number)
        return super().get_page(number)

    def page(self, number):
        self._ask(number)
        number = self.validate_number(number)
        if self._read is None or self._read[0] != number:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._read[1][: top - bottom], number, self)
