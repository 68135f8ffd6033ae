from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS
from core.views.common import paginate
from funeral import selectors
from funeral.forms import TombCaseForm, TombFilterForm
from funeral.models import TombCase
from funeral.services.tombs import tomb_case_create, tomb_case_update
from funeral.views.common import export_rows


def _filtered(request):
    form = TombFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.tomb_case_list(user=request.user).none()
    d = form.cleaned_data if form.is_bound else {}
    qs = selectors.tomb_case_list(
        user=request.user,
        township=d["township"].code if d.get("township") else None,
        kind=d.get("kind", ""),
        state=d.get("state", ""),
    )
    return form, qs


@login_required
@permission_required("funeral.view_tombcase", raise_exception=True)
def tomb_list(request):
    form, qs = _filtered(request)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("乡镇（街道）"), _("村（社区）"), _("位置"), _("类型"), _("发现日期"), _("处置措施"), _("处置说明"), _("办结日期"),
        ]  # fmt: skip
        cases = list(qs[: EXPORT_MAX_ROWS + 1])
        if len(cases) > EXPORT_MAX_ROWS:  # never a silently cut export
            messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
            return redirect("funeral:tomb_list")
        rows = [
            [c.township.name, c.village.name if c.village else "", c.location, c.get_kind_display(), c.found_on,
             c.get_action_display(), c.action_note, c.closed_on]
            for c in cases
        ]  # fmt: skip
        return export_rows(
            request, headers=headers, rows=rows, object_type="funeral_tomb_case", object_ids=[],
            filename="funeral-tomb-cases", personal=False,
        )  # fmt: skip
    page, query = paginate(request, qs)
    return render(request, "funeral/tomb_list.html", {"form": form, "page": page, "query": query})


@login_required
@permission_required("funeral.add_tombcase", raise_exception=True)
def tomb_create(request):
    form = TombCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tomb_case_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("funeral:tomb_list")
    return render(request, "funeral/tomb_form.html", {"form": form, "creating": True})


@login_required
@permission_required("funeral.change_tombcase", raise_exception=True)
def tomb_edit(request, pk):
    case = get_for_user_or_404(TombCase.objects, request.user, pk=pk)
    form = TombCaseForm(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tomb_case_update(user=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("funeral:tomb_list")
    return render(request, "funeral/tomb_form.html", {"form": form, "case": case, "creating": False})
