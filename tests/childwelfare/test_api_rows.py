"""The children list builds its rows straight from the files (childwelfare.api.children.ChildRowsSerializer):
for every reader, each row is exactly ChildSerializer's fields for the same file."""

import datetime

from childwelfare.api.children import ChildSerializer
from childwelfare.models import Child, ChildCategory
from childwelfare.models.children import ParentSituation
from childwelfare.models.guardianship import RiskLevel
from childwelfare.services.children import category_end, child_close
from core.models import Division, Person
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.childwelfare.conftest import TODAY, distress, left_behind, orphan, years_ago
from tests.factories import HONGLAI

CHILDREN = "/api/v1/childwelfare/children/"
DAYS = datetime.timedelta


def test_the_children_rows_are_the_serializers_fields_for_every_reader(make_user, staff, open_file):
    """A file with a village, several categories (one ended with its reason), a school, a guardian's
    phone, an overdue visit, a high risk and an 18th birthday flagged; a closed file whose visit date
    is past (not overdue) and whose person has no ID number nor birth date, with no guardian; an open
    file with no category, no village and its visit still to come."""
    village = Division.objects.get_or_create(
        code=f"{HONGLAI}201", defaults={"name": "测试村", "level": "village", "kind": "village", "parent_id": HONGLAI}
    )[0]
    full = open_file(17, days=300, categories=[orphan(years_ago(2)), distress(years_ago(1), "disability")], name="陈晓明",
                     village=village, in_school=True, school="洪濑中学", guardian_phone="13905951234")  # fmt: skip
    category_end(user=staff, category=full.categories.get(code="distress"), end=TODAY - DAYS(10), reason="家庭情况好转")
    Child.objects.filter(pk=full.pk).update(
        last_visit_on=TODAY - DAYS(100), visit_due_on=TODAY - DAYS(1), turning_18_flagged_on=TODAY - DAYS(3),
        risk_level=RiskLevel.HIGH, risk_assessed_on=TODAY - DAYS(20), risk_follow_up_due=TODAY + DAYS(10),
    )  # fmt: skip
    closed = open_file(8, categories=[left_behind(years_ago(1))], name="林小红", male=False)
    # Parents in different situations: a row that swapped the two would fail.
    ChildCategory.objects.filter(child=closed).update(mother_situation=ParentSituation.IMPRISONED)
    child_close(user=staff, child=closed, on=TODAY - DAYS(2), reason=Child.CloseReason.OTHER)
    Child.objects.filter(pk=closed.pk).update(visit_due_on=TODAY - DAYS(5), last_visit_on=TODAY - DAYS(40),
                                              guardian_name="", guardian_relation="")  # fmt: skip
    Person.objects.filter(pk=closed.person_id).update(id_number=None, birth_date=None)
    plain = open_file(5, name="黄")
    Child.objects.filter(pk=plain.pk).update(visit_due_on=TODAY + DAYS(30), care_setting="foster")
    shown = Child.objects.select_related("person").prefetch_related("categories")
    rows = [shown.get(pk=pk) for pk in (full.pk, closed.pk, plain.pk)]
    assert [len(c.categories.all()) for c in rows] == [2, 1, 0] and rows[0].village_id and rows[2].village_id is None
    assert rows[1].person.birth_date is None and rows[1].closed_on and rows[0].risk_level == RiskLevel.HIGH
    parents = rows[1].categories.all()[0]
    assert (parents.father_situation, parents.mother_situation) == ("working_away", "imprisoned")
    assert [ChildSerializer(c).data["visit_overdue"] for c in rows] == [True, False, False]
    assert_rows_are_the_fields(CHILDREN, {"township": HONGLAI}, ChildSerializer,
                               lambda ids: [shown.get(pk=pk) for pk in ids], readers(make_user, allowed_to="childwelfare.view_child"), expected=3)  # fmt: skip
