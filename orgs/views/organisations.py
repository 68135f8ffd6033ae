"""The registry pages: the list with its filters and export, an organisation's page with its whole
history and the bureau's actions on it, and the registration form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import personal_data
from core.views.common import paginate
from orgs import selectors
from orgs.forms import (
    AnnualReportForm,
    GradeForm,
    ListEntryForm,
    OrganisationFilterForm,
    OrganisationForm,
    ReportReviewForm,
    StatusChangeForm,
    SupervisionForm,
)
from orgs.models import Organisation
from orgs.services.grades import grade_record
from orgs.services.lists import list_entry_add
from orgs.services.organisations import organisation_change_status, organisation_create, organisation_update
from orgs.services.reports import REVIEW_PERMISSION, annual_report_record, annual_report_review
from orgs.services.supervision import supervision_record
from orgs.views.common import export_rows, filters


def _registry(request):
    form = OrganisationFilterForm(request.GET or None, user=request.user)
    values = filters(form)
    if form.is_bound and not form.is_valid():
        return form, selectors.organisation_list(user=request.user).none()
    overdue = values.pop("overdue", None)
    return form, selectors.organisation_list(user=request.user, overdue_year=overdue, **values)


@login_required
@permission_required("orgs.view_organisation", raise_exception=True)
def organisation_list(request):
    form, qs = _registry(request)
    page, query = paginate(request, qs)
    return render(
        request,
        "orgs/organisation_list.html",
        {"form": form, "page": page, "query": query, "total": page.paginator.count},
    )


@login_required
@permission_required("orgs.view_organisation", raise_exception=True)
def organisation_export(request):
    _form, qs = _registry(request)
    pd = personal_data(request.user).for_export()
    headers = [
        _("名称"), _("统一社会信用代码"), _("类型"), _("登记日期"), _("乡镇（街道）"), _("登记状态"), _("注销日期"),
        _("撤销登记日期"), _("评估等级"), _("等级有效期至"), _("法定代表人"), _("业务主管单位"), _("注册资金（元）"),
        _("已建立党组织"), _("慈善组织"), _("公开募捐资格"), _("活动异常名录"),
    ]  # fmt: skip
    yes = _("是")

    def row(o):
        return [
            o.name, o.credit_code, o.get_type_display(), o.registered_on, o.township.name, o.get_status_display(),
            o.deregistered_on, o.revoked_on, o.grade or "", o.grade_valid_until, pd.name(o.legal_representative),
            o.supervising_unit, o.registered_capital, yes if o.party_organisation else "", yes if o.charity else "",
            yes if o.public_fundraising else "", yes if o.on_abnormal_list else "",
        ]  # fmt: skip

    # The legal representatives' names are people's names: every export is logged, masked or not.
    return export_rows(
        request, queryset=qs, headers=headers, row=row, filename=_("社会组织名录"), back="orgs:organisation_list",
        personal_ids=("orgs.organisation", lambda o: o.pk),
    )  # fmt: skip


def _review(*, user, organisation, report, result, note):
    # The form's report is one of this organisation's; a blank note keeps the one recorded.
    return annual_report_review(user=user, report=report, result=result, note=note or None)


ACTIONS = {
    "report": (AnnualReportForm, annual_report_record, "orgs.add_annualreport", gettext_lazy("已录入年度工作报告。")),
    "grade": (GradeForm, grade_record, "orgs.add_gradeevaluation", gettext_lazy("已录入等级评估。")),
    "supervision": (SupervisionForm, supervision_record, "orgs.add_supervision", gettext_lazy("已录入监督检查记录。")),
    "list": (ListEntryForm, list_entry_add, "orgs.add_listentry", gettext_lazy("已列入名录。")),
    "review": (ReportReviewForm, _review, REVIEW_PERMISSION, gettext_lazy("已录入审查结论。")),
}


@login_required
@permission_required("orgs.view_organisation", raise_exception=True)
def organisation_detail(request, pk, action: str = ""):
    """An organisation's page; the POST of one of its action forms comes back here with its errors."""
    org = get_for_user_or_404(selectors.organisation_detail_queryset(user=request.user), request.user, pk=pk)
    forms = {
        key: spec[0](prefix=key, user=request.user, organisation=org)
        for key, spec in ACTIONS.items()
        if request.user.has_perm(spec[2]) and (key != "review" or org.annual_reports.exists())
    }
    status_form = StatusChangeForm(prefix="status") if request.user.has_perm("orgs.add_organisation") else None
    open_form = ""
    if action and action != "status" and action not in ACTIONS:
        raise Http404
    if action:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action == "status":
            if not request.user.has_perm("orgs.add_organisation"):
                raise PermissionDenied
            status_form = StatusChangeForm(request.POST, prefix="status")
            if status_form.is_valid():
                try:
                    organisation_change_status(user=request.user, organisation=org, **status_form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(status_form, exc)
                else:
                    messages.success(request, _("已办理。"))
                    return redirect("orgs:organisation_detail", pk=org.pk)
        else:
            form_class, service, perm, done = ACTIONS[action]
            if not request.user.has_perm(perm):
                raise PermissionDenied
            form = forms[action] = form_class(request.POST, prefix=action, user=request.user, organisation=org)
            if form.is_valid():
                try:
                    service(user=request.user, organisation=org, **form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, done)
                    return redirect("orgs:organisation_detail", pk=org.pk)
        open_form = action
    pd = personal_data(request.user)
    history = selectors.organisation_history(org)
    # Free text next to the masked name may repeat it: masked there too.
    names = [org.legal_representative]
    for key, fields in (("list_entries", ("reason", "removal_reason")), ("supervisions", ("note",)),
                        ("status_changes", ("reason",))):  # fmt: skip
        for record in history[key]:
            for field in fields:
                setattr(record, f"shown_{field}", pd.text(getattr(record, field), names=names))
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "org": org,
            "legal_representative": pd.name(org.legal_representative),
            "history": history,
            "forms": forms,
            "status_form": status_form,
            "open_form": open_form,
        },
        status=400 if open_form else 200,
    )


@login_required
@permission_required("orgs.add_organisation", raise_exception=True)
def organisation_create_view(request):
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = organisation_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": org.name})
            return redirect("orgs:organisation_detail", pk=org.pk)
    return render(
        request, "orgs/form.html", {"form": form, "title": _("登记社会组织"), "back": "orgs:organisation_list"}
    )


@login_required
@permission_required("orgs.change_organisation", raise_exception=True)
def organisation_edit(request, pk):
    org = get_for_user_or_404(Organisation.objects, request.user, pk=pk)
    form = OrganisationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(user=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:organisation_detail", pk=org.pk)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("修改 %(n)s") % {"n": org.name}, "back": "orgs:organisation_list"},
    )
