from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import selectors
from core.exports import workbook_bytes, xlsx_response
from core.forms import HouseholdCreateForm, PersonForm, PersonListSearchForm, apply_errors
from core.identifiers import mask_id_number
from core.jurisdiction import get_for_user_or_404
from core.models import Person
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.resources import PersonResource
from core.roles import EXPORT_PERSONAL_DATA
from core.services.people import household_create, person_create, person_update
from core.views.common import labels, paginate


def _person_search(request):
    """The people list's search (as core.views.common.search), with the 人员状态 select: the living
    by default, or everyone, or the deceased only."""
    form = PersonListSearchForm(request.GET or None, townships=selectors.township_choices(request.user))
    if form.is_bound and not form.is_valid():
        return form, selectors.person_list(user=request.user).none()
    data = form.cleaned_data if form.is_bound else {}
    township = data.get("township")
    qs = selectors.person_list(
        user=request.user,
        q=data.get("q", ""),
        township=township.code if township else None,
        deceased=data.get("deceased", ""),
    )
    return form, qs


@login_required
@permission_required("core.view_person", raise_exception=True)
def person_list(request):
    form, qs = _person_search(request)
    # Only the columns a row shows, as values: a page built 150 model instances (people, their
    # townships and villages) for nine cells each.
    shown = ("pk", "name", "date_of_death", "id_number", "sex", "birth_date", "township__name", "village__name",
             "hukou")  # fmt: skip
    page, query = paginate(request, qs.values(*shown))
    # Rows as plain text, labels and the policy once per page (the shape of assistance's queue).
    pd = personal_data(request.user)
    sexes, hukou = labels(Person.Sex.choices), labels(Person.Hukou.choices)
    base = reverse("core:person_detail", args=[0])[: -len("0/")]
    born = "%Y-%m-%d" if pd.full_birth_date else "%Y"
    rows = [
        {
            "url": f"{base}{p['pk']}/",
            "name": pd.name(p["name"]) or "—",
            "deceased": p["date_of_death"] is not None,
            "id_number": mask_id_number(p["id_number"]) or "—",
            "sex": sexes.get(p["sex"], p["sex"]),
            "born": p["birth_date"].strftime(born) if p["birth_date"] else "—",
            "township": p["township__name"] or "—",
            "village": p["village__name"] or "—",
            "hukou": hukou.get(p["hukou"], p["hukou"]),
        }
        for p in page
    ]
    return render(request, "core/person_list.html", {"form": form, "page": page, "rows": rows, "query": query})


@login_required
@permission_required("core.view_person", raise_exception=True)
def person_detail(request, pk):
    person = get_for_user_or_404(selectors.person_detail_queryset(user=request.user), request.user, pk=pk)
    pd = personal_data(request.user)
    if person.id_number:
        pd.log_view(request=request, object_type="person", object_ids=[person.pk], detail=_("人员详情页"))
    history = list(person.history.select_related("history_user").order_by("-history_date")[:20])
    changes = []
    for newer, older in zip(history, [*history[1:], None], strict=False):
        fields = [] if older is None else [c.field for c in newer.diff_against(older).changes]
        changes.append({"record": newer, "fields": [Person._meta.get_field(f).verbose_name for f in fields]})
    membership = getattr(person, "membership", None)
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "id_number": pd.id_number(person.id_number),
            "phone": pd.phone(person.phone),
            "membership": membership,
            "household_title": _("%(name)s户") % {"name": pd.name(membership.household.head.name)}
            if membership
            else "",
            "changes": changes,
            "household_form": HouseholdCreateForm(),
        },
    )


@login_required
@permission_required("core.add_person", raise_exception=True)
def person_create_view(request):
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s。") % {"name": person.name})
            return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/person_form.html", {"form": form, "creating": True})


@login_required
@permission_required("core.change_person", raise_exception=True)
def person_edit(request, pk):
    person = get_for_user_or_404(Person.objects, request.user, pk=pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/person_form.html", {"form": form, "person": person, "creating": False})


@login_required
@permission_required("core.add_household", raise_exception=True)
@require_POST
def person_household_create(request, pk):
    person = get_for_user_or_404(Person.objects, request.user, pk=pk)
    form = HouseholdCreateForm(request.POST)
    if form.is_valid():
        try:
            household = household_create(user=request.user, head=person, address=form.cleaned_data["address"])
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for m in messages_:
                    messages.error(request, m)
        else:
            messages.success(request, _("已建立家庭，户主 %(name)s。") % {"name": person.name})
            return redirect("core:household_detail", pk=household.pk)
    return redirect("core:person_detail", pk=person.pk)


def export_queryset(request, *, queryset, resource, object_type: str, filename: str, back: str) -> HttpResponse:
    """Every export of personal data is logged, masked or not."""
    rows = list(queryset[: EXPORT_MAX_ROWS + 1])
    if len(rows) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先按乡镇（街道）或姓名缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect(f"{reverse(back)}?{request.GET.urlencode()}")
    dataset = resource.export(queryset=rows)
    personal_data(request.user).log_export(
        request=request, object_type=object_type, object_ids=[r.pk for r in rows], rows=len(rows)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # core.exports writes every text cell through safe_cell: a stored "=HYPERLINK(...)" stays text.
    content = workbook_bytes(filename, list(dataset.headers), dataset)
    return xlsx_response(content, f"{filename}-{stamp}.xlsx")


@login_required
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def person_export(request):
    _form, qs = _person_search(request)
    return export_queryset(
        request,
        queryset=qs,
        resource=PersonResource(user=request.user),
        object_type="person",
        filename="people",
        back="core:person_list",
    )
