"""Guardians and entrusted carers, guardianship assessments: the forms on a child's file, the
care agreement's download, and the assessments list (with its export)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare import selectors
from childwelfare.forms import AssessmentFilterForm, AssessmentForm, CarerEndForm, CarerForm
from childwelfare.models import Carer, GuardianshipAssessment
from childwelfare.services.guardianship import assessment_record, carer_add, carer_end
from childwelfare.views.children import _child
from childwelfare.views.common import capped, export_rows
from core.documents import document_content_type
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.models import AccessLog
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.services.access import access_log_record
from core.views.common import paginate


@login_required
@permission_required("childwelfare.add_carer", raise_exception=True)
def carer_create(request, pk):
    child = _child(request, pk)
    form = CarerForm(request.POST or None, request.FILES or None, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            carer_add(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记监护人（照护人）。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(
        request, "childwelfare/form.html", {"form": form, "title": _("登记监护人（被委托照护人）"), "child": child}
    )


@login_required
@permission_required("childwelfare.change_carer", raise_exception=True)
def carer_end_view(request, pk):
    carer = get_for_user_or_404(Carer.objects.select_related("child__person"), request.user, pk=pk)
    form = CarerEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            carer_end(user=request.user, carer=carer, end=form.cleaned_data["end"],
                      reason=form.cleaned_data["end_reason"])  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已终止。"))
            return redirect("childwelfare:child_detail", pk=carer.child_id)
    title = _("终止：%(r)s") % {"r": carer.get_role_display()}
    return render(request, "childwelfare/form.html", {"form": form, "title": title, "child": carer.child})


@login_required
@permission_required("childwelfare.view_carer", raise_exception=True)
def carer_agreement(request, pk):
    """The scanned care agreement names the carer and the child: served only here, to users of the
    child's township, always as a download, and logged."""
    carer = get_for_user_or_404(Carer.objects.all(), request.user, pk=pk)
    if not carer.agreement_file or not personal_data(request.user).full_name:
        raise Http404
    access_log_record(
        user=request.user, action=AccessLog.Action.EXPORT, object_type="childwelfare_carer", object_ids=[carer.pk],
        detail=_("委托照护协议"), request=request,
    )  # fmt: skip
    content = carer.agreement_file.open("rb")
    response = FileResponse(content, content_type=document_content_type(carer.agreement_file.name, content),
                            as_attachment=True, filename=carer.agreement_file.name.rsplit("/", 1)[-1])  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("childwelfare.add_guardianshipassessment", raise_exception=True)
def assessment_create(request, pk):
    child = _child(request, pk)
    form = AssessmentForm(
        request.POST or None,
        initial={"assessed_on": timezone.localdate(), "assessor_name": request.user.get_full_name()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment_record(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记监护评估。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(request, "childwelfare/form.html", {"form": form, "title": _("登记监护评估"), "child": child})


def _assessments(request):
    form = AssessmentFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, GuardianshipAssessment.objects.none()
    d = form.cleaned_data if form.is_bound else {}
    township = d.get("township")
    return form, selectors.assessment_list(
        user=request.user, township=township.code if township else None, risk=d.get("risk", ""),
        latest=d.get("latest", False),
    )  # fmt: skip


@login_required
@permission_required("childwelfare.view_guardianshipassessment", raise_exception=True)
def assessment_list(request):
    form, qs = _assessments(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [{"a": a, "name": pd.name(a.child.person.name)} for a in page]
    return render(request, "childwelfare/assessment_list.html", {"form": form, "page": page, "rows": rows,
                                                                  "query": query})  # fmt: skip


@login_required
@permission_required("childwelfare.view_guardianshipassessment", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def assessment_export(request):
    _form, qs = _assessments(request)
    assessments, too_many = capped(qs)
    if too_many:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("childwelfare:assessment_list")
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("乡镇（街道）"), _("评估日期"), _("评估人"), _("风险等级"), _("评估情况"),
               _("后续措施"), _("下次评估日期")]  # fmt: skip
    rows = []
    for a in assessments:
        names = a.child.names_in_records()
        rows.append([
            pd.name(a.child.person.name), pd.id_number(a.child.person.id_number), a.child.township.name,
            a.assessed_on, a.assessor_name, a.get_risk_level_display(), pd.text(a.findings, names=names),
            pd.text(a.measures, names=names), a.next_review_on,
        ])  # fmt: skip
    return export_rows(
        request, headers=headers, rows=rows, object_type="childwelfare_assessment",
        object_ids=[a.pk for a in assessments], filename="guardianship-assessments", personal=True,
    )  # fmt: skip
