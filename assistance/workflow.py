"""The case workflow as data: which action moves a case from which states to which, and who may do
it. Services enforce it; pages and the API read it to offer only the actions allowed now."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from assistance.models import Case

S = Case.State

CONFIRM = "assistance.confirm_case"
REVIEW = "assistance.review_case"
INVESTIGATE = "assistance.investigate_case"
ACCEPT = "assistance.add_case"


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: tuple[str, ...]
    #: None keeps the state (an event on the case, such as an extension or a re-check)
    target: str | None
    permission: str
    style: str = "primary"
    #: what the action takes besides its date and comment; anything else is refused, naming the field
    fields: tuple[str, ...] = ()
    #: undoes work or ends a case: offered last, and the page asks before it is done
    destructive: bool = False


#: An investigation's findings (investigate, and complete_paperwork after 先行救助).
INVESTIGATION = ("investigators", "verification", "income_items", "asset_items", "note")


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in [
        Action("accept", _("受理"), (S.DRAFT,), S.ACCEPTED, ACCEPT),
        Action("investigate", _("登记入户调查"), (S.ACCEPTED,), S.INVESTIGATED, INVESTIGATE, fields=INVESTIGATION),
        Action("review", _("乡镇审核意见"), (S.INVESTIGATED,), S.REVIEWED, REVIEW, fields=("opinion",)),
        Action("publish_notice", _("张榜公示"), (S.REVIEWED,), S.NOTICE, REVIEW),
        Action(
            "object",
            _("登记公示异议"),
            (S.NOTICE,),
            S.ACCEPTED,
            REVIEW,
            "warning",
            fields=("content",),
            destructive=True,
        ),
        Action("confirm", _("审核确认"), (S.NOTICE,), S.ACTIVE, CONFIRM, "success", fields=("recheck_months",)),
        # 先行救助: emergency temporary assistance is paid first, the investigation follows.
        Action("emergency_confirm", _("先行救助"), (S.ACCEPTED,), S.ACTIVE, CONFIRM, "success"),
        Action(
            "refuse",
            _("不予认定"),
            (S.ACCEPTED, S.INVESTIGATED, S.REVIEWED, S.NOTICE),
            S.REFUSED,
            CONFIRM,
            "danger",
            destructive=True,
        ),
        Action(
            "extend", _("延长办理期限"), (S.ACCEPTED, S.INVESTIGATED, S.REVIEWED, S.NOTICE), None, REVIEW, "secondary"
        ),
        Action(
            "complete_paperwork", _("补办调查手续"), (S.ACTIVE,), None, INVESTIGATE, "secondary", fields=INVESTIGATION
        ),
        Action(
            "recheck",
            _("定期核查"),
            (S.ACTIVE, S.SUSPENDED, S.GRADUAL_EXIT),
            None,
            CONFIRM,
            "secondary",
            fields=("recheck_months",),
        ),
        Action("suspend", _("暂停发放"), (S.ACTIVE,), S.SUSPENDED, REVIEW, "warning"),
        Action("resume", _("恢复发放"), (S.SUSPENDED,), S.ACTIVE, REVIEW),
        Action("gradual_exit", _("渐退"), (S.ACTIVE,), S.GRADUAL_EXIT, REVIEW, "warning", fields=("exit_until",)),
        Action("end", _("终止"), (S.ACTIVE, S.SUSPENDED, S.GRADUAL_EXIT), S.ENDED, REVIEW, "danger", destructive=True),
    ]
}


#: A change of the household's income or assets (case_income_set), recorded as a step naming its author.
INCOME_CHANGE = "income_change"

#: Events recorded on a case that are not user actions of the workflow table.
EVENTS = {
    INCOME_CHANGE: _("修改收入"),
    "create": _("登记申请"),
    "member_died": _("成员死亡"),
    "import": _("从原台账导入"),
    "paid": _("已发放"),
}


def action_applies(action: Action, case: Case) -> bool:
    """The action fits the case's state and kind (not yet: the user's right to it)."""
    if case.state not in action.sources:
        return False
    temporary = case.kind == Case.Kind.TEMPORARY
    if action.code == "emergency_confirm":
        return temporary and case.subtype == Case.Subtype.EMERGENCY
    if action.code == "complete_paperwork":
        return case.paperwork_pending
    if action.code in ("recheck", "suspend", "gradual_exit", "resume"):
        return not temporary
    return True


def can_succeed_today(action: Action, case: Case) -> bool:
    """Offered only when it can succeed now: confirmation waits for the 7-day notice to run out (the
    case page shows its end instead)."""
    if action.code == "confirm":
        from django.utils import timezone

        return case.notice_end is not None and timezone.localdate() > case.notice_end
    return True


def allowed_actions(case: Case, user) -> list[Action]:
    """The actions the user can take on the case now, the destructive ones last."""
    from core.jurisdiction import user_can_act_in

    if not user_can_act_in(user, case.township_id):
        return []
    offered = [
        a
        for a in ACTIONS.values()
        if action_applies(a, case) and user.has_perm(a.permission) and can_succeed_today(a, case)
    ]
    return sorted(offered, key=lambda a: a.destructive)
