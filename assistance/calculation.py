"""The benefit arithmetic, shown step by step on the case page and frozen with the decision.

- 审核确认办法 Art. 23: dibao = (standard − per-capita counted income) × covered members (差额), or a
  tiered amount per member (分档); rounded as the standard row says.
- Edge family: not eligible for dibao, but per-capita income below the configured multiple (1.5) of
  the standard.
- 特困人员认定办法: tekun is paid at the centralised or dispersed standard; dispersed support depends on
  the self-care ability (6 items; 1–3 unable = partly lost, 4+ = fully lost, Arts. 20–22).
- Temporary assistance: the amount asked for, capped at the configured multiple of the standard.
"""

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from assistance.models import Case, IncomeItem, Standard
from core.exceptions import ApplicationError

CENT = Decimal("0.01")


def standard_in_force(kind: str, on: date) -> Standard | None:
    return Standard.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()


class StandardsInForce:
    """Every standard of one kind, read once, answering standard_in_force for any date without a
    query (an import of thousands of cases decided on hundreds of dates)."""

    def __init__(self, kind: str):
        self._standards = list(Standard.objects.filter(kind=kind).order_by("effective_from"))
        self._starts = [s.effective_from for s in self._standards]

    def on(self, day: date) -> Standard | None:
        i = bisect.bisect_right(self._starts, day)
        return self._standards[i - 1] if i else None


def require_standard(kind: str, on: date) -> Standard:
    standard = standard_in_force(kind, on)
    if standard is None:
        raise ApplicationError(
            _("%(date)s 没有生效的「%(kind)s」，请先由局业务人员录入标准。")
            % {"date": on.isoformat(), "kind": Standard.Kind(kind).label},
            code="no_standard",
        )
    return standard


def self_care_level(unable_items: int) -> str:
    """特困人员认定办法 Arts. 20–22: of 6 daily-living items, 0 unable = able, 1–3 partly, 4+ fully."""
    if not 0 <= unable_items <= 6:
        raise ApplicationError(_("不能自理的项目数应在 0 到 6 之间。"), code="self_care")
    if unable_items == 0:
        return Case.SelfCare.ABLE
    return Case.SelfCare.PARTLY if unable_items <= 3 else Case.SelfCare.FULLY


@dataclass
class Calculation:
    kind: str
    standard: Standard | None
    household_size: int
    covered_count: int
    counted_income: Decimal
    per_capita_income: Decimal
    per_member_amount: Decimal
    amount: Decimal
    eligible: bool
    edge_eligible: bool = False
    steps: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.standard.method if self.standard and self.kind == Case.Kind.DIBAO else ""


def _round(value: Decimal, rounding: str) -> Decimal:
    return value.quantize(Decimal(rounding), rounding=ROUND_HALF_UP).quantize(CENT)


def _income(items) -> tuple[Decimal, list[str]]:
    counted, steps = Decimal("0"), []
    for item in items:
        kind = IncomeItem.Kind(item.kind)
        if item.kind in IncomeItem.NOT_COUNTED:
            steps.append(_("不计入：%(kind)s %(amount)s 元") % {"kind": kind.label, "amount": item.monthly_amount})
        else:
            counted += item.monthly_amount
            steps.append(_("计入：%(kind)s %(amount)s 元") % {"kind": kind.label, "amount": item.monthly_amount})
    return counted, steps


