"""Case pages: the township review queue, the case list, intake, the case page and its actions,
the village notice sheet, the refusal notice and the re-checks due."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistance import selectors
from assistance.forms.cases import ActionForm, AssetFormSet, CaseFilterForm, IncomeFormSet, IntakeForm, items
from assistance.models import Case, CaseDocument
from assistance.services.cases import (
    case_applicant_find,
    case_calculate,
    case_create,
    case_document_add,
    case_income_set,
    case_transition,
)
from assistance.workflow import ACTIONS, action_applies, allowed_actions
from core.documents import document_content_type
from core.exceptions import ApplicationError
from core.exports import workbook_bytes, xlsx_response
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.models import AccessLog, Division, Household
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.selectors import township_choices
from core.services.access import access_log_record
from core.views.common import labels, paginate

VIEW = "assistance.view_case"


def _filters(request):
    form = CaseFilterForm(request.GET or None, townships=township_choices(request.user))
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    township = data.get("township")
    return form, {
        "q": data.get("q", ""),
        "kind": data.get("kind", ""),
        "state": data.get("state", ""),
        "township": township.code if township else "",
        "mine": request.GET.get("mine") == "1",
        "household": int(request.GET["household"]) if request.GET.get("household", "").isdigit() else None,
    }


#: What a row of the queue and of the case list shows: the columns read for a page's 50 cases (the
#: case, its applicant, places and decision have some 80 between them).
_ROW = ("kind", "subtype", "state", "applicant__name", "township__name", "village__name")
QUEUE_COLUMNS = (*_ROW, "accepted_on", "decision_due")
LIST_COLUMNS = (*_ROW, "next_recheck", "decision__amount")


@login_required
@permission_required(VIEW, raise_exception=True)
def queue(request):
    """待办: cases waiting for a step, nearest deadline first, with deadline badges."""
    township = request.GET.get("township", "") if request.user.is_city_level else ""
    page, query = paginate(request, selectors.review_queue(user=request.user, township=township).only(*QUEUE_COLUMNS))
    cases = list(page)
    badges = selectors.deadline_badges(cases)
    # Labels and links are looked up once per page, not per row: the queue is the page officers
    # open most, and per-row template includes and lazy-label lookups were most of its time.
    kinds, subtypes, states = labels(Case.Kind.choices), labels(Case.Subtype.choices), labels(Case.State.choices)
    pd = personal_data(request.user)
    base = reverse("assistance:case_detail", args=[0])[: -len("0/")]
    rows = []
    for c in cases:
        badge, left = badges[c.pk]
        rows.append(
            {
                "pk": c.pk,
                "url": f"{base}{c.pk}/",
                "kind": _kind_text(c, kinds, subtypes),
                "state": c.state,
                "state_label": states.get(c.state, c.state),
                "name": pd.name(c.applicant.name),
                "township": c.township.name,
                "village": c.village.name if c.village_id else "—",
                "accepted_on": c.accepted_on.isoformat() if c.accepted_on else "—",
                "decision_due": c.decision_due.isoformat() if c.decision_due else "—",
                "badge": badge,
                "badge_text": _deadline_text(badge, left),
            }
        )
    return render(
        request,
        "assistance/queue.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "townships": township_choices(request.user) if request.user.is_city_level else [],
            "township": township,
        },
    )


def _kind_text(case, kinds: dict, subtypes: dict) -> str:
    kind = kinds.get(case.kind, case.kind)  # a value no longer among the choices is shown as stored
    return f"{kind} · {subtypes.get(case.subtype, case.subtype)}" if case.subtype else kind


def _deadline_text(badge: str | None, left: int | None) -> str:
    if badge == "overdue":
        return _("已超期 %(n)s 个工作日") % {"n": -left}
    if badge in ("due_soon", "ok"):
        return _("剩 %(n)s 个工作日") % {"n": left}
    return _("未受理")


@login_required
@permission_required(VIEW, raise_exception=True)
def case_list(request):
    form, filters = _filters(request)
    qs = selectors.case_list(user=request.user, **filters) if filters is not None else Case.objects.none()
    page, query = paginate(request, qs.only(*LIST_COLUMNS))
    # The queue's shape: labels, links and the name policy once per page, each row plain text.
    kinds, subtypes, states = labels(Case.Kind.choices), labels(Case.Subtype.choices), labels(Case.State.choices)
    pd = personal_data(request.user)
    base = reverse("assistance:case_detail", args=[0])[: -len("0/")]
    rows = [
        {
            "pk": c.pk,
            "url": f"{base}{c.pk}/",
            "kind": _kind_text(c, kinds, subtypes),
            "name": pd.name(c.applicant.name),
            "township": c.township.name,
            "village": c.village.name if c.village_id else "—",
            "state": c.state,
            "state_label": states.get(c.state, c.state),
            "amount": c.decision.amount if c.decision_id else "—",
            "next_recheck": c.next_recheck.isoformat() if c.next_recheck else "—",
        }
        for c in page
    ]
    return render(request, "assistance/case_list.html", {"form": form, "page": page, "rows": rows, "query": query})


EXPORT_HEADERS = ["案件号", "类别", "细类", "状态", "乡镇（街道）", "村（社区）", "申请人", "身份证号", "保障人数",
                  "月发放金额（元）", "申请日期", "认定日期", "下次核查"]  # fmt: skip


@login_required
@permission_required(VIEW, raise_exception=True)
def case_export(request):
    """The filtered case list as xlsx; ID numbers in full only for users who may see them (logged)."""
    _form, filters = _filters(request)
    if filters is None:
        raise Http404
    qs = selectors.case_list(user=request.user, **filters)
    pd = personal_data(request.user).for_export()
    full = pd.full_id_number
    rows = []
    ids = []
    for c in qs[:EXPORT_MAX_ROWS]:
        ids.append(c.pk)
        rows.append(
            [
                c.pk, c.get_kind_display(), c.get_subtype_display() if c.subtype else "", c.get_state_display(),
                c.township.name, c.village.name if c.village_id else "",
                pd.name(c.applicant.name),
                pd.id_number(c.applicant.id_number),
                c.decision.covered_count if c.decision_id else "", c.decision.amount if c.decision_id else "",
                c.applied_on, c.decided_on or "", c.next_recheck or "",
            ]
        )  # fmt: skip
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        object_type="assistance.case",
        object_ids=ids[:1000],
        detail=_("救助案件导出 %(n)d 条（%(mode)s）") % {"n": len(ids), "mode": _("完整") if full else _("脱敏")},
        request=request,
    )
    content = workbook_bytes(_("救助案件"), EXPORT_HEADERS, rows)
    return xlsx_response(content, f"assistance-cases-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@login_required
@permission_required("assistance.add_case", raise_exception=True)
def case_new(request):
    """Intake: the applicant's household is found by ID number; income, assets and documents."""
    initial = {}
    household = request.GET.get("household", "")
    if request.method == "GET" and household.isdigit():
        # 申请救助 from a household's page: its head is the applicant unless the clerk changes it.
        found = Household.objects.for_user(request.user).select_related("head").filter(pk=int(household)).first()
        if found is not None and found.head.id_number:
            initial["id_number"] = found.head.id_number
    form = IntakeForm(request.POST or None, request.FILES or None, initial=initial)
    income = IncomeFormSet(request.POST or None, prefix="income")
    assets = AssetFormSet(request.POST or None, prefix="asset")
    if request.method == "POST" and form.is_valid() and income.is_valid() and assets.is_valid():
        data = form.cleaned_data
        try:
            person = case_applicant_find(user=request.user, id_number=data["id_number"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            try:
                case = case_create(
                    user=request.user,
                    kind=data["kind"],
                    subtype=data["subtype"] or "",
                    household=person.membership.household,
                    applicant=person,
                    applied_on=data["applied_on"],
                    reason=data["reason"],
                    bank_account=data["bank_account"],
                    requested_amount=data["requested_amount"],
                    self_care_unable_items=data["self_care_unable_items"],
                    income_items=items(income),
                    asset_items=items(assets),
                    documents=[(f.name, f) for f in data["documents"]],
                    accept=data["accept"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记申请，案件号 %(id)d。") % {"id": case.pk})
                return redirect("assistance:case_detail", pk=case.pk)
    return render(request, "assistance/case_new.html", {"form": form, "income": income, "assets": assets})


def _get_case(request, pk):
    return get_for_user_or_404(selectors.case_detail_queryset(user=request.user), request.user, pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def case_detail(request, pk):
    case = _get_case(request, pk)
    pd = personal_data(request.user)
    members = list(case.members.all())
    names = [m.person.name for m in members]
    rows = [
        {"member": m, "name": pd.name(m.person.name), "id_number": pd.id_number(m.person.id_number)} for m in members
    ]
    pd.log_view(
        request=request, object_type="person", object_ids=[m.person_id for m in members],
        detail=_("救助案件 %(id)d") % {"id": case.pk},
    )  # fmt: skip
    calculation, calc_error = None, ""
    if case.decision_id is None and case.state not in (Case.State.REFUSED, Case.State.ENDED):
        try:
            calculation = case_calculate(case)
        except ApplicationError as exc:
            calc_error = exc.message
    badge = None
    if case.is_pending:
        status, left = selectors.deadline_badges([case])[case.pk]
        badge = (status, left, -left if left is not None else None)
    names = [case.applicant.name, *names]

    def masked(text):
        return pd.text(text, names=names)

    return render(
        request,
        "assistance/case_detail.html",
        {
            "case": case,
            "rows": rows,
            "applicant_name": pd.name(case.applicant.name),
            # Free text the clerks typed may name the household's people: masked as the API masks it.
            "texts": {key: masked(getattr(case, key)) for key in CASE_TEXTS},
            "income": [{"item": i, "note": masked(i.note)} for i in case.income_items.all()],
            "assets": [{"item": a, "description": masked(a.description)} for a in case.asset_items.all()],
            "objections": [{"o": o, "content": masked(o.content)} for o in case.objections.all()],
            "recheck_reason": masked(case.recheck_reason),
            "calculation": calculation,
            "calc_error": calc_error,
            "decisions": list(case.decisions.all()),
            "timeline": _timeline(case, masked),
            "actions": allowed_actions(case, request.user),
            "badge": badge,
            "can_edit_income": request.user.has_perm("assistance.change_case")
            and case.state in (Case.State.DRAFT, *Case.PENDING_STATES, Case.State.ACTIVE, Case.State.SUSPENDED),
        },
    )


#: The case's own free texts shown on its page (CaseSerializer.MASKED_TEXTS in the API).
CASE_TEXTS = ("reason", "opinion", "extension_reason", "refusal_reason")


def _timeline(case, masked) -> list[dict]:
    """The transitions with their labels looked up once (the case page is opened all day long)."""
    from assistance.workflow import EVENTS

    states = labels(Case.State.choices)
    actions = {**{code: a.label for code, a in ACTIONS.items()}, **EVENTS}
    return [
        {
            "on_date": t.on_date,
            # shown when the step was entered on another day than the one it states (back-dated entry)
            "entered_at": t.entered_at if timezone.localtime(t.entered_at).date() != t.on_date else None,
            "to": states[t.to_state],
            "from": states[t.from_state] if t.from_state != t.to_state else "",
            "action": actions.get(t.action, t.action),
            "user": (t.user.get_full_name() or t.user.username) if t.user_id else "—",
            "comment": masked(t.comment),
        }
        for t in case.transitions.all()
    ]


@login_required
@permission_required(VIEW, raise_exception=True)
def case_act(request, pk, action):
    """One workflow action: GET shows its small form, POST runs it through the service."""
    case = _get_case(request, pk)
    spec = ACTIONS.get(action)
    if spec is None or not action_applies(spec, case):
        messages.error(request, _("案件当前状态不能进行该操作。"))
        return redirect("assistance:case_detail", pk=pk)
    form = ActionForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            case_transition(user=request.user, case=case, action=action, **form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已完成：%(a)s。") % {"a": spec.label})
            return redirect("assistance:case_detail", pk=pk)
    calculation = None
    if action in ("review", "confirm", "recheck", "emergency_confirm"):
        try:
            calculation = case_calculate(case)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    return render(
        request, "assistance/case_act.html", {"case": case, "spec": spec, "form": form, "calculation": calculation}
    )


@login_required
@permission_required("assistance.change_case", raise_exception=True)
def case_income(request, pk):
    case = _get_case(request, pk)
    initial_income = [
        {"kind": i.kind, "monthly_amount": i.monthly_amount, "note": i.note} for i in case.income_items.all()
    ]
    initial_assets = [{"kind": a.kind, "value": a.value, "description": a.description} for a in case.asset_items.all()]
    income = IncomeFormSet(request.POST or None, prefix="income", initial=initial_income)
    assets = AssetFormSet(request.POST or None, prefix="asset", initial=initial_assets)
    error = ""
    if request.method == "POST" and income.is_valid() and assets.is_valid():
        try:
            saved = case_income_set(user=request.user, case=case, income_items=items(income), asset_items=items(assets))
        except (ValidationError, ApplicationError) as exc:
            error = getattr(exc, "message", None) or "; ".join(exc.messages)
        else:
            messages.success(request, _("已保存收入和财产。"))
            if saved.state != case.state:
                messages.warning(request, _("审核后修改收入，退回重新审核并公示。"))
            return redirect("assistance:case_detail", pk=pk)
    return render(
        request, "assistance/case_income.html", {"case": case, "income": income, "assets": assets, "error": error}
    )


@login_required
@permission_required("assistance.add_casedocument", raise_exception=True)
@require_POST
def case_document_upload(request, pk):
    case = _get_case(request, pk)
    files = request.FILES.getlist("documents")
    try:
        with transaction.atomic():
            for f in files:
                case_document_add(user=request.user, case=case, title=request.POST.get("title") or f.name, upload=f)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    else:
        messages.success(request, _("已上传 %(n)d 份材料。") % {"n": len(files)})
    return redirect("assistance:case_detail", pk=pk)


@login_required
@permission_required("assistance.view_casedocument", raise_exception=True)
def document_download(request, pk):
    """Documents are personal data: served only through this view, to users of the case's township."""
    document = CaseDocument.objects.select_related("case").filter(pk=pk).first()
    if document is None or not Case.objects.for_user(request.user).filter(pk=document.case_id).exists():
        raise Http404
    access_log_record(
        user=request.user, action=AccessLog.Action.EXPORT, object_type="assistance.casedocument",
        object_ids=[document.pk], detail=document.title, request=request,
    )  # fmt: skip
    # Always a download, typed by what the content is (never guessed by the browser from the bytes).
    content = document.file.open("rb")
    response = FileResponse(content, content_type=document_content_type(document.file.name, content),
                            as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def refusal_notice(request, pk):
    """不予认定通知书 (Art. 21: refusals are notified in writing with reasons), printable."""
    case = _get_case(request, pk)
    if case.state != Case.State.REFUSED:
        raise Http404
    names = [case.applicant.name, *(m.person.name for m in case.members.all())]
    reason = personal_data(request.user).text(case.refusal_reason, names=names)
    return render(request, "assistance/refusal_notice.html", {"case": case, "refusal_reason": reason})


@login_required
@permission_required(VIEW, raise_exception=True)
def notice_sheet(request):
    """The village's public notice (Art. 24): names masked as 张*明, household size and amount."""
    villages = Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent").order_by("code")
    if not request.user.is_city_level:
        villages = villages.filter(parent_id=request.user.township_id)
    township = request.GET.get("township") or (request.user.township_id or "")
    village_code = request.GET.get("village", "")
    village = villages.filter(code=village_code).first() if village_code else None
    under_notice, recipients = ([], [])
    if village is not None:
        under_notice, recipients = selectors.notice_sheet(user=request.user, village=village.code)
    choices = villages.filter(parent_id=township) if township else villages.none()
    return render(
        request,
        "assistance/notice_sheet.html",
        {
            "village": village,
            "villages": choices,
            "townships": township_choices(request.user),
            "township": township,
            "under_notice": under_notice,
            "recipients": recipients,
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required("assistance.view_notice_backfill", raise_exception=True)
def notice_backfills(request):
    """公示期补录: cases confirmed less than 7 days after their notice was entered in the system, each
    with the notice's stated dates, when it was entered, and the confirmer's reason (names masked for
    those who see names masked)."""
    page, query = paginate(request, selectors.notice_backfills(user=request.user))
    pd = personal_data(request.user)
    rows = []
    for case in page.object_list:
        notices = [t for t in case.backfill_steps if t.action == "publish_notice"]
        confirms = [t for t in case.backfill_steps if t.action == "confirm"]
        confirm = confirms[-1] if confirms else None
        names = [case.applicant.name, *(m.person.name for m in case.members.all())]
        rows.append(
            {
                "case": case,
                "name": pd.name(case.applicant.name),
                "notice": notices[-1] if notices else None,
                "confirm": confirm,
                "confirmer": (confirm.user.get_full_name() or confirm.user.username)
                if confirm and confirm.user
                else "",
                "reason": pd.text(confirm.comment, names=names) if confirm else "",
            }
        )
    return render(request, "assistance/notice_backfills.html", {"page": page, "query": query, "rows": rows})


@login_required
@permission_required(VIEW, raise_exception=True)
def rechecks(request):
    try:
        within = max(0, min(int(request.GET.get("within", 30)), 366))
    except ValueError:
        within = 30
    page, query = paginate(request, selectors.rechecks_due(user=request.user, within_days=within))
    # A re-check reason names the member who died: masked like the names themselves, with the names
    # of the page's cases that have a reason read once (selectors.member_names, as the API's list).
    pd = personal_data(request.user)
    named = [] if pd.full_name else [case.pk for case in page.object_list if case.recheck_reason]
    names = selectors.member_names(named)
    # The case list's shape: labels, links and the name policy once per page, each row plain text.
    kinds, today = labels(Case.Kind.choices), timezone.localdate()
    base = reverse("assistance:case_detail", args=[0])[: -len("0/")]
    rows = [
        {
            "due": c.next_recheck.isoformat(),
            "late": c.next_recheck < today,
            "pk": c.pk,
            "url": f"{base}{c.pk}/",
            "kind": kinds.get(c.kind, c.kind),
            "name": pd.name(c.applicant.name) or "—",
            "township": c.township.name,
            "village": c.village.name if c.village_id else "—",
            "reason": pd.text(c.recheck_reason, names=names.get(c.pk, [])) or _("定期核查"),
        }
        for c in page
    ]
    return render(
        request,
        "assistance/rechecks.html",
        {"page": page, "rows": rows, "query": query, "within": within, "within_options": [0, 30, 60, 90, 180]},
    )
