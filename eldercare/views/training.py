"""养老人才培训: the training records and the progress against the plan's aims (3,000 person-times of
care workers, 20 heads of institutions, 2021–2025)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.personal import EXPORT_MAX_ROWS
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import TrainingFilterForm, TrainingForm
from eldercare.services.training import training_record
from eldercare.views.common import export_rows


def _filtered(request):
    form = TrainingFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.training_list(user=request.user).none()
    return form, selectors.training_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_trainingsession", raise_exception=True)
def training_list(request):
    add_form = TrainingForm(request.POST or None, user=request.user, auto_id="add_%s")
    if request.method == "POST":
        if not request.user.has_perm("eldercare.add_trainingsession"):
            return HttpResponse(status=403)
        if add_form.is_valid():
            try:
                training_record(user=request.user, **add_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(add_form, exc)
            else:
                messages.success(request, _("已登记培训。"))
                return redirect("eldercare:training_list")
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    context = {"form": form, "page": page, "query": query, "add_form": add_form,
               "progress": selectors.training_progress(user=request.user)}  # fmt: skip
    return render(request, "eldercare/training_list.html", context, status=400 if add_form.errors else 200)


@login_required
@permission_required("eldercare.view_trainingsession", raise_exception=True)
def training_export(request):
    _form, qs = _filtered(request)
    sessions = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(sessions) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:training_list")
    headers = [_("培训课程"), _("培训对象"), _("培训日期"), _("培训人次"), _("承办单位"), _("乡镇（街道）"), _("备注")]
    rows = [[t.title, t.get_audience_display(), t.held_on, t.trainees, t.organiser,
             t.township.name if t.township else _("全市"), t.note] for t in sessions]  # fmt: skip
    return export_rows(request, headers=headers, rows=rows, filename="eldercare-training")
