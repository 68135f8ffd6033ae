"""The recognition workflow's pages: the queue, a child's application, and the township's and the
bureau's decisions on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from childwelfare import selectors
from childwelfare.forms import OpinionForm, RecognitionForm
from childwelfare.models import Recognition
from childwelfare.services.children import is_tekun
from childwelfare.services.recognitions import (
    recognition_apply,
    recognition_confirm,
    recognition_reject,
    recognition_verify,
)
from childwelfare.views.children import _child
from childwelfare.views.common import capped, export_rows
from core.exceptions import ApplicationError
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate


@login_required
@permission_required("childwelfare.view_recognition", raise_exception=True)
def recognition_list(request):
    state = _list_state(request)
    qs = selectors.recognition_list(user=request.user, state=state, q=request.GET.get("q", ""))
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    today = timezone.localdate()
    rows = []
    for r in page:
        due = r.verify_due if r.state == Recognition.State.APPLIED else r.confirm_due
        rows.append({"r": r, "name": pd.name(r.child.person.name), "due": due,
                     "late": r.state in Recognition.OPEN_STATES and due is not None and due < today})  # fmt: skip
    states = [("open", _("办理中")), *list(Recognition.State.choices), ("", _("全部"))]
    return render(
        request, "childwelfare/recognition_list.html",
        {"page": page, "rows": rows, "query": query, "state": state, "states": states, "q": request.GET.get("q", "")},
    )  # fmt: skip


def _list_state(request) -> str:
    state = request.GET.get("state", "open")
    return state if state in {"open", "", *Recognition.State.values} else "open"


@login_required
@permission_required("childwelfare.view_recognition", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def recognition_export(request):
    qs = selectors.recognition_list(user=request.user, state=_list_state(request), q=request.GET.get("q", ""))
    recognitions, too_many = capped(qs)
    if too_many:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("childwelfare:recognition_list")
    pd = personal_data(request.user).for_export()
    headers = [_("儿童"), _("身份证号"), _("乡镇（街道）"), _("认定类别"), _("状态"), _("申请日期"), _("申请人"),
               _("父亲情况"), _("母亲情况"), _("核查期限"), _("核查日期"), _("确认期限"), _("确认（不予认定）日期")]  # fmt: skip
    rows = [
        [
            pd.name(r.child.person.name),
            pd.id_number(r.child.person.id_number),
            r.child.township.name,
            r.get_kind_display(),
            r.get_state_display(),
            r.applied_on,
            pd.name(r.applicant_name),
            r.get_father_situation_display(),
            r.get_mother_situation_display(),
            r.verify_due,
            r.verified_on,
            r.confirm_due,
            r.decided_on,
        ]
        for r in recognitions
    ]
    return export_rows(request, headers=headers, rows=rows, object_type="childwelfare_recognition",
                       object_ids=[r.pk for r in recognitions], filename="recognitions", personal=True)  # fmt: skip


@login_required
@permission_required("childwelfare.add_recognition", raise_exception=True)
def recognition_create(request, pk):
    child = _child(request, pk)
    form = RecognitionForm(
        request.POST or None,
        initial={"applied_on": timezone.localdate(), "applicant_name": child.guardian_name,
                 "applicant_relation": child.guardian_relation, "applicant_phone": child.guardian_phone},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            recognition = recognition_apply(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已录入认定申请，乡镇核查期限 %(d)s。") % {"d": recognition.verify_due})
            return redirect("childwelfare:recognition_detail", pk=recognition.pk)
    return render(
        request, "childwelfare/form.html", {"form": form, "title": _("录入认定申请（监护人申请）"), "child": child}
    )


def _recognition(request, pk):
    qs = Recognition.objects.select_related(
        "child__person", "child__township", "verified_by", "decided_by", "created_by"
    )
    return get_for_user_or_404(qs, request.user, pk=pk)


@login_required
@permission_required("childwelfare.view_recognition", raise_exception=True)
def recognition_detail(request, pk):
    recognition = _recognition(request, pk)
    pd = personal_data(request.user)
    child = recognition.child
    pd.log_view(request=request, object_type="childwelfare_child", object_ids=[child.pk], detail=_("认定申请页"))
    user = request.user
    can_verify = recognition.state == Recognition.State.APPLIED and user.has_perm("childwelfare.verify_recognition")
    can_confirm = recognition.state == Recognition.State.VERIFIED and user.has_perm("childwelfare.confirm_recognition")
    names = [child.person.name, recognition.applicant_name]
    context = {
        "r": recognition,
        "child": child,
        "name": pd.name(child.person.name),
        "id_number": pd.id_number(child.person.id_number),
        "applicant": pd.name(recognition.applicant_name),
        "applicant_phone": pd.phone(recognition.applicant_phone),
        "evidence": pd.text(recognition.evidence, names=names),
        "can_verify": can_verify,
        "can_confirm": can_confirm,
        "form": OpinionForm(),
        "tekun": is_tekun(child.person) if recognition.state in Recognition.OPEN_STATES else False,
    }
    return render(request, "childwelfare/recognition_detail.html", context)


@login_required
@permission_required("childwelfare.view_recognition", raise_exception=True)
@require_POST
def recognition_act(request, pk, action):
    recognition = _recognition(request, pk)
    form = OpinionForm(request.POST)
    form.is_valid()
    opinion = form.cleaned_data.get("opinion", "")
    service = {"verify": recognition_verify, "confirm": recognition_confirm, "reject": recognition_reject}.get(action)
    if service is None:
        return redirect("childwelfare:recognition_detail", pk=pk)
    try:
        service(user=request.user, recognition=recognition, opinion=opinion)
    except ValidationError as exc:
        for _field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
            for e in errs:
                messages.error(request, e)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        done = {"verify": _("已核查，报民政局确认。"), "confirm": _("已确认认定，次月起发放基本生活保障金。"),
                "reject": _("已作出不予认定。")}  # fmt: skip
        messages.success(request, done[action])
    return redirect("childwelfare:recognition_detail", pk=pk)
