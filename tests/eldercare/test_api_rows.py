"""The eldercare lists of the API built straight from their records' rows (core.api.serializers.
RowsSerializer): the assessments and the subsidy roster. For every reader of each list, each row is
exactly its serializer's fields, in their order (tests/api_rows.py): township readers see 洪濑镇's
records, city-level readers also 水头镇's and a person's with no township."""

import pytest

from core.jurisdiction import user_can_act_in
from eldercare.api.assessments import AssessmentSerializer
from eldercare.api.subsidies import SubsidySerializer
from eldercare.assessment import ITEMS
from eldercare.models import Assessment, Subsidy
from eldercare.services.assessments import assessment_record
from eldercare.services.subsidies import subsidy_end, subsidy_enroll, subsidy_suspend
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.eldercare.conftest import THIS_MONTH, TODAY, assess, older
from tests.factories import HONGLAI, PersonFactory

pytestmark = pytest.mark.django_db


def _assert_rows_for_each_reach(make_user, url, serializer_class, shown, permission, *, township, city):
    """assert_rows_are_the_fields for every reader of the list: those of 洪濑镇 see its `township`
    records, those who see the whole city all `city` of them."""
    users = readers(make_user, allowed_to=permission)
    wide = [user for user in users if user.is_city_level]
    assert wide and len(wide) < len(users) and all(user_can_act_in(user, HONGLAI) for user in users)

    def records_of(ids):
        return [shown.get(pk=pk) for pk in ids]

    assert_rows_are_the_fields(url, {}, serializer_class, records_of, [u for u in users if u not in wide],
                               expected=township)  # fmt: skip
    assert_rows_are_the_fields(url, {}, serializer_class, records_of, wide, expected=city)


def test_the_assessments_rows_are_the_serializers_fields_for_every_reader(make_user, staff, honglai, shuitou):
    """Part scores only (level 0, empty items, no note), the 26 items with coma (level 4, a note), the
    raising conditions (dementia, care-risk events), a person with no ID number, one with no township
    and another township's assessment."""
    items = {item.key: item.maximum - (item.maximum > 2) for item in ITEMS}
    made = [
        assess(staff, older(honglai, 80, "陈阿婆"), self_care=32),
        assessment_record(user=staff, person=older(honglai, 91, "欧阳秀英"), assessed_on=TODAY, assessor="黄评估",
                          items=items, coma=True, note="卧床"),
        assess(staff, older(honglai, 75, "林伯"), self_care=10, dementia_or_mental_disorder=True),
        assess(staff, older(honglai, 68, "黄建国"), self_care=0, risk_events_30d=3),
        assess(staff, PersonFactory(township=honglai, name="无名氏", id_number=None), self_care=20),
        assess(staff, older(shuitou, 82, "林阿公"), self_care=5),
        assess(staff, older(None, 86, "王婆婆"), self_care=12),
    ]  # fmt: skip
    assert {a.level for a in made} == {0, 1, 2, 3, 4} and made[1].items == items
    assert made[4].person.id_number is None and made[6].person.township_id is None

    _assert_rows_for_each_reach(make_user, "/api/v1/eldercare/assessments/", AssessmentSerializer,
                                Assessment.objects.select_related("person"), "eldercare.view_assessment",
                                township=5, city=7)  # fmt: skip


def test_the_subsidy_rosters_rows_are_the_serializers_fields_for_every_reader(make_user, staff, honglai, shuitou,
                                                                              subsidy_standards):  # fmt: skip
    """Each kind (its label), each status (an ended entry's date and reason), an account long, short
    and none, a note, a person with no ID number, one with no township and another township's entry."""
    cared = older(honglai, 75, "林伯")
    assess(staff, cared, self_care=0)
    entries = [
        subsidy_enroll(user=staff, person=older(honglai, 85, "陈阿婆", on=THIS_MONTH), kind="high_age",
                       starts_on=THIS_MONTH, bank_account="6217000000001234", note="子女代领"),
        subsidy_enroll(user=staff, person=older(honglai, 92, "欧阳秀英", on=THIS_MONTH), kind="high_age",
                       starts_on=THIS_MONTH),
        subsidy_enroll(user=staff, person=cared, kind="care", starts_on=THIS_MONTH, bank_account="123456"),
        Subsidy.objects.create(person=PersonFactory(township=honglai, name="无名氏", id_number=None), kind="service",
                               starts_on=THIS_MONTH, bank_account="62170000123", created_by=staff),
        subsidy_enroll(user=staff, person=older(shuitou, 91, "林阿公", on=THIS_MONTH), kind="high_age",
                       starts_on=THIS_MONTH, bank_account="6217000000005678"),
        Subsidy.objects.create(person=older(None, 88, "王婆婆"), kind="service", starts_on=THIS_MONTH,
                               bank_account="6217000000009999", created_by=staff),
    ]  # fmt: skip
    subsidy_suspend(user=staff, subsidy=entries[1], suspend=True)
    subsidy_end(user=staff, subsidy=entries[2], ended_on=TODAY, reason="本人申请")
    statuses = dict(Subsidy.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in entries[:3]] == ["active", "suspended", "ended"]

    _assert_rows_for_each_reach(make_user, "/api/v1/eldercare/subsidies/", SubsidySerializer,
                                Subsidy.objects.select_related("person"), "eldercare.view_subsidy",
                                township=4, city=6)  # fmt: skip
