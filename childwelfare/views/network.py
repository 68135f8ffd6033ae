"""Minor-protection stations: coverage by township on a date (indicator 6's drill-down), the
register, its form and export."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare import selectors
from childwelfare.forms import StationForm
from childwelfare.indicators import PLAN_TOWNSHIPS
from childwelfare.models import Station
from childwelfare.services.stations import station_save
from childwelfare.views.common import export_rows
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import personal_data


def _on(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@permission_required("childwelfare.view_station", raise_exception=True)
def station_coverage(request):
    on = _on(request)
    rows = selectors.station_coverage(user=request.user, on=on)
    covered = sum(1 for r in rows if r["covered"])
    stations = selectors.station_list(user=request.user)
    year_ends = [datetime.date(y, 12, 31) for y in range(2020, timezone.localdate().year)]
    chart = [
        {
            "year": d.year,
            "covered": len(
                {
                    s.township_id
                    for s in stations
                    if s.opened_on <= d and (s.closed_on is None or s.closed_on > d) and s.township.in_plan
                }
            ),
        }
        for d in year_ends
    ]
    for point in chart:
        point["share"] = round(100 * point["covered"] / PLAN_TOWNSHIPS, 2)
    context = {
        "on": on, "rows": rows, "covered": covered, "share": round(100 * covered / PLAN_TOWNSHIPS, 2) if request.user.is_city_level else None,
        "stations": stations, "history": chart,
    }  # fmt: skip
    return render(request, "childwelfare/station_coverage.html", context)


@login_required
@permission_required("childwelfare.view_station", raise_exception=True)
def station_export(request):
    stations = selectors.station_list(user=request.user)
    pd = personal_data(request.user).for_export()
    headers = [
        _("乡镇（街道）"),
        _("类型"),
        _("名称（专干姓名）"),
        _("设立日期"),
        _("撤销日期"),
        _("状态"),
        _("联系电话"),
        _("备注"),
    ]
    rows = [
        [
            s.township.name,
            s.get_kind_display(),
            s.name,
            s.opened_on,
            s.closed_on,
            s.get_status_display(),
            pd.phone(s.phone),
            s.note,
        ]
        for s in stations
    ]
    return export_rows(
        request,
        headers=headers,
        rows=rows,
        object_type="childwelfare_station",
        object_ids=[],
        filename="minor-protection-stations",
        personal=False,
    )


def _save(request, station=None):
    initial = {}
    if station is not None:
        initial = {f: getattr(station, f) for f in ("kind", "name", "opened_on", "closed_on", "phone", "note")}
        initial["township"] = station.township_id
    form = StationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            station_save(user=request.user, station=station, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("childwelfare:station_coverage")
    title = _("登记工作站（专干）") if station is None else _("修改：%(n)s") % {"n": station.name}
    return render(
        request, "childwelfare/form.html", {"form": form, "title": title, "back": "childwelfare:station_coverage"}
    )


@login_required
@permission_required("childwelfare.add_station", raise_exception=True)
def station_create(request):
    return _save(request)


@login_required
@permission_required("childwelfare.change_station", raise_exception=True)
def station_edit(request, pk):
    return _save(request, get_for_user_or_404(Station.objects.all(), request.user, pk=pk))
