"""Guardians and entrusted carers (监护人、被委托照护人) on a child's file, guardianship assessments
(监护评估) and the follow-up a high risk calls for.

A high-risk assessment is followed up by a visit (走访) on or after its date; until one is recorded
the file carries the day it is due (the assessment's date plus the bureau's configured days), and the
registry flags it once that day has passed. A later assessment replaces the level and the due day."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Carer, Child, ChildCategory, GuardianshipAssessment, RiskFollowUp, Visit
from childwelfare.models.children import CategoryCode
from childwelfare.models.guardianship import FOLLOW_UP_MAX, FOLLOW_UP_MIN, HIGH_RISK_FOLLOW_UP_DAYS, RiskLevel
from childwelfare.services._common import check_name, check_phone
from core.documents import document_refusal
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number, parse_id_number
from core.jurisdiction import user_can_act_in
from core.limits import REASON_MAX, check_date, check_text

#: Children who must have someone answerable for them today: a left-behind child (parents away) and
#: a de-facto unsupported child (parents unable). Without a current guardian or carer they are flagged.
NEEDS_CARER = (CategoryCode.LEFT_BEHIND, CategoryCode.DE_FACTO_UNSUPPORTED)
RELATION_MAX = Carer._meta.get_field("relation").max_length
AGREEMENT_NUMBER_MAX = Carer._meta.get_field("agreement_number").max_length


# --- guardians and entrusted carers ---------------------------------------------------------------


def carer_check(errors: FieldErrors, *, child: Child, data: dict) -> None:
    role = data.get("role") or ""
    if role not in Carer.Role.values:
        errors.add("role", _("请选择身份：监护人或被委托照护人。"))
    check_name(errors, "name", data.get("name") or "", required=True)
    relation = (data.get("relation") or "").strip()
    if not relation:
        errors.add("relation", _("请填写与儿童关系。"))
    check_text(errors, "relation", relation, max_length=RELATION_MAX)
    check_phone(errors, "phone", data.get("phone") or "")
    number = normalize_id_number(data.get("id_number") or "")
    if number:
        try:
            parse_id_number(number)
        except ValidationError as exc:
            errors.add("id_number", exc.messages[0])
        else:
            if number == child.person.id_number:
                errors.add("id_number", _("这是儿童本人的身份证号。"))
    start, end = data.get("start"), data.get("end")
    if start is None:
        errors.add("start", _("请填写起始日期。"))
    else:
        check_date(errors, "start", start, earliest=child.person.birth_date, not_after_today=True)
    check_date(errors, "end", end)
    if start and end and end < start:
        errors.add("end", _("终止日期不能早于起始日期。"))
    if role == Carer.Role.ENTRUSTED:
        signed, term_end = data.get("agreement_signed_on"), data.get("agreement_term_end")
        if signed is None:
            errors.add("agreement_signed_on", _("被委托照护人须有书面委托照护协议：请填写签订日期。"))
        check_date(errors, "agreement_signed_on", signed, not_after_today=True)
        if term_end is None:
            errors.add("agreement_term_end", _("请填写协议期限。"))
        check_date(errors, "agreement_term_end", term_end)
        if signed and term_end and term_end < signed:
            errors.add("agreement_term_end", _("协议期限不能早于签订日期。"))
        # The care the agreement entrusts ends with it: an open period needs a term still running.
        if term_end and end and end > term_end:
            errors.add("end", _("照护终止日期不能晚于协议期限。"))
        elif term_end and end is None and term_end < timezone.localdate():
            errors.add("agreement_term_end", _("协议已到期：请登记续签的协议，或填写照护终止日期。"))
        if not (data.get("agreement_number") or "").strip() and not data.get("agreement_file"):
            errors.add("agreement_number", _("请上传协议扫描件，或至少填写协议编号。"))
    elif data.get("agreement_signed_on") or data.get("agreement_number") or data.get("agreement_file"):
        errors.add("role", _("委托照护协议只适用于被委托照护人。"))
    check_text(errors, "agreement_number", data.get("agreement_number") or "", max_length=AGREEMENT_NUMBER_MAX)
    upload = data.get("agreement_file")
    if upload:
        refusal = document_refusal(upload)
        if refusal:
            errors.add("agreement_file", refusal)


@transaction.atomic
def carer_add(
    *, user, child: Child, role: str, name: str, relation: str, start: date | None, phone: str = "",
    id_number: str = "", end: date | None = None, agreement_signed_on: date | None = None,
    agreement_term_end: date | None = None, agreement_number: str = "", agreement_file=None,
) -> Carer:  # fmt: skip
    """Record who is answerable for the child from `start`: a guardian, or an entrusted carer with the
    written care agreement (《未成年人保护法》第22条: the entrustment is in writing)."""
    child = Child.objects.select_for_update().select_related("person").get(pk=child.pk)
    data = {
        "role": role, "name": (name or "").strip(), "relation": (relation or "").strip(), "phone": (phone or "").strip(),
        "id_number": normalize_id_number(id_number or ""), "start": start, "end": end,
        "agreement_signed_on": agreement_signed_on, "agreement_term_end": agreement_term_end,
        "agreement_number": (agreement_number or "").strip(), "agreement_file": agreement_file,
    }  # fmt: skip
    errors = FieldErrors()
    if not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能登记本乡镇（街道）的儿童。"))
    if not child.is_open:
        errors.add("child", _("档案已于 %(d)s 销档。") % {"d": child.closed_on})
    carer_check(errors, child=child, data=data)
    errors.raise_if_any()
    carer = Carer(child=child, created_by=user, **{k: v for k, v in data.items() if k != "agreement_file"})
    if agreement_file:
        carer.agreement_file = agreement_file
    carer.save()
    return carer


@transaction.atomic
def carer_end(*, user, carer: Carer, end: date | None, reason: str) -> Carer:
    """The guardian or carer is no longer answerable for the child from the day after `end`."""
    carer = Carer.objects.select_for_update().select_related("child").get(pk=carer.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, carer.child.township_id):
        errors.add("child", _("您只能登记本乡镇（街道）的儿童。"))
    if not carer.child.is_open:
        errors.add("child", _("档案已于 %(d)s 销档。") % {"d": carer.child.closed_on})
    if carer.end is not None:
        errors.add("end", _("该记录已于 %(d)s 终止。") % {"d": carer.end})
    if end is None:
        errors.add("end", _("请填写终止日期。"))
    else:
        check_date(errors, "end", end, not_after_today=True)
        if end < carer.start:
            errors.add("end", _("终止日期不能早于起始日期 %(d)s。") % {"d": carer.start})
    if not (reason or "").strip():
        errors.add("end_reason", _("请填写终止原因。"))
    check_text(errors, "end_reason", reason, max_length=100)
    errors.raise_if_any()
    carer.end, carer.end_reason = end, reason.strip()
    carer.save(update_fields=["end", "end_reason", "updated_at"])
    return carer


def children_needing_carer(children, day: date):
    """Of `children` (a queryset), those in a category that needs someone answerable (left-behind,
    de-facto unsupported) on `day` with no current guardian or entrusted carer."""
    needs = ChildCategory.objects.filter(child=OuterRef("pk"), code__in=NEEDS_CARER, start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gte=day)
    )
    has = Carer.objects.current(day).filter(child=OuterRef("pk"))
    return children.filter(Exists(needs), ~Exists(has))


def lacks_carer(child: Child, day: date | None = None) -> bool:
    day = day or timezone.localdate()
    return child.is_open and children_needing_carer(Child.objects.filter(pk=child.pk), day).exists()


# --- guardianship assessments ----------------------------------------------------------------------


SETTING_PK = 1


def risk_follow_up_days() -> int:
    row = RiskFollowUp.objects.order_by("pk").first()  # the fixed key, or an older row before it
    return row.days if row else HIGH_RISK_FOLLOW_UP_DAYS


def assessment_check(
    errors: FieldErrors, *, child: Child, assessed_on, assessor_name: str, risk_level: str, findings: str,
    measures: str, next_review_on,
) -> None:  # fmt: skip
    """Every rule an assessment keeps, into `errors` keyed by field (the demo's rows are checked by it too)."""
    if assessed_on is None:
        errors.add("assessed_on", _("请填写评估日期。"))
    else:
        check_date(errors, "assessed_on", assessed_on, earliest=child.person.birth_date, not_after_today=True)
    check_name(errors, "assessor_name", assessor_name, required=True)
    if risk_level not in RiskLevel.values:
        errors.add("risk_level", _("请选择风险等级：低风险、中风险或高风险。"))
    if not (findings or "").strip():
        errors.add("findings", _("请填写评估情况。"))
    check_text(errors, "findings", findings, max_length=REASON_MAX)
    check_text(errors, "measures", measures, max_length=REASON_MAX)
    if risk_level == RiskLevel.HIGH and not (measures or "").strip():
        errors.add("measures", _("高风险须填写后续措施。"))
    if next_review_on is None:
        errors.add("next_review_on", _("请填写下次评估日期。"))
    else:
        check_date(errors, "next_review_on", next_review_on)
        if assessed_on and next_review_on <= assessed_on:
            errors.add("next_review_on", _("下次评估日期应晚于评估日期。"))


@transaction.atomic
def assessment_record(
    *, user, child: Child, assessed_on: date | None, assessor_name: str, risk_level: str, findings: str,
    measures: str = "", next_review_on: date | None = None,
) -> GuardianshipAssessment:  # fmt: skip
    child = Child.objects.select_for_update().select_related("person").get(pk=child.pk)
    errors = FieldErrors()
    if not user_can_act_in(user, child.township_id):
        errors.add("child", _("您只能评估本乡镇（街道）的儿童。"))
    if not child.is_open:
        errors.add("child", _("档案已于 %(d)s 销档。") % {"d": child.closed_on})
    assessment_check(errors, child=child, assessed_on=assessed_on, assessor_name=assessor_name, risk_level=risk_level,
                     findings=findings, measures=measures, next_review_on=next_review_on)  # fmt: skip
    errors.raise_if_any()
    assessment = GuardianshipAssessment.objects.create(
        child=child, assessed_on=assessed_on, assessor_name=assessor_name.strip(), risk_level=risk_level,
        findings=findings, measures=measures, next_review_on=next_review_on, created_by=user,
    )  # fmt: skip
    child_risk_refresh([child.pk])
    return assessment


def child_risk_refresh(child_ids=None) -> int:
    """Put each child's latest assessment (level, date) on the file and, for a high risk with no
    visit on or after it, the day its follow-up is due. A fixed number of queries for any number of
    children (the demo and a change of the configured days refresh them all)."""
    days = risk_follow_up_days()
    children = Child.objects.all()
    if child_ids is not None:
        children = children.filter(pk__in=list(child_ids))
    # One query, on PostgreSQL and on the quick start's SQLite alike: each file's latest assessment
    # and whether a visit has been made on or after it.
    latest = GuardianshipAssessment.objects.filter(child=OuterRef("pk")).order_by("-assessed_on", "-id")
    children = children.annotate(
        latest_on=Subquery(latest.values("assessed_on")[:1]),
        latest_level=Subquery(latest.values("risk_level")[:1]),
    ).annotate(visited_since=Exists(Visit.objects.filter(child=OuterRef("pk"), visited_on__gte=OuterRef("latest_on"))))
    changed = []
    for child in children.only("id", "risk_level", "risk_assessed_on", "risk_follow_up_due"):
        level, on = child.latest_level or "", child.latest_on
        due = on + timedelta(days=days) if level == RiskLevel.HIGH and not child.visited_since else None
        if (child.risk_level, child.risk_assessed_on, child.risk_follow_up_due) != (level, on, due):
            child.risk_level, child.risk_assessed_on, child.risk_follow_up_due = level, on, due
            child.updated_at = timezone.now()
            changed.append(child)
    Child.objects.bulk_update(
        changed, ["risk_level", "risk_assessed_on", "risk_follow_up_due", "updated_at"], batch_size=2000
    )
    return len(changed)


@transaction.atomic
def risk_follow_up_days_set(*, user, days) -> int:
    """Set the days within which a high risk is followed up; every file's due day follows at once."""
    errors = FieldErrors()
    try:
        days = int(days)
    except (TypeError, ValueError):
        errors.add("days", _("请填写天数。"))
    else:
        if not FOLLOW_UP_MIN <= days <= FOLLOW_UP_MAX:
            errors.add("days", _("跟进期限应在 %(a)d 至 %(b)d 天之间。") % {"a": FOLLOW_UP_MIN, "b": FOLLOW_UP_MAX})
    errors.raise_if_any()
    # One setting row, at a fixed key: two first saves at the same moment meet on the key (Django
    # retries the loser as an update) instead of leaving two rows, one of them never read.
    RiskFollowUp.objects.update_or_create(pk=SETTING_PK, defaults={"days": days})
    child_risk_refresh(Child.objects.filter(risk_level=RiskLevel.HIGH).values_list("pk", flat=True))
    return days
