from django.core.paginator import Paginator
from django.utils.functional import cached_property

from core import selectors
from core.forms import PersonSearchForm
from core.paginators import CountedInRows, LateRows


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: a city-wide list never pays for a full COUNT(*) over a million
    people. Past the cap the page says "10000+" and asks for a narrower search."""

    cap = 10_000

    @cached_property
    def count(self):
        n = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)


class CappedLateRowsPaginator(LateRows, CappedPaginator):
    """A capped page of a long list in an index's order, read by its keys (core.paginators)."""


def labels(choices) -> dict[str, str]:
    """A model's choices as {value: label}, each label translated once: a list page's rows share
    them (a lazy label is translated again wherever it is shown)."""
    return {value: str(label) for value, label in choices}


def paginate(request, queryset, per_page: int = 50, *, late_rows: bool = False, counted_in_rows: bool = False):
    """A page of `queryset` (counted up to CappedPaginator.cap). `late_rows`: the page's rows are read
    by their keys, found in a subquery (core.paginators.LateRows), for a long list in an order an index
    holds (a payroll's lines). `counted_in_rows`: each row holds the list's length as `total`, a window
    count (a grouped list), and the page is counted with its rows (core.paginators.CountedInRows); the
    capped count by primary key does not apply to them."""
    if counted_in_rows:
        paginator = CountedInRows(queryset, per_page)
    else:
        paginator = (CappedLateRowsPaginator if late_rows else CappedPaginator)(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def search(request, list_selector):
    """The people/household search box: name or ID prefix, and a township within the user's
    jurisdiction. A township outside it is a form error with an empty list, never a wider one."""
    form = PersonSearchForm(request.GET or None, townships=selectors.township_choices(request.user))
    if form.is_bound and not form.is_valid():
        return form, list_selector(user=request.user).none()
    q = form.cleaned_data["q"] if form.is_bound else ""
    township = form.cleaned_data["township"].code if form.is_bound and form.cleaned_data["township"] else None
    return form, list_selector(user=request.user, q=q, township=township)
