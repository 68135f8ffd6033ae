"""Vagrant rescue pages (流浪乞讨人员救助): the list with the year's return-rate summary, the record,
and the intake and edit forms. Writes go through assistance.services.rescue."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import selectors
from assistance.forms.rescue import RescueFilterForm, RescueForm
from assistance.models import Rescue
from assistance.services import rescue as services
from core.jurisdiction import get_for_user_or_404
from core.models import AccessLog
from core.personal import PersonalData
from core.selectors import township_choices
from core.services.access import access_log_record
from core.views.common import paginate
from indicators.providers import ratio

VIEW = "assistance.view_rescue"


def year_summary(*, user, year: int, today: datetime.date | None = None) -> dict:
    """Plan indicator 9 counted the way its provider (assistance.indicators.vagrant_return_rate) counts
    it, over the records this user may see: for the city it is the indicator's own figure."""
    today = today or timezone.localdate()
    as_of = min(today, datetime.date(year, 12, 31))
    totals = selectors.rescue_year_totals(selectors.rescue_list(user=user), year=year, as_of=as_of)
    return {**totals, "year": year, "as_of": as_of, "rate": ratio(totals["returned"], totals["identified"])}


def _display(rescue: Rescue, pd: PersonalData) -> dict:
    person = rescue.person
    if person is None:
        # A provisional name is what the person said it was: a name, masked like one.
        name = pd.name(rescue.provisional_name) if rescue.provisional_name else _("身份不明人员")
        return {"name": name, "id_number": "", "sex": rescue.get_sex_display()}
    return {
        "name": pd.name(person.name),
        "id_number": pd.id_number(person.id_number),
        "sex": person.get_sex_display() if person.sex else rescue.get_sex_display(),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def rescue_list(request):
    form = RescueFilterForm(request.GET or None)
    this_year = timezone.localdate().year
    if form.is_bound and not form.is_valid():
        filters, qs = {"year": None}, Rescue.objects.none()
    else:
        filters = form.selector_filters() if form.is_bound else {"year": None, "outcome": None, "identified": ""}
        qs = selectors.rescue_list(user=request.user, **filters)
    page, query = paginate(request, qs)
    policies = selectors.rescue_person_policies(user=request.user, rescues=list(page))
    rows = [{"rescue": r, **_display(r, policies[r.pk])} for r in page]
    summary = year_summary(user=request.user, year=filters["year"] or this_year)
    return render(
        request,
        "assistance/rescue_list.html",
        {"form": form, "page": page, "query": query, "rows": rows, "summary": summary},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def rescue_detail(request, pk):
    rescue = get_for_user_or_404(selectors.rescue_list(user=request.user), request.user, pk=pk)
    pd = selectors.rescue_person_policies(user=request.user, rescues=[rescue])[rescue.pk]
    if rescue.person_id and rescue.person.id_number:
        pd.log_view(
            request=request, object_type="person", object_ids=[rescue.person_id],
            detail=_("流浪乞讨人员救助 %(id)d") % {"id": rescue.pk},
        )  # fmt: skip
    context = {"rescue": rescue, "person_reachable": pd is not selectors.MASKED, **_display(rescue, pd)}
    return render(request, "assistance/rescue_detail.html", context)


@login_required
@permission_required("assistance.add_rescue", raise_exception=True)
def rescue_create(request):
    form = RescueForm(request.POST or None, user=request.user, townships=township_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            rescue = services.rescue_create(user=request.user, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已登记救助记录 %(id)d。") % {"id": rescue.pk})
            return redirect("assistance:rescue_detail", pk=rescue.pk)
    return render(request, "assistance/rescue_form.html", {"form": form, "creating": True})


@login_required
@permission_required("assistance.change_rescue", raise_exception=True)
def rescue_edit(request, pk):
    rescue = get_for_user_or_404(selectors.rescue_list(user=request.user), request.user, pk=pk)
    reachable = selectors.rescue_person_policies(user=request.user, rescues=[rescue])[rescue.pk] is not selectors.MASKED
    form = RescueForm(
        request.POST or None, user=request.user, townships=township_choices(request.user), instance=rescue,
        person_masked=not reachable,
    )  # fmt: skip
    if request.method == "GET" and reachable and rescue.person_id and rescue.person.id_number:
        # The form is filled in with the full ID number.
        access_log_record(
            user=request.user, action=AccessLog.Action.VIEW_FULL_ID, object_type="person",
            object_ids=[rescue.person_id], detail=_("流浪乞讨人员救助编辑 %(id)d") % {"id": rescue.pk}, request=request,
        )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.rescue_update(user=request.user, rescue=rescue, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:rescue_detail", pk=rescue.pk)
    return render(request, "assistance/rescue_form.html", {"form": form, "rescue": rescue, "creating": False})
