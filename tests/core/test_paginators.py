"""core.paginators.LateRows: a page's rows read by its keys, found first in a subquery. The pages
are exactly a plain Paginator's, in the list's order, whatever the page size, capped or not
(payroll lines at city scale: 0.2-0.6 s a deep page before)."""

import itertools

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

from core.models import Division, Person
from core.paginators import CountedInRows, LateRowsPaginator
from core.views.common import CappedLateRowsPaginator, CappedPaginator
from tests.factories import HONGLAI, SHUITOU, PersonFactory


def test_late_rows_pages_are_a_plain_paginators_pages(db, django_assert_num_queries):
    villages = [
        Division.objects.create(code=f"{HONGLAI}{n:03d}", name=f"测试{n}村", level=Division.Level.VILLAGE,
                                kind=Division.Kind.VILLAGE, parent_id=HONGLAI)
        for n in (902, 901)
    ]  # fmt: skip
    for n in range(7):  # two townships, two villages and none, registered out of order
        township = Division.objects.get(code=(HONGLAI, SHUITOU)[n % 2])
        PersonFactory(township=township, village=villages[n % 3] if n % 3 < 2 and n % 2 == 0 else None)
    people = Person.objects.select_related("township").order_by("township_id", "village_id", "id")
    pairs = [(Paginator, LateRowsPaginator), (CappedPaginator, CappedLateRowsPaginator)]  # the API's, the pages'
    for (plain_class, late_class), per_page in itertools.product(pairs, (1, 2, 3, 7, 50)):
        plain, late = plain_class(people, per_page), late_class(people, per_page)
        assert late.num_pages == plain.num_pages
        for number in plain.page_range:
            expected = [p.pk for p in plain.page(number)]
            with django_assert_num_queries(1):  # one statement: one snapshot of the list
                page = late.page(number)
            with django_assert_num_queries(0):  # its rows were read in one statement, their joins with them
                got = [(p.pk, p.township.name) for p in page]
            assert [pk for pk, _name in got] == expected, (per_page, number)
            assert page.has_next() == plain.page(number).has_next()


def test_pages_counted_in_their_rows_are_a_plain_paginators_pages_in_one_statement(db, django_assert_num_queries):
    """core.paginators.CountedInRows: the page asked for is read first and its rows' window count is
    the list's length, so a page in range costs one statement; a page past the end and an empty
    list are counted apart, and every page, number and orphan setting answers as Django's own."""
    for n in range(7):
        PersonFactory(township=Division.objects.get(code=(HONGLAI, SHUITOU)[n % 2]))
    rows = Person.objects.values("pk", "name").annotate(total=Window(Count("*"))).order_by("-pk")

    def statements(number, pages, per_page):
        if number == pages + 1:  # read (empty, or orphans past the last page), counted, the last page read
            return 3 if pages * per_page >= 7 else 2
        return 2 if number in ("0", "-1", "9" * 30) and pages > 1 else 1  # the last page, read apart

    not_pages = ("1", None, "x", "0", "-1", "2.0", "9" * 30, float("inf"))  # and what passes for one
    for per_page, orphans in itertools.product((1, 2, 3, 7, 50), (0, 1, 2)):
        plain = Paginator(rows, per_page, orphans=orphans)
        for number in (*plain.page_range, plain.num_pages + 1, *not_pages):
            counted = CountedInRows(rows, per_page, orphans=orphans)
            with django_assert_num_queries(statements(number, plain.num_pages, per_page)):
                page = counted.get_page(number)
                got = [row["pk"] for row in page]
            expected = plain.get_page(number)
            assert (got, page.number, counted.count) == ([row["pk"] for row in expected], expected.number, 7), (
                per_page, orphans, number)  # fmt: skip
            assert page.has_next() == expected.has_next()
        for number, refusal in ((plain.num_pages + 1, EmptyPage), ("x", PageNotAnInteger)):  # the API's 404
            with pytest.raises(refusal):
                CountedInRows(rows, per_page, orphans=orphans).page(number)
    with django_assert_num_queries(2):  # an empty list: the empty page, then the count
        empty = CountedInRows(rows.filter(pk__lt=0), 50).get_page(None)
        assert (list(empty), empty.paginator.count, empty.number) == ([], 0, 1)
