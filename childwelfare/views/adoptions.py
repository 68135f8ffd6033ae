"""Adoption registrations: the list, the form (each legal rule that fails is named) and the export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare import selectors
from childwelfare.forms import AdoptionFilterForm, AdoptionForm
from childwelfare.services.adoptions import adoption_register
from childwelfare.views.common import capped, export_rows
from core.exceptions import ApplicationError
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate

#: The rules' keys, shown as the form's own errors (they are not fields of the form).
RULE_LABELS = {
    "adopter_age": "收养人年龄",
    "existing_children": "现有子女数",
    "age_gap": "年龄差",
    "child_consent": "被收养人同意",
    "child_age": "被收养人年龄",
    "assessment": "收养评估",
    "adopters": "收养人",
}


def _filter(request) -> AdoptionFilterForm:
    """The year asked for, read through a form: a year outside the bureau's window (10000, -1) or
    not a number is told on the list (an export goes back to it), never a 500."""
    form = AdoptionFilterForm(request.GET)
    form.is_valid()
    return form


def _adoptions(request, form: AdoptionFilterForm):
    qs = selectors.adoption_list(user=request.user, year=form.cleaned_data.get("year"))
    return qs.none() if form.errors else qs


@login_required
@permission_required("childwelfare.view_adoption", raise_exception=True)
def adoption_list(request):
    form = _filter(request)
    year = form.cleaned_data.get("year")
    page, query = paginate(request, _adoptions(request, form))
    pd = personal_data(request.user)
    rows = [
        {
            "a": a,
            "child": pd.name(a.child.name),
            "adopters": "、".join(pd.name(p.name) for p in (a.adopter, a.second_adopter) if p),
        }
        for a in page
    ]
    years = range(timezone.localdate().year, 2019, -1)
    return render(
        request,
        "childwelfare/adoption_list.html",
        {"page": page, "rows": rows, "query": query, "year": year, "years": years, "form": form},
    )


@login_required
@permission_required("childwelfare.view_adoption", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def adoption_export(request):
    form = _filter(request)
    if form.errors:
        messages.error(request, form.errors["year"][0])
        return redirect("childwelfare:adoption_list")
    adoptions, too_many = capped(_adoptions(request, form))
    if too_many:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("childwelfare:adoption_list")
    pd = personal_data(request.user).for_export()
    headers = [_("登记证号"), _("登记日期"), _("被收养人"), _("被收养人身份证号"), _("收养人"), _("乡镇（街道）"),
               _("现有子女数"), _("评估结论"), _("评估日期")]  # fmt: skip
    rows = [
        [
            a.registration_no,
            a.registered_on,
            pd.name(a.child.name),
            pd.id_number(a.child.id_number),
            "、".join(pd.name(p.name) for p in (a.adopter, a.second_adopter) if p),
            a.township.name,
            a.existing_children,
            a.get_assessment_result_display(),
            a.assessed_on,
        ]
        for a in adoptions
    ]
    return export_rows(request, headers=headers, rows=rows, object_type="childwelfare_adoption",
                       object_ids=[a.pk for a in adoptions], filename="adoptions", personal=True)  # fmt: skip


@login_required
@permission_required("childwelfare.add_adoption", raise_exception=True)
def adoption_create(request):
    form = AdoptionForm(request.POST or None, user=request.user, initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        adopters = [p for p in (d["adopter"], d.get("second_adopter")) if p]
        try:
            adoption = adoption_register(
                user=request.user, adopters=adopters, child=d["child"], child_consent=d["child_consent"],
                existing_children=d["existing_children"], registered_on=d["registered_on"],
                assessment_result=d["assessment_result"], assessed_on=d["assessed_on"],
                registration_no=d["registration_no"],
            )  # fmt: skip
        except ValidationError as exc:
            for key, errs in exc.message_dict.items():
                for e in errs:
                    if key in form.fields:
                        form.add_error(key, e)
                    else:
                        form.add_error(None, f"{RULE_LABELS.get(key, key)}（{key}）：{e}")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记收养，登记证号 %(n)s。") % {"n": adoption.registration_no})
            return redirect("childwelfare:adoption_list")
    return render(
        request, "childwelfare/form.html", {"form": form, "title": _("收养登记"), "back": "childwelfare:adoption_list"}
    )
