"""Pages of a long list whose order an index holds, found by their keys first.

A payroll's lines are read by township, village and id, a page at a time. Read directly, a page deep
in a month's 54,000 lines made PostgreSQL read, join (the payee, the township and village names)
and sort every line before it: 0.2 s for a page of the payroll's page, 0.6 s for the last pages of
the API's pull. With LateRows the page's keys are found in a subquery from the index alone
(payment_line_batch_order: an index-only scan past the lines before it, 8 ms for the last page),
and only those rows are read in full with what they join, in the list's own order, in the same
statement (one snapshot: a draft rebuilt between two statements would leave a page empty)."""

from django.core.paginator import Paginator


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
