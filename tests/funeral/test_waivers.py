"""基本殡葬服务费减免: eligibility on the date of death through core's category registry, amounts at
the configured prices, the urn up to its cap, frozen once granted; yearly totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funeral import selectors
from funeral.models import FeeItem, Waiver, WaiverEligibleCategory
from funeral.services.configuration import fee_item_price_set, waiver_category_add
from funeral.services.waivers import WaiverInput, waiver_eligibility, waiver_grant
from tests.factories import PersonFactory

D = datetime.date
ALL = list(FeeItem.values)


def test_the_default_configuration_is_fujians_five_items_with_the_urn_capped_at_200(db):
    from funeral.services.waivers import fee_prices_on

    prices = fee_prices_on(D(2024, 1, 1))
    assert set(prices) == set(FeeItem.values)
    assert prices[FeeItem.URN].price == Decimal("200.00")
    assert sum(p.price for p in prices.values()) == Decimal("960.00")  # ≈ the plan's 928 元 a waiver
    assert set(WaiverEligibleCategory.objects.values_list("code", flat=True)) >= {"dibao", "tekun"}


def test_a_deceased_in_an_eligible_category_on_the_date_of_death_is_waived(poor, staff, record_for, honglai_person):
    poor.add(honglai_person, D(2023, 1, 1))
    record = record_for(honglai_person, died=D(2024, 3, 1))
    assert waiver_eligibility(record=record) == ["test_poor"]
    waiver = waiver_grant(user=staff, record=record, items=ALL, urn_price=Decimal("180"))
    assert waiver.total == Decimal("940.00")  # 180 + 150 + 30 + 400 + 180 (urn below the cap)
    assert waiver.categories == ["test_poor"]
    assert {line.item: line.amount for line in waiver.lines.all()}[FeeItem.URN] == Decimal("180.00")


def test_someone_who_left_the_category_before_dying_is_not_eligible(poor, staff, record_for, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1), D(2023, 12, 31))
    record = record_for(honglai_person, died=D(2024, 3, 1))
    with pytest.raises(ValidationError) as exc:
        waiver_grant(user=staff, record=record, items=ALL, urn_price=Decimal("180"))
    assert "不属于减免对象" in exc.value.message_dict["waiver"][0]
    assert not Waiver.objects.exists()


def test_someone_in_no_category_is_not_eligible(poor, staff, record_for, honglai_person):
    record = record_for(honglai_person)
    assert waiver_eligibility(record=record) == []


def test_an_urn_above_the_cap_is_waived_only_up_to_the_cap(poor, staff, record_for, honglai_person):
    poor.add(honglai_person, D(2023, 1, 1))
    record = record_for(honglai_person)
    waiver = waiver_grant(user=staff, record=record, items=[FeeItem.URN, FeeItem.CREMATION], urn_price=Decimal("680"))
    urn = waiver.lines.get(item=FeeItem.URN)
    assert (urn.charged, urn.amount) == (Decimal("680.00"), Decimal("200.00"))
    assert waiver.total == Decimal("600.00")


def test_amounts_use_the_price_in_force_on_the_service_date_and_stay_frozen(poor, staff, record_for, make_user):
    first, second = PersonFactory(), PersonFactory()
    poor.add(first, D(2020, 1, 1))
    poor.add(second, D(2020, 1, 1))
    fee_item_price_set(user=staff, item=FeeItem.CREMATION, price="450", effective_from=D(2024, 6, 1), note="新收费标准")
    before = waiver_grant(
        user=staff, record=record_for(first, died=D(2024, 5, 1), cremated=D(2024, 5, 3)), items=[FeeItem.CREMATION]
    )
    after = waiver_grant(
        user=staff, record=record_for(second, died=D(2024, 5, 30), cremated=D(2024, 6, 2)), items=[FeeItem.CREMATION]
    )
    assert (before.total, after.total) == (Decimal("400.00"), Decimal("450.00"))
    fee_item_price_set(user=staff, item=FeeItem.CREMATION, price="500", effective_from=D(2024, 1, 1))
    before.refresh_from_db()
    assert before.total == Decimal("400.00")  # a granted waiver keeps its amount


def test_severe_disability_counts_once_the_bureau_makes_it_eligible(staff, record_for, honglai):
    person = PersonFactory(township=honglai, disability_category="physical", disability_grade=1)
    record = record_for(person)
    assert waiver_eligibility(record=record) == []
    waiver_category_add(user=staff, code="severe_disability")
    assert waiver_eligibility(record=record) == ["severe_disability"]


def test_only_registered_categories_can_be_made_eligible(staff):
    with pytest.raises(ValidationError) as exc:
        waiver_category_add(user=staff, code="no_such_category")
    assert "未知的人员类别" in exc.value.message_dict["code"][0]


def test_a_waiver_is_granted_once_and_an_unknown_deceased_cannot_be_checked(
    poor, staff, record_for, honglai_person, honglai
):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person)
    waiver_grant(user=staff, record=record, items=[FeeItem.CREMATION])
    with pytest.raises(ValidationError):
        waiver_grant(user=staff, record=record, items=[FeeItem.CREMATION])
    unknown = record_for(None, township=honglai)
    with pytest.raises(ValidationError) as exc:
        waiver_grant(user=staff, record=unknown, items=[FeeItem.CREMATION])
    assert "身份不明" in exc.value.message_dict["waiver"][0]


def test_the_urn_needs_its_price_and_items_must_be_known(poor, staff, record_for, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person)
    with pytest.raises(ValidationError) as exc:
        waiver_grant(user=staff, record=record, items=[FeeItem.URN, "massage"])
    assert set(exc.value.message_dict) == {"urn_price", "waiver_items"}


def test_a_record_registered_with_its_waiver_is_one_transaction(poor, staff, record_for, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person, waiver=WaiverInput(items=ALL, urn_price=Decimal("300")))
    assert record.waiver.total == Decimal("960.00")


def test_yearly_totals_by_month_and_township(poor, staff, record_for, honglai, shuitou):
    people = [PersonFactory(township=honglai), PersonFactory(township=honglai), PersonFactory(township=shuitou)]
    for p in people:
        poor.add(p, D(2020, 1, 1))
    dates = [D(2024, 1, 10), D(2024, 3, 2), D(2024, 3, 20)]
    for p, day in zip(people, dates, strict=True):
        waiver_grant(
            user=staff, record=record_for(p, died=day, cremated=day), items=[FeeItem.CREMATION, FeeItem.BODY_BAG]
        )
    other_year = PersonFactory(township=honglai)
    poor.add(other_year, D(2020, 1, 1))
    waiver_grant(
        user=staff,
        record=record_for(other_year, died=D(2023, 12, 30), cremated=D(2023, 12, 31)),
        items=[FeeItem.CREMATION],
    )

    totals = selectors.waiver_totals(user=staff, year=2024)
    assert totals["count"] == 3
    assert totals["amount"] == Decimal("1290.00")
    assert totals["month_count"][:3] == [1, 0, 2]
    assert totals["month_amount"][2] == Decimal("860.00")
    by_code = {t["code"]: t for t in totals["townships"]}
    assert by_code[honglai.code]["count"] == 2 and by_code[honglai.code]["name"] == "洪濑镇"
    assert by_code[shuitou.code]["months"][2] == Decimal("430.00")


def test_a_township_officer_sees_only_their_townships_totals(poor, staff, officer, record_for, honglai, shuitou):
    for township in (honglai, shuitou):
        p = PersonFactory(township=township)
        poor.add(p, D(2020, 1, 1))
        waiver_grant(user=staff, record=record_for(p), items=[FeeItem.CREMATION])
    totals = selectors.waiver_totals(user=officer, year=2024)
    assert [t["code"] for t in totals["townships"]] == [honglai.code]
    assert totals["amount"] == Decimal("400.00")
