"""Pages of a long list whose order an index holds, found by their keys first.

A payroll's lines are read by township, village and id, a page at a time. Read directly, a page deep
in a month's 54,000 lines made PostgreSQL read, join (the payee, the township and village names)
and sort every line before it: 0.3 s for a page of the payroll's page, 0.8 s for the last pages of
the API's pull. With LateRows a page's keys are found first, from the index alone
(payment_line_batch_order: an index-only scan past the lines before it, 8 ms for the last page),
then those rows only are read in full with what they join, in the list's own order."""

from django.core.paginator import Paginator


class LateRows:
    """A Django Paginator mixin: `page()` reads the page's primary keys, then its rows (two queries
    instead of one). For querysets with a total order an index holds; elsewhere it only adds a query."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(self.object_list.filter(pk__in=keys)), number, self)


class LateRowsPaginator(LateRows, Paginator):
    pass
