from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import selectors
from core.discovery import app_templates
from core.forms import HouseholdCreateForm, HouseholdMemberForm, apply_errors
from core.identifiers import mask_id_number, normalize_id_number
from core.jurisdiction import get_for_user_or_404
from core.models import Household, HouseholdMember, Person
from core.personal import personal_data
from core.resources import HouseholdResource
from core.roles import EXPORT_PERSONAL_DATA
from core.services.people import household_member_add, household_member_remove, household_update
from core.views.common import paginate, search
from core.views.people import export_queryset


@login_required
@permission_required("core.view_household", raise_exception=True)
def household_list(request):
    form, qs = search(request, selectors.household_list)
    page, query = paginate(request, qs)
    # Rows as plain text, the policy once per page (the shape of the people list).
    pd = personal_data(request.user)
    base = reverse("core:household_detail", args=[0])[: -len("0/")]
    rows = [
        {
            "url": f"{base}{h.pk}/",
            "number": h.pk,
            "head": pd.name(h.head.name) or "—",
            "id_number": mask_id_number(h.head.id_number) or "—",
            "township": h.township.name,
            "village": h.village.name if h.village_id else "—",
            "members": h.member_count or 0,
        }
        for h in page
    ]
    return render(request, "core/household_list.html", {"form": form, "page": page, "rows": rows, "query": query})


@login_required
@permission_required("core.view_household", raise_exception=True)
def household_detail(request, pk):
    household = get_for_user_or_404(selectors.household_detail_queryset(user=request.user), request.user, pk=pk)
    pd = personal_data(request.user)
    members = list(household.members.all())
    rows = [{"member": m, "id_number": pd.id_number(m.person.id_number)} for m in members]
    pd.log_view(
        request=request, object_type="person", object_ids=[m.person_id for m in members], detail=_("家庭详情页")
    )
    member_form = HouseholdMemberForm(request.POST or None)
    address_form = HouseholdCreateForm(initial={"address": household.address})
    return render(
        request,
        "core/household_detail.html",
        {
            "household": household,
            "title": _("%(name)s户") % {"name": pd.name(household.head.name)},
            "rows": rows,
            "member_form": member_form,
            "address_form": address_form,
            # What the apps offer for a household (assistance: 申请救助), found like the home cards.
            "app_household_templates": app_templates("_household_actions.html"),
        },
    )


@login_required
@permission_required("core.add_householdmember", raise_exception=True)
@require_POST
def household_member_add_view(request, pk):
    household = get_for_user_or_404(Household.objects, request.user, pk=pk)
    form = HouseholdMemberForm(request.POST)
    if form.is_valid():
        number = normalize_id_number(form.cleaned_data["id_number"])
        person = Person.objects.for_user(request.user).filter(id_number=number).first()
        if person is None:
            form.add_error("id_number", _("本辖区没有此身份证号的人员，请先登记人员。"))
        else:
            try:
                household_member_add(
                    user=request.user, household=household, person=person, relation=form.cleaned_data["relation"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已添加成员 %(name)s。") % {"name": person.name})
                return redirect("core:household_detail", pk=pk)
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return redirect("core:household_detail", pk=pk)


@login_required
@permission_required("core.delete_householdmember", raise_exception=True)
@require_POST
def household_member_remove_view(request, pk, member_pk):
    household = get_for_user_or_404(Household.objects, request.user, pk=pk)
    member = get_for_user_or_404(HouseholdMember.objects.filter(household=household), request.user, pk=member_pk)
    try:
        household_member_remove(user=request.user, member=member)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已移除成员。"))
    return redirect("core:household_detail", pk=pk)


@login_required
@permission_required("core.change_household", raise_exception=True)
@require_POST
def household_edit(request, pk):
    household = get_for_user_or_404(Household.objects, request.user, pk=pk)
    form = HouseholdCreateForm(request.POST)
    if form.is_valid():
        try:
            household_update(user=request.user, household=household, address=form.cleaned_data["address"])
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("已保存。"))
    return redirect("core:household_detail", pk=pk)


@login_required
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def household_export(request):
    _form, qs = search(request, selectors.household_list)
    return export_queryset(
        request, queryset=qs, resource=HouseholdResource(user=request.user), object_type="household",
        filename="households", back="core:household_list",
    )  # fmt: skip
