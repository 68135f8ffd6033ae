"""The registry's yearly and list pages: the annual-report board, grades and expiries, the two
lists as the bureau manages them, and the same lists as the public reads them (no login)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import personal_data
from core.views.common import paginate
from orgs import selectors
from orgs.forms import ListConfirmForm, ListRemoveForm, townships
from orgs.models import AnnualReport, ListEntry
from orgs.services.lists import list_entry_confirm, list_entry_remove
from orgs.views.common import export_rows


def _year(request) -> int:
    last = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year", last))
    except ValueError:
        return last
    return year if 2000 <= year <= last else last


def _township(request) -> str:
    code = request.GET.get("township", "")
    return code if townships(request.user).filter(code=code).exists() else ""


@login_required
@permission_required("orgs.view_annualreport", raise_exception=True)
def report_board(request):
    year, township = _year(request), _township(request)
    qs, counts = selectors.report_board(user=request.user, year=year, township=township or None)
    if request.GET.get("export"):
        headers = [_("名称"), _("统一社会信用代码"), _("乡镇（街道）"), _("报送日期"), _("状态"), _("审查结论")]
        return export_rows(
            request, queryset=qs, headers=headers, filename=_("%(y)d年度工作报告报送情况") % {"y": year},
            back="orgs:report_board",
            row=lambda o: [o.name, o.credit_code, o.township.name, o.submitted_on, _report_state(o, counts["due"]),
                           _result_label(o.result)],
        )  # fmt: skip
    page, query = paginate(request, qs)
    rows = [{"org": o, "state": _report_state(o, counts["due"]), "result": _result_label(o.result)} for o in page]
    last = timezone.localdate().year - 1
    return render(
        request,
        "orgs/report_board.html",
        {"year": year, "years": range(last, 2019, -1), "township": township, "townships": townships(request.user),
         "page": page, "rows": rows, "query": query, "counts": counts},
    )  # fmt: skip


def _report_state(org, due: datetime.date) -> str:
    if org.submitted_on is None:
        return str(_("未报送"))
    return str(_("按时报送")) if org.submitted_on <= due else str(_("逾期报送"))


def _result_label(result) -> str:
    return str(AnnualReport.Result(result).label) if result else ""


@login_required
@permission_required("orgs.view_gradeevaluation", raise_exception=True)
def grade_list(request):
    township = _township(request)
    qs, summary = selectors.grade_summary(user=request.user, township=township or None)
    if request.GET.get("export"):
        headers = [_("名称"), _("统一社会信用代码"), _("类型"), _("乡镇（街道）"), _("评估等级"), _("有效期至")]
        return export_rows(
            request, queryset=qs, headers=headers, filename=_("社会组织评估等级"), back="orgs:grade_list",
            row=lambda o: [o.name, o.credit_code, o.get_type_display(), o.township.name, o.grade, o.grade_valid_until],
        )  # fmt: skip
    page, query = paginate(request, qs)
    return render(
        request,
        "orgs/grade_list.html",
        {"page": page, "query": query, "summary": summary, "township": township, "townships": townships(request.user),
         "chart": {"labels": [g for g, _n in summary["by_grade"]], "values": [n for _g, n in summary["by_grade"]]}},
    )  # fmt: skip


@login_required
@permission_required("orgs.view_listentry", raise_exception=True)
def list_manage(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in ListEntry.Kind.values else ""
    state = request.GET.get("state", "open")
    state = state if state in ("open", "proposed", "removed") else "open"
    qs = selectors.list_entries(user=request.user, kind=kind, state=state)
    if request.GET.get("export"):
        pd = personal_data(request.user).for_export()
        headers = [_("名录"), _("名称"), _("统一社会信用代码"), _("乡镇（街道）"), _("列入日期"), _("列入事由"),
                   _("决定日期"), _("移出日期"), _("移出事由")]  # fmt: skip
        # The reasons are free text that may name the legal representative: masked by the policy, logged.
        return export_rows(
            request, queryset=qs, headers=headers, filename=_("社会组织名录记录"), back="orgs:list_manage",
            row=lambda e: [e.get_kind_display(), e.organisation.name, e.organisation.credit_code,
                           e.organisation.township.name, e.listed_on, _entry_text(pd, e, e.reason), e.confirmed_on,
                           e.removed_on, _entry_text(pd, e, e.removal_reason)],
            personal_ids=("orgs.listentry", lambda e: e.pk),
        )  # fmt: skip
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    for e in page:
        e.shown_reason, e.shown_removal_reason = _entry_text(pd, e, e.reason), _entry_text(pd, e, e.removal_reason)
    return render(
        request,
        "orgs/list_manage.html",
        {"page": page, "query": query, "kind": kind, "state": state, "kinds": ListEntry.Kind.choices,
         "remove_form": ListRemoveForm(initial={"removed_on": timezone.localdate()}),
         "confirm_form": ListConfirmForm(initial={"confirmed_on": timezone.localdate()})},
    )  # fmt: skip


def _entry_text(pd, entry, text) -> str:
    return pd.text(text, names=[entry.organisation.legal_representative])


def _entry_action(request, pk, form_class, service, done):
    entry = get_for_user_or_404(ListEntry.objects.select_related("organisation"), request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(user=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("orgs:list_manage")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{entry.organisation.name}：{error}")
    return redirect("orgs:list_manage")


@login_required
@permission_required("orgs.change_listentry", raise_exception=True)
@require_POST
def list_entry_remove_view(request, pk):
    return _entry_action(request, pk, ListRemoveForm, list_entry_remove, _("已移出名录。"))


@login_required
@permission_required("orgs.change_listentry", raise_exception=True)
@require_POST
def list_entry_confirm_view(request, pk):
    return _entry_action(request, pk, ListConfirmForm, list_entry_confirm, _("已决定列入严重违法失信名单。"))


def public_list(request, kind: str):
    """A public list: no login, no personal data (the law makes these lists public)."""
    qs = selectors.public_list(kind)
    page, query = paginate(request, qs)
    return render(
        request,
        "orgs/public_list.html",
        {"page": page, "query": query, "kind": kind, "title": ListEntry.Kind(kind).label},
    )
