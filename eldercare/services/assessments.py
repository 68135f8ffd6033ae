"""Capability assessments (GB/T 42195-2022): the level is computed here, never typed."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from eldercare.assessment import ITEMS, ITEMS_BY_KEY, PART_MAX, PARTS, assessed_level, part_scores
from eldercare.models import RISK_EVENTS_MAX, Assessment

#: GB/T 42195-2022 applies to people aged 60 and over.
MIN_AGE = 60


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_score(errors: FieldErrors, key: str, value, maximum: int) -> int | None:
    if value is None or value == "":
        errors.add(key, _("请填写得分（0–%(m)d）。") % {"m": maximum})
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            errors.add(key, _("得分应为整数（0–%(m)d）。") % {"m": maximum})
            return None
    if not (0 <= value <= maximum):
        errors.add(key, _("得分应在 0 至 %(m)d 之间，现为 %(v)s。") % {"m": maximum, "v": value})
        return None
    return value


def assessment_scores(errors: FieldErrors, *, parts: dict, items: dict | None) -> tuple[dict, dict]:
    """The four part scores (from the 26 items when given, else as entered) and the cleaned items.
    Part scores given beside items must agree with them."""
    if items:
        unknown = sorted(set(items) - set(ITEMS_BY_KEY))
        if unknown:
            errors.add("items", _("未知的评估项目：%(k)s。") % {"k": "、".join(unknown)})
        missing = [str(i.label) for i in ITEMS if i.key not in items]
        if missing:
            errors.add("items", _("26 个评估项目应全部填写，缺少：%(k)s。") % {"k": "、".join(missing)})
        cleaned = {}
        for item in ITEMS:
            if item.key in items:
                value = _check_score(errors, f"items.{item.key}", items[item.key], item.maximum)
                if value is not None:
                    cleaned[item.key] = value
        if errors:
            return {}, {}
        derived = part_scores(cleaned)
        for part in PARTS:
            given = parts.get(part)
            if given not in (None, "") and str(given) != str(derived[part]):
                errors.add(part, _("与各项目得分之和（%(s)d）不一致。") % {"s": derived[part]})
        return derived, cleaned
    scores = {}
    for part in PARTS:
        value = _check_score(errors, part, parts.get(part), PART_MAX[part])
        if value is not None:
            scores[part] = value
    return scores, {}


@transaction.atomic
def assessment_record(
    *,
    user,
    person,
    assessed_on: datetime.date,
    assessor: str,
    self_care=None,
    basic_motion=None,
    mental_state=None,
    perception_social=None,
    items: dict | None = None,
    coma: bool = False,
    dementia_or_mental_disorder: bool = False,
    risk_events_30d: int = 0,
    note: str = "",
) -> Assessment:
    errors = FieldErrors()
    if person is None:
        errors.add("person", _("请选择评估对象。"))
    elif not user_can_act_in(user, person.township_id):
        errors.add("person", _("只能评估本乡镇（街道）的老年人。"))
    if assessed_on is None:
        errors.add("assessed_on", _("请填写评估日期。"))
    check_date(errors, "assessed_on", assessed_on, not_after_today=True)
    if person is not None and assessed_on is not None and "assessed_on" not in errors:
        if person.date_of_death and assessed_on > person.date_of_death:
            errors.add("assessed_on", _("评估日期晚于该人员的死亡日期（%(d)s）。") % {"d": person.date_of_death})
        if person.birth_date and _age_on(person.birth_date, assessed_on) < MIN_AGE:
            errors.add("person", _("评估对象在评估日应年满 %(n)d 周岁。") % {"n": MIN_AGE})
    assessor = (assessor or "").strip()
    if not assessor:
        errors.add("assessor", _("请填写评估员。"))
    check_text(errors, "assessor", assessor, max_length=50)
    check_text(errors, "note", note, max_length=200)
    risk = _check_score(errors, "risk_events_30d", risk_events_30d or 0, RISK_EVENTS_MAX)
    parts = {
        "self_care": self_care, "basic_motion": basic_motion, "mental_state": mental_state,
        "perception_social": perception_social,
    }  # fmt: skip
    scores, cleaned_items = assessment_scores(errors, parts=parts, items=items)
    errors.raise_if_any()
    total = sum(scores.values())
    assessment = Assessment(
        person=person,
        assessed_on=assessed_on,
        items=cleaned_items,
        coma=bool(coma),
        dementia_or_mental_disorder=bool(dementia_or_mental_disorder),
        risk_events_30d=risk,
        total=total,
        level=assessed_level(
            total=total, coma=bool(coma), dementia_or_mental_disorder=bool(dementia_or_mental_disorder),
            risk_events_30d=risk,
        ),
        assessor=assessor,
        note=note or "",
        created_by=user,
        **scores,
    )  # fmt: skip
    assessment.save()
    return assessment
