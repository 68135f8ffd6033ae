from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from funeral import selectors
from funeral.forms import FacilityForm
from funeral.models import Facility
from funeral.services.facilities import facility_create, facility_update


@login_required
@permission_required("funeral.view_facility", raise_exception=True)
def facility_list(request):
    kind = request.GET.get("kind", "")
    if kind not in Facility.Kind.values:
        kind = ""
    facilities = selectors.facility_list(user=request.user, kind=kind)
    return render(
        request,
        "funeral/facility_list.html",
        {
            "facilities": facilities,
            "totals": selectors.facility_totals(facilities),
            "kinds": Facility.Kind.choices,
            "kind": kind,
        },
    )


@login_required
@permission_required("funeral.add_facility", raise_exception=True)
def facility_create_view(request):
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = facility_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已添加 %(name)s。") % {"name": facility.name})
            return redirect("funeral:facility_list")
    return render(request, "funeral/facility_form.html", {"form": form, "creating": True})


@login_required
@permission_required("funeral.change_facility", raise_exception=True)
def facility_edit(request, pk):
    facility = get_for_user_or_404(Facility.objects, request.user, pk=pk)
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        try:
            facility_update(user=request.user, facility=facility, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("funeral:facility_list")
    return render(request, "funeral/facility_form.html", {"form": form, "facility": facility, "creating": False})
