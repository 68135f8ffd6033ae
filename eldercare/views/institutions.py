from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS
from core.views.common import paginate
from eldercare import selectors
from eldercare.forms import BedCountForm, InstitutionFilterForm, InstitutionForm, ListingForm, ListingRemoveForm
from eldercare.models import Institution, InstitutionListing
from eldercare.services.institutions import (
    bed_count_record,
    institution_create,
    institution_update,
    listing_add,
    listing_remove,
)  # fmt: skip
from eldercare.views.common import export_rows, yes_no


def _filtered(request):
    form = InstitutionFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.institution_list(user=request.user).none(), None
    filters = form.filters() if form.is_bound else {}
    return form, selectors.institution_list(user=request.user, **filters), filters.get("operating_on")


@login_required
@permission_required("eldercare.view_institution", raise_exception=True)
def institution_list(request):
    form, qs, on = _filtered(request)
    page, query = paginate(request, qs)
    return render(
        request,
        "eldercare/institution_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "totals": selectors.bed_totals(qs),
            "on": on or timezone.localdate(),
        },
    )


@login_required
@permission_required("eldercare.view_institution", raise_exception=True)
def institution_export(request):
    _form, qs, _on = _filtered(request)
    institutions = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(institutions) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:institution_list")
    headers = [
        _("机构名称"), _("统一社会信用代码"), _("性质"), _("乡镇（街道）"), _("地址"), _("开业日期"), _("关闭日期"),
        _("状态"), _("等级（星级）"), _("评定日期"), _("医养结合"), _("全托"), _("日托"), _("上门服务"),
        _("床位总数"), _("护理型床位"), _("床位统计日期"),
    ]  # fmt: skip
    rows = [
        [
            i.name,
            i.credit_code,
            i.get_ownership_display(),
            i.township.name,
            i.address,
            i.opened_on,
            i.closed_on,
            i.get_status_display(),
            i.star_grade,
            i.graded_on,
            yes_no(i.medical_care),
            yes_no(i.full_time_care),
            yes_no(i.day_care),
            yes_no(i.home_visits),
            i.total_beds,
            i.nursing_beds,
            i.beds_as_of,
        ]
        for i in institutions
    ]
    return export_rows(request, headers=headers, rows=rows, filename="eldercare-institutions")


@login_required
@permission_required("eldercare.view_institution", raise_exception=True)
def institution_detail(request, pk, bed_form=None, listing_form=None):
    qs = selectors.with_beds_on(Institution.objects.select_related("township"), timezone.localdate())
    institution = get_for_user_or_404(qs, request.user, pk=pk)
    return render(
        request,
        "eldercare/institution_detail.html",
        {
            "institution": institution,
            "counts": selectors.bed_counts(institution),
            "bed_form": bed_form or BedCountForm(initial={"as_of": timezone.localdate()}),
            "listings": list(institution.listings.select_related("created_by")),
            "listing_form": listing_form or ListingForm(initial={"listed_on": timezone.localdate()}),
            "remove_form": ListingRemoveForm(initial={"removed_on": timezone.localdate()}),
        },
        status=400
        if (bed_form is not None and bed_form.errors) or (listing_form is not None and listing_form.errors)
        else 200,
    )


@login_required
@permission_required("eldercare.add_bedcount", raise_exception=True)
@require_POST
def bed_count_add(request, pk):
    institution = get_for_user_or_404(Institution.objects, request.user, pk=pk)
    form = BedCountForm(request.POST)
    if form.is_valid():
        try:
            bed_count_record(user=request.user, institution=institution, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记床位统计。"))
            return redirect("eldercare:institution_detail", pk=pk)
    response = institution_detail(request, pk, bed_form=form)
    response.status_code = 400
    return response


@login_required
@permission_required("eldercare.add_institution", raise_exception=True)
def institution_create_view(request):
    form = InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            institution = institution_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": institution.name})
            return redirect("eldercare:institution_detail", pk=institution.pk)
    return render(
        request, "eldercare/form.html", {"form": form, "title": _("登记养老机构"), "back": "eldercare:institution_list"}
    )


@login_required
@permission_required("eldercare.change_institution", raise_exception=True)
def institution_edit(request, pk):
    institution = get_for_user_or_404(Institution.objects, request.user, pk=pk)
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            institution_update(user=request.user, institution=institution, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("eldercare:institution_detail", pk=pk)
    title = _("修改 %(name)s") % {"name": institution.name}
    return render(request, "eldercare/form.html", {"form": form, "title": title, "back": "eldercare:institution_list"})


@login_required
@permission_required("eldercare.add_institutionlisting", raise_exception=True)
@require_POST
def listing_add_view(request, pk):
    institution = get_for_user_or_404(Institution.objects, request.user, pk=pk)
    form = ListingForm(request.POST)
    if form.is_valid():
        try:
            listing = listing_add(user=request.user, institution=institution, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已列入%(k)s。") % {"k": listing.get_kind_display()})
            return redirect("eldercare:institution_detail", pk=pk)
    return institution_detail(request, pk, listing_form=form)


@login_required
@permission_required("eldercare.change_institutionlisting", raise_exception=True)
@require_POST
def listing_remove_view(request, pk):
    listing = get_for_user_or_404(InstitutionListing.objects, request.user, pk=pk)
    form = ListingRemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(dict(form.errors))
        listing_remove(user=request.user, listing=listing, removed_on=form.cleaned_data["removed_on"],
                       reason=form.cleaned_data["reason"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已移出%(k)s。") % {"k": listing.get_kind_display()})
    return redirect("eldercare:institution_detail", pk=listing.institution_id)
