"""适老化改造: the list with counts per year of acceptance (plan Table 3 item 4), the export, and
the person page's forms (apply, and each step: survey, works, acceptance or refusal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.models import Person
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import AdaptationApplyForm, AdaptationFilterForm, AdaptationStepForm
from eldercare.models import HomeAdaptation
from eldercare.services.adaptations import adaptation_advance, adaptation_apply, adaptation_counts
from eldercare.views.common import export_rows


def _filtered(request):
    form = AdaptationFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.adaptation_list(user=request.user).none()
    return form, selectors.adaptation_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_homeadaptation", raise_exception=True)
def adaptation_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [{"a": a, "name": pd.name(a.person.name)} for a in page]
    counts = adaptation_counts(HomeAdaptation.objects.for_user(request.user))
    return render(request, "eldercare/adaptation_list.html",
                  {"form": form, "page": page, "rows": rows, "query": query, "counts": counts})  # fmt: skip


@login_required
@permission_required("eldercare.view_homeadaptation", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def adaptation_export(request):
    _form, qs = _filtered(request)
    items = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(items) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:adaptation_list")
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("乡镇（街道）"), _("状态"), _("申请日期"), _("入户评估日期"), _("评估意见"),
               _("施工完成日期"), _("适配辅具"), _("改造费用（元）"), _("验收日期"), _("不予改造原因")]  # fmt: skip
    rows = [
        [pd.name(a.person.name), pd.id_number(a.person.id_number), a.person.township.name if a.person.township else "",
         a.get_state_display(), a.applied_on, a.surveyed_on, a.survey_findings, a.works_done_on,
         "、".join(a.device_labels()), a.cost, a.accepted_on, a.refusal_reason]
        for a in items
    ]  # fmt: skip
    return export_rows(request, headers=headers, rows=rows, filename="eldercare-adaptations", object_type="person",
                       object_ids=sorted({a.person_id for a in items}), personal=True)  # fmt: skip


@login_required
@permission_required("eldercare.add_homeadaptation", raise_exception=True)
@require_POST
def adaptation_apply_view(request, pk):
    from eldercare.views.assessments import _person_page

    person = get_for_user_or_404(Person.objects.select_related("township", "village"), request.user, pk=pk)
    form = AdaptationApplyForm(request.POST, prefix="adapt")
    if form.is_valid():
        try:
            adaptation_apply(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记适老化改造申请。"))
            return redirect("eldercare:person", pk=person.pk)
    return _person_page(request, person, adaptation_form=form)


@login_required
@permission_required("eldercare.change_homeadaptation", raise_exception=True)
@require_POST
def adaptation_step_view(request, pk):
    adaptation = get_for_user_or_404(HomeAdaptation.objects, request.user, pk=pk)
    form = AdaptationStepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(dict(form.errors))
        adaptation_advance(user=request.user, adaptation=adaptation, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("eldercare:person", pk=adaptation.person_id)
