"""Grade evaluations (等级评估) 1A–5A: valid five years, open to organisations registered for two
full calendar years (registered in 2022: eligible from 1 January 2025)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_date
from orgs.models import GradeEvaluation, Organisation, grade_valid_until
from orgs.services._common import check_texts, check_township, clean_fields_into, strip


def eligible_from(org: Organisation) -> datetime.date:
    """The first day with two full calendar years between registration and evaluation."""
    return datetime.date(org.registered_on.year + 3, 1, 1)


@transaction.atomic
def grade_record(
    *, user, organisation: Organisation, grade: str, evaluated_on: datetime.date | None, note: str = ""
) -> GradeEvaluation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    evaluation = GradeEvaluation(organisation=org, grade=grade, evaluated_on=evaluated_on, note=strip(note),
                                 recorded_by=user)  # fmt: skip
    errors = FieldErrors()
    check_township(errors, user, "organisation", org.township_id)
    if not evaluated_on:
        errors.add("evaluated_on", _("请填写评估日期。"))
    else:
        check_date(errors, "evaluated_on", evaluated_on, not_after_today=True)
    if "evaluated_on" not in errors and evaluated_on:
        start = eligible_from(org)
        if evaluated_on < start:
            errors.add(
                "evaluated_on",
                _("登记满两个完整年度后方可参加等级评估：该组织 %(d)s 登记，%(s)s 起可评估。")
                % {"d": org.registered_on.isoformat(), "s": start.isoformat()},
            )
        elif not Organisation.objects.filter(pk=org.pk).standing_on(evaluated_on).exists():
            errors.add("organisation", _("该组织在评估日期已注销或被撤销登记，不能评估。"))
        else:
            evaluation.valid_until = grade_valid_until(evaluated_on)
    check_texts(errors, evaluation, ("note",))
    clean_fields_into(errors, evaluation, exclude=["organisation", "recorded_by", "valid_until"])
    if (
        "evaluated_on" not in errors
        and GradeEvaluation.objects.filter(organisation=org, evaluated_on=evaluated_on).exists()
    ):
        errors.add("evaluated_on", _("该组织在这一天已有评估结果。"))
    errors.raise_if_any()
    evaluation.save()
    touch(Organisation, [org.pk])
    return evaluation
