"""探访: the due/overdue list, the visit records, the intervals the bureau sets, and the person page's
forms (join a group, record a visit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.identifiers import mask_id_number
from core.jurisdiction import get_for_user_or_404
from core.models import Person
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import VisitDueFilterForm, VisitFilterForm, VisitForm, VisitIntervalForm, VisitTargetForm
from eldercare.models import VisitGroup, VisitInterval, VisitTarget
from eldercare.services.visits import intervals, visit_interval_set, visit_record, visit_target_add, visit_target_end
from eldercare.views.common import export_rows


def _due(request):
    """The form, the programme entries it selects and the people's rows (visit_due_queryset)."""
    form = VisitDueFilterForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    overdue_only = filters.pop("overdue_only", False)
    entries = selectors.visit_due_entries(user=request.user, **filters)
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    return form, entries, selectors.visit_due_queryset(entries, overdue_only=overdue_only)


@login_required
@permission_required("eldercare.view_visit", raise_exception=True)
def visit_due(request):
    """Everyone on the visit programme with their next due day; the overdue first."""
    form, entries, people = _due(request)
    page, query = paginate(request, selectors.visit_due_counted(people), counted_in_rows=True)
    first = page.object_list[0] if page.object_list else {"total": 0, "total_overdue": 0}
    pd = personal_data(request.user)
    shown = [
        {**r, "name": pd.name(r["name"]), "id_number": mask_id_number(r["id_number"])}
        for r in selectors.visit_due_rows(page.object_list, entries, with_people=True)
    ]
    days = intervals()
    missing = [label for group, label in VisitGroup.choices if group not in days]
    context = {"form": form, "page": page, "rows": shown, "query": query,
               "overdue": first["total_overdue"], "total": first["total"], "missing": missing}  # fmt: skip
    return render(request, "eldercare/visit_due.html", context)


@login_required
@permission_required("eldercare.view_visit", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def visit_due_export(request):
    _form, entries, people = _due(request)
    if selectors.visit_due_counts(people)["total"] > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:visit_due")
    rows = selectors.visit_due_rows(people, entries, with_people=True)
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("乡镇（街道）"), _("探访对象类别"), _("探访周期（天）"), _("最近探访"),
               _("应探访日期"), _("逾期天数")]  # fmt: skip
    data = [
        [pd.name(r["name"]), pd.id_number(r["id_number"]), r["township"], "、".join(r["group_labels"]), r["interval"],
         r["last_visit"], r["due"], r["days_overdue"]]
        for r in rows
    ]  # fmt: skip
    return export_rows(
        request, headers=headers, rows=data, filename="eldercare-visits-due", object_type="person",
        object_ids=[r["person_id"] for r in rows], personal=True,
    )  # fmt: skip


def _records(request):
    form = VisitFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.visit_list(user=request.user).none()
    return form, selectors.visit_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_visit", raise_exception=True)
def visit_list(request):
    form, qs = _records(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [
        {"v": v, "name": pd.name(v.person.name), "findings": pd.text(v.findings, names=[v.person.name])} for v in page
    ]
    return render(request, "eldercare/visit_list.html", {"form": form, "page": page, "rows": rows, "query": query})


@login_required
@permission_required("eldercare.view_visit", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def visit_export(request):
    _form, qs = _records(request)
    visits = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(visits) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:visit_list")
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("乡镇（街道）"), _("探访日期"), _("探访方式"), _("探访人"), _("探访情况"),
               _("后续跟进")]  # fmt: skip
    rows = [
        [pd.name(v.person.name), pd.id_number(v.person.id_number), v.person.township.name if v.person.township else "",
         v.visited_on, v.get_way_display(), v.visitor, pd.text(v.findings, names=[v.person.name]),
         pd.text(v.follow_up, names=[v.person.name])]
        for v in visits
    ]  # fmt: skip
    return export_rows(
        request, headers=headers, rows=rows, filename="eldercare-visits", object_type="person",
        object_ids=sorted({v.person_id for v in visits}), personal=True,
    )  # fmt: skip


@login_required
@permission_required("eldercare.view_visitinterval", raise_exception=True)
def interval_list(request):
    form = VisitIntervalForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("eldercare.change_visitinterval"):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                visit_interval_set(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已保存探访周期。"))
                return redirect("eldercare:visit_intervals")
    current = dict(VisitInterval.objects.values_list("group", "days"))
    rows = [(label, current.get(group)) for group, label in VisitGroup.choices]
    return render(
        request, "eldercare/visit_intervals.html", {"rows": rows, "form": form}, status=400 if form.errors else 200
    )


def _person(request, pk):
    return get_for_user_or_404(Person.objects.select_related("township", "village"), request.user, pk=pk)


@login_required
@permission_required("eldercare.add_visit", raise_exception=True)
@require_POST
def visit_record_view(request, pk):
    from eldercare.views.assessments import _person_page

    person = _person(request, pk)
    form = VisitForm(request.POST, prefix="visit")
    if form.is_valid():
        try:
            visit_record(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已记录探访。"))
            return redirect("eldercare:person", pk=person.pk)
    return _person_page(request, person, visit_form=form)


@login_required
@permission_required("eldercare.add_visittarget", raise_exception=True)
@require_POST
def visit_target_add_view(request, pk):
    from eldercare.views.assessments import _person_page

    person = _person(request, pk)
    form = VisitTargetForm(request.POST, prefix="target")
    if form.is_valid():
        try:
            target = visit_target_add(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已纳入%(g)s探访。") % {"g": target.get_group_display()})
            return redirect("eldercare:person", pk=person.pk)
    return _person_page(request, person, target_form=form)


@login_required
@permission_required("eldercare.change_visittarget", raise_exception=True)
@require_POST
def visit_target_end_view(request, pk):
    target = get_for_user_or_404(VisitTarget.objects, request.user, pk=pk)
    try:
        visit_target_end(user=request.user, target=target, ended_on=timezone.localdate(),
                         reason=request.POST.get("reason", ""))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已退出探访。"))
    return redirect("eldercare:person", pk=target.person_id)
