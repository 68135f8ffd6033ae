"""The monthly allowance list through the shared payment engine: who is on it, the death recorded
in core that stops the next allowance and closes the file, and the daily aging-out task."""

import datetime
import re
from decimal import Decimal

from childwelfare.models import Child
from childwelfare.models.children import CareSetting, CategoryCode
from childwelfare.services.aging import aging_out_run
from childwelfare.services.allowances import PROGRAM, entitlements, standard_add
from childwelfare.services.children import CategoryInput, category_add
from core.models import PaymentLine
from core.payments import month_start, next_month, payment_batch_build
from core.services.people import person_record_death
from tests.childwelfare.conftest import TODAY, distress, orphan, years_ago
from tests.factories import SHUITOU

THIS_MONTH = month_start(TODAY)
NEXT_MONTH = next_month(TODAY)


def de_facto(start):
    return CategoryInput(
        code=CategoryCode.DE_FACTO_UNSUPPORTED, start=start, father_situation="imprisoned",
        mother_situation="missing",
    )  # fmt: skip


def paid(month) -> dict[int, Decimal]:
    return {e.source_id: e.amount for e in entitlements(month)}


def test_the_list_pays_orphans_and_de_facto_children_at_their_standard(open_file, allowance_standards, staff):
    institution = open_file(5, categories=[orphan(years_ago(1))], care=CareSetting.INSTITUTION, name="陈一")
    scattered = open_file(6, categories=[orphan(years_ago(1))], care=CareSetting.KINSHIP, name="陈二")
    unsupported = open_file(7, categories=[de_facto(years_ago(1))], name="陈三")
    only_distress = open_file(8, categories=[distress(years_ago(1))], name="陈四")
    batch = payment_batch_build(program=PROGRAM, month=NEXT_MONTH, user=staff)
    lines = {line.source_id: line.amount for line in PaymentLine.objects.filter(batch=batch)}
    assert lines == {
        institution.pk: Decimal("1800.00"),
        scattered.pk: Decimal("1350.00"),
        unsupported.pk: Decimal("1350.00"),
    }
    assert only_distress.pk not in lines
    assert batch.total_amount == Decimal("4500.00")


def test_a_recognition_pays_from_the_next_month(open_file, allowance_standards, staff):
    child = open_file(5)
    category_add(user=staff, child=child, data=orphan(TODAY))
    assert child.pk not in paid(THIS_MONTH)
    assert child.pk in paid(NEXT_MONTH)


def test_a_new_standard_applies_from_its_effective_date(open_file, allowance_standards, staff):
    child = open_file(5, categories=[orphan(years_ago(1))])
    standard_add(user=staff, kind="orphan_scattered", amount="1500", effective_from=NEXT_MONTH)
    assert paid(THIS_MONTH)[child.pk] == Decimal("1350.00")
    assert paid(NEXT_MONTH)[child.pk] == Decimal("1500.00")


def test_a_death_recorded_in_core_closes_the_file_and_stops_the_next_allowance(open_file, allowance_standards, staff):
    child = open_file(9, categories=[orphan(years_ago(2)), distress(years_ago(1), "disability")])
    assert child.pk in paid(NEXT_MONTH)
    person_record_death(user=staff, person=child.person, date_of_death=TODAY, source="测试")
    child = Child.objects.get(pk=child.pk)
    assert (child.closed_on, child.close_reason) == (TODAY, Child.CloseReason.DEATH)
    assert set(child.categories.values_list("end", flat=True)) == {TODAY}
    assert child.pk not in paid(NEXT_MONTH)
    batch = payment_batch_build(program=PROGRAM, month=NEXT_MONTH, user=staff)
    assert not batch.lines.filter(source_id=child.pk).exists()


def test_aging_out_flags_within_90_days_and_ends_at_18_unless_in_school(open_file, allowance_standards, staff):
    soon = open_file(17, days=300, categories=[orphan(years_ago(3))], name="陈将满")
    later = open_file(17, days=200, categories=[orphan(years_ago(3))], name="陈未到")
    result = aging_out_run()
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.turning_18_flagged_on == TODAY and later.turning_18_flagged_on is None
    assert result["flagged"] == 1
    # 18 years and a day later the run ends the category on the eve of the birthday (not in school),
    # and keeps the one of a child recorded as still in school.
    in_school = open_file(
        17, days=364, categories=[orphan(years_ago(3))], name="陈在校", in_school=True, school="南安一中"
    )
    birthday = soon.person.birth_date.replace(year=soon.person.birth_date.year + 18)
    run_day = max(
        birthday, in_school.person.birth_date.replace(year=in_school.person.birth_date.year + 18)
    ) + datetime.timedelta(days=1)
    aging_out_run(today=run_day)
    ended = soon.categories.get()
    assert ended.end == birthday - datetime.timedelta(days=1)
    assert in_school.categories.get().end is None
    month_after = next_month(run_day)
    assert soon.pk not in paid(month_after) and in_school.pk in paid(month_after)


def test_left_behind_ends_at_16(open_file, staff):
    from tests.childwelfare.conftest import left_behind

    child = open_file(15, days=360, categories=[left_behind(years_ago(2))])
    sixteenth = child.person.birth_date.replace(year=child.person.birth_date.year + 16)
    aging_out_run(today=sixteenth)
    assert child.categories.get().end == sixteenth - datetime.timedelta(days=1)


def test_the_aging_out_task_is_on_the_daily_beat_schedule():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["childwelfare-aging-out-daily"]["task"] == "childwelfare.aging_out"


def test_deaths_recorded_together_close_each_file_on_its_date_with_its_history(open_file, allowance_standards, staff):
    from core.services.people import people_record_death

    first = open_file(9, categories=[orphan(years_ago(2))], name="陈一")
    second = open_file(7, categories=[orphan(years_ago(1)), distress(years_ago(1), "disability")], name="陈二")
    living = open_file(8, categories=[orphan(years_ago(1))], name="陈三")
    yesterday = TODAY - datetime.timedelta(days=1)
    people_record_death(user=staff, deaths=[(first.person, TODAY), (second.person, yesterday)], source="测试")
    for child, day in ((first, TODAY), (second, yesterday)):
        child = Child.objects.get(pk=child.pk)
        assert (child.closed_on, child.close_reason) == (day, Child.CloseReason.DEATH)
        assert set(child.categories.values_list("end", flat=True)) == {day}
        assert (child.history.first().history_type, child.history.first().closed_on) == ("~", day)
        assert all(c.history.first().end == day for c in child.categories.all())
    assert set(paid(NEXT_MONTH)) == {living.pk}


def test_a_township_officer_sees_their_townships_figures_on_the_allowance_list(open_file, allowance_standards, staff,
                                                                                officer, client_for):  # fmt: skip
    """The list's header follows the viewer's jurisdiction, as the payroll page's does: a township
    officer sees their township's children and amount, the bureau the city's."""
    open_file(5, categories=[orphan(years_ago(1))], care=CareSetting.INSTITUTION, name="陈一")
    open_file(6, categories=[orphan(years_ago(1))], name="林二", township=SHUITOU)
    batch = payment_batch_build(program=PROGRAM, month=NEXT_MONTH, user=staff)
    header = lambda user: re.search(r'data-testid="batch-header">([^<]*)<', client_for(user).get(  # noqa: E731
        f"/childwelfare/allowances/{batch.pk}/").content.decode()).group(1)  # fmt: skip
    assert header(staff).startswith("2 人，3,150.00 元")
    assert header(officer).startswith("1 人，1,800.00 元")
