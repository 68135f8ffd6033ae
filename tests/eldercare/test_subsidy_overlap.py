"""Found by review: an elder subsidy could be paid twice. An entry could be ended on any date up
to 2100 (it kept being paid until then), a second entry of the same kind could then be enrolled,
and the month's list had two lines for one person. Now an entry is ended no later than the end of
next month, a new entry starts only after every earlier one of its kind has stopped paying (the
form, the API and the import alike), and the month's list pays one line per person and kind."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import PaymentLine
from core.payments import next_month, payment_batch_build
from eldercare.models import Subsidy
from eldercare.services.subsidies import PROGRAM, entitlements, subsidy_end, subsidy_enroll
from tests.eldercare.conftest import NEXT, THIS_MONTH, older
from tests.eldercare.test_subsidy_doors import _validate, api

D = datetime.date
#: The last day of next month: the last month a list can be built for.
END_OF_NEXT_MONTH = next_month(NEXT) - datetime.timedelta(days=1)
SINCE = D(2024, 1, 1)


@pytest.fixture
def chen(staff, honglai, subsidy_standards):
    """陈阿婆 (85), on the high-age allowance since 2024-01."""
    person = older(honglai, 85, "陈阿婆")
    return subsidy_enroll(user=staff, person=person, kind="high_age", starts_on=SINCE)


def test_an_entry_cannot_be_ended_after_the_end_of_next_month(staff, chen):
    for far in (D(2100, 12, 31), END_OF_NEXT_MONTH + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as err:
            subsidy_end(user=staff, subsidy=chen, ended_on=far, reason="迁出")
        assert "下月末" in err.value.message_dict["ended_on"][0]
    assert Subsidy.objects.get(pk=chen.pk).status == "active"
    ended = subsidy_end(user=staff, subsidy=chen, ended_on=END_OF_NEXT_MONTH, reason="本人申请")
    assert (ended.status, ended.ended_on) == ("ended", END_OF_NEXT_MONTH)


def test_the_api_refuses_an_end_date_after_the_end_of_next_month_naming_the_field(staff, chen):
    response = api(staff).post(f"/api/v1/eldercare/subsidies/{chen.pk}/end/",
                               {"ended_on": "2100-12-31", "reason": "迁出"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "ended_on" in str(response.json())
    assert Subsidy.objects.get(pk=chen.pk).status == "active"


def test_enrolment_is_refused_while_an_ended_entry_of_the_kind_still_pays_the_first_month(staff, chen):
    subsidy_end(user=staff, subsidy=chen, ended_on=END_OF_NEXT_MONTH, reason="本人申请")  # pays next month
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=chen.person, kind="high_age", starts_on=NEXT)
    message = err.value.message_dict["starts_on"][0]
    assert f"发放至 {NEXT:%Y-%m}" in message and f"{next_month(NEXT):%Y-%m}" in message
    # An entry ended before 2100 was refused: one of old data still pays every month until then.
    Subsidy.objects.filter(pk=chen.pk).update(ended_on=D(2100, 12, 31))
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=chen.person, kind="high_age", starts_on=THIS_MONTH)
    assert "2100-12" in err.value.message_dict["starts_on"][0]
    assert Subsidy.objects.filter(person=chen.person).count() == 1


def test_a_back_dated_enrolment_cannot_cover_the_months_an_ended_entry_paid(staff, chen):
    subsidy_end(user=staff, subsidy=chen, ended_on=D(2024, 6, 15), reason="迁出")  # paid 2024-01..2024-06
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=chen.person, kind="high_age", starts_on=D(2024, 3, 1))
    assert "2024-07" in err.value.message_dict["starts_on"][0]
    again = subsidy_enroll(user=staff, person=chen.person, kind="high_age", starts_on=D(2024, 7, 1))
    assert again.status == "active"


def test_the_next_month_after_an_ended_entry_can_be_enrolled_and_pays_one_line(staff, chen):
    subsidy_end(user=staff, subsidy=chen, ended_on=THIS_MONTH, reason="迁出")  # pays this month only
    again = subsidy_enroll(user=staff, person=chen.person, kind="high_age", starts_on=NEXT)
    this_month = PaymentLine.objects.filter(batch=payment_batch_build(program=PROGRAM, month=THIS_MONTH, user=staff))
    next_month_ = PaymentLine.objects.filter(batch=payment_batch_build(program=PROGRAM, month=NEXT, user=staff))
    assert list(this_month.values_list("source_id", flat=True)) == [chen.pk]
    assert list(next_month_.values_list("source_id", flat=True)) == [again.pk]


def test_the_import_refuses_a_row_an_ended_entry_still_pays(staff, chen):
    subsidy_end(user=staff, subsidy=chen, ended_on=END_OF_NEXT_MONTH, reason="本人申请")
    person = chen.person
    prepared, errors = _validate([[person.id_number, person.name, "高龄津贴", f"{NEXT:%Y-%m}", "", ""]], staff)
    assert prepared == [] and [(e.row, e.column) for e in errors] == [(2, "起始月份")]


def test_the_month_list_pays_a_person_once_per_kind_even_if_two_entries_pay_it(staff, chen, honglai):
    """Two entries written around the service (an end date of old data, then a new entry): the
    month's list has one line for the person, the open entry's."""
    Subsidy.objects.filter(pk=chen.pk).update(status="ended", ended_on=D(2100, 12, 31), end_reason="迁出")
    newer = Subsidy.objects.create(person=chen.person, township_id=chen.township_id, kind="high_age",
                                   starts_on=THIS_MONTH, bank_account="6217002", created_by=staff)  # fmt: skip
    other = subsidy_enroll(user=staff, person=older(honglai, 90, "林阿公"), kind="high_age", starts_on=SINCE)
    assert sorted(e.source_id for e in entitlements(NEXT)) == sorted([newer.pk, other.pk])
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    lines = PaymentLine.objects.filter(batch=batch, payee=chen.person)
    assert [(line.source_id, line.bank_account) for line in lines] == [(newer.pk, "6217002")]
    assert batch.line_count == 2


def test_an_entry_ended_years_ahead_before_the_limit_can_be_ended_again_earlier(staff, chen, client_for):
    """Found reviewing this stop's change: an entry ended on a far date before the limit existed kept
    paying until then, barred a new entry, and could not be ended again ("该补贴已终止")."""
    Subsidy.objects.filter(pk=chen.pk).update(status=Subsidy.Status.ENDED, ended_on=D(2030, 1, 31), end_reason="迁出")
    chen.refresh_from_db()
    page = client_for(staff).get(f"/eldercare/people/{chen.person_id}/").content.decode()
    assert f"/eldercare/subsidies/{chen.pk}/end/" in page  # its end form is offered again
    ended = subsidy_end(user=staff, subsidy=chen, ended_on=THIS_MONTH, reason="更正终止日期")
    assert (ended.status, ended.ended_on) == (Subsidy.Status.ENDED, THIS_MONTH)
    with pytest.raises(ValidationError) as err:  # an entry ended within the limit is ended for good
        subsidy_end(user=staff, subsidy=ended, ended_on=THIS_MONTH, reason="再次终止")
    assert "status" in err.value.message_dict
