"""Social work and volunteering pages: stations by township, social workers, community facilities
with their coverage, volunteer records and the certificate of service hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import personal_data
from core.views.common import paginate
from orgs import selectors
from orgs.certificates import certificate_pdf
from orgs.forms import (
    CertificateForm,
    FacilityFilterForm,
    FacilityForm,
    SocialWorkerForm,
    StationForm,
    VolunteerRecordForm,
    WorkerFilterForm,
    person_by_id_number,
)
from orgs.models import CommunityFacility, SocialWorkStation
from orgs.services.facilities import facility_create, facility_update, volunteer_record_create
from orgs.services.workers import social_worker_create, station_create, station_update
from orgs.views.common import export_rows, filters


def _save_form(request, form, save, *, done: str, back: str, title: str, template="orgs/form.html"):
    """The create/edit pages' one shape: a valid form goes through the service, whose errors come
    back on the fields."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, template, {"form": form, "title": title, "back": back})


def _person_or_error(request, form, key="id_number"):
    person = person_by_id_number(request.user, form.cleaned_data.pop(key, ""))
    if person is None:
        raise ValidationError({key: [_("本辖区人员库中没有这个身份证号，请先在人员管理中登记此人。")]})
    return person


@login_required
@permission_required("orgs.view_socialworkstation", raise_exception=True)
def station_coverage(request):
    rows, covered = selectors.station_coverage(user=request.user)
    return render(request, "orgs/station_coverage.html", {"rows": rows, "covered": covered, "total": len(rows)})


@login_required
@permission_required("orgs.add_socialworkstation", raise_exception=True)
def station_create_view(request):
    form = StationForm(request.POST or None, user=request.user)
    return _save_form(
        request, form, lambda data: station_create(user=request.user, **data), done=_("已添加社工站。"),
        back="orgs:station_coverage", title=_("添加社工站"),
    )  # fmt: skip


@login_required
@permission_required("orgs.change_socialworkstation", raise_exception=True)
def station_edit(request, pk):
    station = get_for_user_or_404(SocialWorkStation.objects, request.user, pk=pk)
    form = StationForm(request.POST or None, instance=station, user=request.user)
    return _save_form(
        request, form, lambda data: station_update(user=request.user, station=station, **data), done=_("已保存。"),
        back="orgs:station_coverage", title=station.name,
    )  # fmt: skip


def _workers(request):
    form = WorkerFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.worker_list(user=request.user).none()
    return form, selectors.worker_list(user=request.user, **filters(form))


@login_required
@permission_required("orgs.view_socialworker", raise_exception=True)
def worker_list(request):
    form, qs = _workers(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [{"worker": w, "name": pd.name(w.person.name)} for w in page]
    return render(
        request, "orgs/worker_list.html", {"form": form, "page": page, "rows": rows, "query": query,
                                           "total": page.paginator.count},
    )  # fmt: skip


@login_required
@permission_required("orgs.view_socialworker", raise_exception=True)
def worker_export(request):
    _form, qs = _workers(request)
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("等级"), _("证书编号"), _("取得证书年份"), _("工作单位"), _("乡镇（街道）"),
               _("调离或注销日期")]  # fmt: skip
    return export_rows(
        request, queryset=qs, headers=headers, filename=_("社会工作专业人才"), back="orgs:worker_list",
        row=lambda w: [pd.name(w.person.name), pd.id_number(w.person.id_number), w.get_level_display(),
                       w.certificate_no, w.certified_year, w.employer, w.township.name, w.left_on],
        personal_ids=("person", lambda w: w.person_id),
    )  # fmt: skip


@login_required
@permission_required("orgs.add_socialworker", raise_exception=True)
def worker_create(request):
    form = SocialWorkerForm(request.POST or None, user=request.user)

    def save(data):
        person = _person_or_error(request, form)
        social_worker_create(user=request.user, person=person, **data)

    return _save_form(request, form, save, done=_("已登记。"), back="orgs:worker_list", title=_("登记社会工作专业人才"))


def _facilities(request):
    form = FacilityFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.facility_list(user=request.user).none(), {}
    values = filters(form)
    return form, selectors.facility_list(user=request.user, **values), values


@login_required
@permission_required("orgs.view_communityfacility", raise_exception=True)
def facility_list(request):
    form, qs, values = _facilities(request)
    page, query = paginate(request, qs)
    on = values.get("on") or timezone.localdate()
    coverage = selectors.facility_coverage(user=request.user, on=on)
    return render(
        request, "orgs/facility_list.html", {"form": form, "page": page, "query": query, "coverage": coverage, "on": on,
                                             "total": page.paginator.count},
    )  # fmt: skip


@login_required
@permission_required("orgs.view_communityfacility", raise_exception=True)
def facility_export(request):
    _form, qs, _values = _facilities(request)
    headers = [_("乡镇（街道）"), _("村（社区）"), _("名称"), _("建筑面积（平方米）"), _("投入使用日期"),
               _("停止使用日期"), _("设立志愿服务站日期")]  # fmt: skip
    return export_rows(
        request, queryset=qs, headers=headers, filename=_("社区综合服务设施"), back="orgs:facility_list",
        row=lambda f: [f.township.name, f.village.name, f.name, f.floor_area_m2, f.in_use_from, f.in_use_to,
                       f.volunteer_station_since],
    )  # fmt: skip