def compute(*, case: Case, members: int, covered: int, income_items, on: date) -> Calculation:
    """The benefit for `case` on date `on` from `members` household members (alive), `covered` of them
    covered, and the household's income items. Raises ApplicationError when a standard is missing."""
    counted, steps = _income(income_items)
    if members < 1:
        raise ApplicationError(_("家庭没有在世成员，无法计算。"), code="no_members")
    per_capita = (counted / members).quantize(CENT, rounding=ROUND_HALF_UP)
    steps.append(
        _("家庭月计入收入 %(income)s 元 ÷ 家庭人口 %(n)d 人 = 人均月收入 %(pc)s 元")
        % {"income": counted, "n": members, "pc": per_capita}
    )
    dibao = require_standard(Standard.Kind.DIBAO, on)
    common = {"household_size": members, "counted_income": counted, "per_capita_income": per_capita, "steps": steps}

    if case.kind in (Case.Kind.DIBAO, Case.Kind.EDGE):
        multiple = require_standard(Standard.Kind.EDGE_MULTIPLE, on).amount
        edge_line = (dibao.amount * multiple).quantize(CENT)
        below = per_capita < dibao.amount
        edge = not below and per_capita < edge_line
        steps.append(
            _("低保标准 %(std)s 元（%(from)s 起执行）；低保边缘线 = %(std)s × %(m)s = %(edge)s 元")
            % {"std": dibao.amount, "from": dibao.effective_from.isoformat(), "m": multiple, "edge": edge_line}
        )
        if case.kind == Case.Kind.EDGE:
            steps.append(
                _("人均收入 %(pc)s 元%(cmp)s，%(res)s")
                % {
                    "pc": per_capita,
                    "cmp": _("在低保标准与边缘线之间") if edge else _("不在低保标准与边缘线之间"),
                    "res": _("符合低保边缘家庭条件（不发放低保金）") if edge else _("不符合低保边缘家庭条件"),
                }
            )
            zero = Decimal("0.00")
            return Calculation(case.kind, dibao, covered_count=covered, per_member_amount=zero, amount=zero,
                               eligible=edge, edge_eligible=edge, **common)  # fmt: skip
        if not below:
            steps.append(
                _("人均收入 %(pc)s 元不低于低保标准 %(std)s 元，不符合低保条件%(edge)s")
                % {
                    "pc": per_capita,
                    "std": dibao.amount,
                    "edge": _("；低于边缘线 %(line)s 元，可认定为低保边缘家庭") % {"line": edge_line} if edge else "",
                }
            )
            zero = Decimal("0.00")
            return Calculation(case.kind, dibao, covered_count=covered, per_member_amount=zero, amount=zero,
                               eligible=False, edge_eligible=edge, **common)  # fmt: skip
        if dibao.method == Standard.Method.TIERED:
            tier = dibao.tiers.filter(income_up_to__gte=per_capita).order_by("income_up_to").first()
            if tier is None:
                raise ApplicationError(_("分档标准未覆盖人均收入 %(pc)s 元，请补充分档。") % {"pc": per_capita})
            per_member = tier.amount_per_member
            steps.append(
                _("分档发放：人均收入不超过 %(up)s 元的档次，每人每月 %(amt)s 元")
                % {"up": tier.income_up_to, "amt": per_member}
            )
        else:
            per_member = _round(dibao.amount - per_capita, dibao.rounding)
            steps.append(
                _("差额发放：低保标准 %(std)s − 人均收入 %(pc)s = 每人每月 %(amt)s 元（%(round)s）")
                % {"std": dibao.amount, "pc": per_capita, "amt": per_member, "round": dibao.get_rounding_display()}
            )
        amount = per_member * covered
        steps.append(
            _("月发放金额 = %(amt)s × 保障人数 %(n)d = %(total)s 元")
            % {"amt": per_member, "n": covered, "total": amount}
        )
        return Calculation(case.kind, dibao, covered_count=covered, per_member_amount=per_member, amount=amount,
                           eligible=True, **common)  # fmt: skip

    if case.kind == Case.Kind.TEKUN:
        if case.subtype == Case.Subtype.CENTRALISED:
            kind = Standard.Kind.TEKUN_CENTRALISED
        elif case.self_care in (Case.SelfCare.PARTLY, Case.SelfCare.FULLY):
            kind = Standard.Kind.TEKUN_DISPERSED_CARE
        else:
            kind = Standard.Kind.TEKUN_DISPERSED
        standard = require_standard(kind, on)
        eligible = per_capita < dibao.amount
        steps.append(
            _("人均收入 %(pc)s 元%(cmp)s低保标准 %(std)s 元")
            % {"pc": per_capita, "cmp": _("低于") if eligible else _("不低于"), "std": dibao.amount}
        )
        per_member = standard.amount if eligible else Decimal("0.00")
        steps.append(
            _("适用 %(label)s：每人每月 %(amt)s 元") % {"label": standard.get_kind_display(), "amt": standard.amount}
        )
        return Calculation(case.kind, standard, covered_count=1, per_member_amount=per_member, amount=per_member,
                           eligible=eligible, **common)  # fmt: skip

    # Temporary assistance: a one-off amount, capped by the configured multiple of the standard.
    multiple = require_standard(Standard.Kind.TEMPORARY_MULTIPLE, on).amount
    cap = (dibao.amount * multiple).quantize(CENT)
    asked = case.requested_amount or Decimal("0.00")
    amount = min(asked, cap)
    steps.append(
        _("临时救助：申请 %(asked)s 元，上限 = 低保标准 %(std)s × %(m)s = %(cap)s 元，核定 %(amt)s 元")
        % {"asked": asked, "std": dibao.amount, "m": multiple, "cap": cap, "amt": amount}
    )
    return Calculation(case.kind, dibao, covered_count=covered, per_member_amount=amount, amount=amount,
                       eligible=amount > 0, **common)  # fmt: skip
