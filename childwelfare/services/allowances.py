"""基本生活保障金: the standards (with the date each takes effect) and child welfare's programme in
the shared payment-list engine (core/payments.py, the same engine as assistance's payroll).

Who is paid for a month: every child in an orphan or de-facto unsupported category on the month's
first day that was recognised before the month began (paid from the month after confirmation),
whose file is open and who is alive on that day, and who is under 18 then, or 18 and recorded as
still in school. The amount is the standard in force on the first day for the child's kind:
orphans in an institution, orphans raised elsewhere (散居), de-facto unsupported children."""

import datetime
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childwelfare.models import AllowanceStandard, ChildCategory
from childwelfare.models.children import ALLOWANCE_MAX, ALLOWANCE_MIN, SUPPORTED, CareSetting, CategoryCode
from core.exceptions import FieldErrors
from core.jobs import enqueue
from core.limits import check_date, check_money, check_text
from core.payments import Entitlement, payment_build_failed, payment_build_request, register_program

PROGRAM = "childwelfare"
SOURCE = "childwelfare.child"
#: The first month the system holds standards and recognised children for (the plan's baseline year).
FIRST_MONTH = date(2020, 1, 1)


def standard_kind(code: str, care_setting: str) -> str:
    if code == CategoryCode.DE_FACTO_UNSUPPORTED:
        return AllowanceStandard.Kind.DE_FACTO
    if care_setting == CareSetting.INSTITUTION:
        return AllowanceStandard.Kind.ORPHAN_INSTITUTION
    return AllowanceStandard.Kind.ORPHAN_SCATTERED


def standards_in_force(day: date) -> dict[str, AllowanceStandard]:
    found: dict[str, AllowanceStandard] = {}
    for row in AllowanceStandard.objects.filter(effective_from__lte=day).order_by("kind", "-effective_from"):
        found.setdefault(row.kind, row)
    return found


def standard_add(*, user, kind: str, amount, effective_from: date | None, note: str = "") -> AllowanceStandard:
    errors = FieldErrors()
    if kind not in AllowanceStandard.Kind.values:
        errors.add("kind", _("请选择类别。"))
    if amount is None:
        errors.add("amount", _("请填写标准。"))
    else:
        amount = Decimal(str(amount))
        check_money(errors, "amount", amount, minimum=ALLOWANCE_MIN, maximum=ALLOWANCE_MAX)
    if effective_from is None:
        errors.add("effective_from", _("请填写生效日期。"))
    check_date(errors, "effective_from", effective_from)
    check_text(errors, "note", note, max_length=200)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return AllowanceStandard.objects.create(
                kind=kind, amount=amount, effective_from=effective_from, note=note, created_by=user
            )
    except IntegrityError:
        raise ValidationError({"effective_from": [gettext("该类别在这一天已有生效的标准。")]}) from None


def allowance_request(*, month: str, user) -> date:
    """Ask the worker to build (or rebuild, while a draft) the month's allowance list ("YYYY-MM")."""
    from childwelfare.tasks import build_allowances

    try:
        first = datetime.datetime.strptime(str(month), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": [gettext("格式应为 YYYY-MM。")]}) from None
    with transaction.atomic():
        _batch, send = payment_build_request(program=PROGRAM, month=first, user=user)
        if send:
            enqueue(
                build_allowances, first.isoformat(), user.pk, on_failure=lambda reason: _queue_failed(first, reason)
            )
    return first


def _queue_failed(month: date, reason: str) -> None:
    payment_build_failed(
        program=PROGRAM, month=month, reason=gettext("任务队列不可用，未能提交生成：%(r)s") % {"r": reason}
    )


def paying_categories(month: date):
    """The category periods that pay `month` (its first day), as a queryset."""
    adult_born_by = month.replace(year=month.year - 18)
    return (
        ChildCategory.objects.filter(code__in=SUPPORTED, start__lt=month)
        .filter(Q(end__isnull=True) | Q(end__gte=month))
        .filter(Q(child__closed_on__isnull=True) | Q(child__closed_on__gte=month))
        .filter(Q(child__person__date_of_death__isnull=True) | Q(child__person__date_of_death__gte=month))
        .filter(Q(child__person__birth_date__gt=adult_born_by) | Q(child__in_school=True))
    )


@register_program(PROGRAM, _("孤儿、事实无人抚养儿童基本生活保障金"), first_month=FIRST_MONTH)
def entitlements(month: date):
    standards = standards_in_force(month)
    seen = set()
    rows = paying_categories(month).order_by("child_id", "start").values_list(
        "id", "code", "child_id", "child__person_id", "child__township_id", "child__village_id",
        "child__care_setting", "child__bank_account",
    )  # fmt: skip
    for category_id, code, child_id, person_id, township, village, care, account in rows.iterator(chunk_size=5000):
        if child_id in seen:
            continue
        seen.add(child_id)
        standard = standards.get(standard_kind(code, care))
        if standard is None:
            continue  # no standard in force: the list page says which kind lacks one
        yield Entitlement(
            source_type=SOURCE, source_id=child_id, payee_id=person_id, township_id=township, village_id=village,
            category=code, members=1, amount=standard.amount, bank_account=account,
            basis={"category": category_id, "standard": standard.pk, "kind": standard.kind,
                   "amount": str(standard.amount), "effective_from": standard.effective_from},
        )  # fmt: skip