@login_required
@permission_required("orgs.add_communityfacility", raise_exception=True)
def facility_create_view(request):
    form = FacilityForm(request.POST or None, user=request.user)
    return _save_form(
        request, form, lambda data: facility_create(user=request.user, **data), done=_("已添加设施。"),
        back="orgs:facility_list", title=_("添加社区综合服务设施"),
    )  # fmt: skip


@login_required
@permission_required("orgs.change_communityfacility", raise_exception=True)
def facility_edit(request, pk):
    facility = get_for_user_or_404(CommunityFacility.objects, request.user, pk=pk)
    form = FacilityForm(request.POST or None, instance=facility, user=request.user)
    return _save_form(
        request, form, lambda data: facility_update(user=request.user, facility=facility, **data), done=_("已保存。"),
        back="orgs:facility_list", title=facility.name,
    )  # fmt: skip


@login_required
@permission_required("orgs.view_volunteerrecord", raise_exception=True)
def volunteer_list(request):
    qs = selectors.volunteer_records(user=request.user, q=request.GET.get("q", "")[:30])
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [{"record": r, "name": pd.name(r.volunteer.name)} for r in page]
    certificate = CertificateForm(request.GET if "start" in request.GET else None)
    return render(
        request, "orgs/volunteer_list.html", {"page": page, "rows": rows, "query": query, "q": request.GET.get("q", ""),
                                              "certificate": certificate},
    )  # fmt: skip


@login_required
@permission_required("orgs.view_volunteerrecord", raise_exception=True)
def volunteer_export(request):
    qs = selectors.volunteer_records(user=request.user, q=request.GET.get("q", "")[:30])
    pd = personal_data(request.user).for_export()
    headers = [_("服务日期"), _("志愿者"), _("服务内容"), _("时长（小时）"), _("组织单位"), _("乡镇（街道）")]
    return export_rows(
        request, queryset=qs, headers=headers, filename=_("志愿服务记录"), back="orgs:volunteer_list",
        row=lambda r: [r.served_on, pd.name(r.volunteer.name), r.activity, r.hours, r.organiser, r.township.name],
        personal_ids=("person", lambda r: r.volunteer_id),
    )  # fmt: skip


@login_required
@permission_required("orgs.view_socialworkstation", raise_exception=True)
def station_export(request):
    rows, _covered = selectors.station_coverage(user=request.user)
    flat = [(r["township"], s) for r in rows for s in r["stations"]] + [
        (r["township"], None) for r in rows if not r["stations"]
    ]
    headers = [
        _("乡镇（街道）"),
        _("社工站"),
        _("状态"),
        _("启用日期"),
        _("停止运营日期"),
        _("驻站社工人数"),
        _("运营机构"),
    ]
    return export_rows(
        request, queryset=flat, headers=headers, filename=_("社工站"), back="orgs:station_coverage",
        row=lambda t: [t[0].name, *([t[1].name, t[1].get_status_display(), t[1].opened_on, t[1].closed_on,
                                     t[1].staff_count, t[1].operator] if t[1] else [_("尚无社工站"), "", None, None, None, ""])],
    )  # fmt: skip


@login_required
@permission_required("orgs.add_volunteerrecord", raise_exception=True)
def volunteer_create(request):
    form = VolunteerRecordForm(request.POST or None, user=request.user)

    def save(data):
        person = _person_or_error(request, form)
        volunteer_record_create(user=request.user, volunteer=person, **data)

    return _save_form(request, form, save, done=_("已记录。"), back="orgs:volunteer_list", title=_("记录志愿服务"))


@login_required
@permission_required("orgs.view_volunteerrecord", raise_exception=True)
def volunteer_certificate(request):
    """志愿服务记录证明 (PDF) for one volunteer over a period, from the records in the user's jurisdiction."""
    form = CertificateForm(request.GET or None)
    if not form.is_valid():
        return render(request, "orgs/volunteer_list.html", {"certificate": form, "page": None, "rows": []}, status=400)
    pd = personal_data(request.user)
    person = person_by_id_number(request.user, form.cleaned_data["id_number"])
    records, hours = ([], 0)
    if person is not None:
        records, hours = selectors.volunteer_certificate(
            user=request.user, volunteer_id=person.pk, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    if not records:
        form.add_error(None, _("这段时间内没有此人的志愿服务记录。"))
        return render(request, "orgs/volunteer_list.html", {"certificate": form, "page": None, "rows": []}, status=404)
    pd.log_view(request=request, object_type="person", object_ids=[person.pk], detail=_("志愿服务记录证明"))
    content = certificate_pdf(
        name=pd.name(person.name), id_number=pd.id_number(person.id_number), records=records, hours=hours,
        start=form.cleaned_data["start"], end=form.cleaned_data["end"], issued_on=timezone.localdate(),
    )  # fmt: skip
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''volunteer-certificate-{person.pk}.pdf"
    return response
