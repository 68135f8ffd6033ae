"""core.paginators.LateRows: a page's rows read by its keys, found first in a subquery. The pages
are exactly a plain Paginator's, in the list's order, whatever the page size, capped or not
(payroll lines at city scale: 0.2-0.6 s a deep page before)."""

import itertools

from django.core.paginator import Paginator

from core.models import Division, Person
from core.paginators import LateRowsPaginator
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
