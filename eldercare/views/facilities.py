import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import FacilityFilterForm, FacilityForm
from eldercare.models import CommunityFacility
from eldercare.services.facilities import facility_create, facility_update
from eldercare.views.common import export_rows, yes_no


def _filtered(request):
    form = FacilityFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.facility_list(user=request.user).none()
    return form, selectors.facility_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_communityfacility", raise_exception=True)
def facility_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    return render(request, "eldercare/facility_list.html", {"form": form, "page": page, "query": query})


@login_required
@permission_required("eldercare.view_communityfacility", raise_exception=True)
def facility_export(request):
    _form, qs = _filtered(request)
    facilities = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(facilities) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:facility_list")
    headers = [
        _("名称"), _("类型"), _("乡镇（街道）"), _("地址"), _("开业日期"), _("关闭日期"), _("状态"), _("全托"),
        _("日托"), _("上门服务"), _("备注"),
    ]  # fmt: skip
    rows = [
        [
            f.name,
            f.get_kind_display(),
            f.township.name,
            f.address,
            f.opened_on,
            f.closed_on,
            f.get_status_display(),
            yes_no(f.full_time_care),
            yes_no(f.day_care),
            yes_no(f.home_visits),
            f.note,
        ]
        for f in facilities
    ]
    return export_rows(request, headers=headers, rows=rows, filename="eldercare-facilities")


def _coverage_day(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@permission_required("eldercare.view_communityfacility", raise_exception=True)
def facility_coverage(request):
    """By township: operating institutions and community facilities on a day, how many offer each
    of the three functions, and whether one offers all three (plan indicator 4)."""
    day = _coverage_day(request)
    townships = selectors.township_choices(request.user).filter(in_plan=True)
    coverage = selectors.coverage_on(day, townships=townships)
    kinds = selectors.facility_kind_counts(user=request.user, day=day)
    rows = [
        {**row, "kinds": [kinds.get(code, {}).get(k, 0) for k in CommunityFacility.Kind.values]}
        for code, row in coverage.items()
    ]
    covered = sum(1 for r in rows if r["covered"])
    return render(
        request,
        "eldercare/facility_coverage.html",
        {"rows": rows, "day": day, "covered": covered, "kinds": CommunityFacility.Kind.choices,
         "share": round(100 * covered / len(rows), 1) if rows else None},
    )  # fmt: skip


@login_required
@permission_required("eldercare.view_communityfacility", raise_exception=True)
def facility_coverage_export(request):
    day = _coverage_day(request)
    coverage = selectors.coverage_on(day, townships=selectors.township_choices(request.user).filter(in_plan=True))
    headers = [
        _("乡镇（街道）"), _("养老机构"), _("社区养老服务设施"), _("提供全托"), _("提供日托"), _("提供上门服务"),
        _("具备综合功能"), _("具备综合功能的机构（设施）"),
    ]  # fmt: skip
    rows = [
        [r["name"], r["institutions"], r["facilities"], r["full_time_care"], r["day_care"], r["home_visits"],
         yes_no(r["covered"]), "、".join(r["all_three"])]
        for r in coverage.values()
    ]  # fmt: skip
    return export_rows(request, headers=headers, rows=rows, filename=f"eldercare-coverage-{day.isoformat()}")


@login_required
@permission_required("eldercare.add_communityfacility", raise_exception=True)
def facility_create_view(request):
    form = FacilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": facility.name})
            return redirect("eldercare:facility_list")
    return render(
        request,
        "eldercare/form.html",
        {"form": form, "title": _("登记社区养老服务设施"), "back": "eldercare:facility_list"},
    )


@login_required
@permission_required("eldercare.change_communityfacility", raise_exception=True)
def facility_edit(request, pk):
    facility = get_for_user_or_404(CommunityFacility.objects, request.user, pk=pk)
    form = FacilityForm(request.POST or None, instance=facility, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            facility_update(user=request.user, facility=facility, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("eldercare:facility_list")
    title = _("修改 %(name)s") % {"name": facility.name}
    return render(request, "eldercare/form.html", {"form": form, "title": title, "back": "eldercare:facility_list"})
