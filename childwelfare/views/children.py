"""The registry (一人一档): the list with its filters and export, a child's file with its timeline,
visits, recognitions and allowance history, and the forms that change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare import selectors
from childwelfare.forms import (
    CategoryEndForm,
    CategoryForm,
    ChildEditForm,
    ChildFilterForm,
    ChildOpenForm,
    CloseForm,
    VisitForm,
)
from childwelfare.models import ChildCategory
from childwelfare.models.children import CareSetting, CategoryCode
from childwelfare.models.guardianship import RiskLevel
from childwelfare.services._common import birthday
from childwelfare.services.children import (
    CategoryInput,
    category_add,
    category_end,
    child_close,
    child_file_open,
    child_update,
    is_tekun,
)
from childwelfare.services.guardianship import lacks_carer
from childwelfare.services.visits import visit_record
from childwelfare.views.common import capped, export_rows
from core.forms import apply_errors
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import labels, paginate

VIEW = "childwelfare.view_child"


def _filtered(request):
    form = ChildFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.child_list(user=request.user).none()
    filters = form.filters() if form.is_bound else {}
    return form, selectors.child_list(user=request.user, **filters)


@login_required
@permission_required(VIEW, raise_exception=True)
def child_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)  # counted without the row's joins
    pd = personal_data(request.user)
    today = timezone.localdate()
    # Every cell as text here: a template lookup per cell costs more than the query behind the page.
    detail = reverse("childwelfare:child_detail", args=[0])[:-2]
    # Labels translated once, not once a cell (a lazy label is translated again wherever it is shown).
    categories, care, risks = labels(CategoryCode.choices), labels(CareSetting.choices), labels(RiskLevel.choices)
    children = list(page.object_list.prefetch_related(None).values(*selectors.REGISTRY_ROW))
    codes = selectors.current_category_codes([c["pk"] for c in children], today)
    lacking = selectors.lacking_carer_ids(
        {c["pk"]: codes.get(c["pk"], []) for c in children if c["closed_on"] is None}, today
    )
    rows = []
    for c in children:
        due, closed, follow_up = c["visit_due_on"], c["closed_on"], c["risk_follow_up_due"]
        rows.append(
            {
                "pk": c["pk"],
                "url": f"{detail}{c['pk']}/",
                "name": pd.name(c["person__name"]),
                "id_number": _mask(c["person__id_number"]),
                "age": _age(c["person__birth_date"], today),
                "township": c["township__name"],
                "categories": [categories.get(code, code) for code in codes.get(c["pk"], [])],
                "care": care.get(c["care_setting"], c["care_setting"]),
                "due": due.isoformat() if due else "—",
                "overdue": closed is None and due is not None and due < today,
                "closed": closed is not None,
                "turning_18": c["turning_18_flagged_on"] is not None and closed is None,
                "risk": risks.get(c["risk_level"], ""),
                "high_risk": c["risk_level"] == RiskLevel.HIGH,
                "risk_overdue": closed is None and follow_up is not None and follow_up < today,
                "no_carer": c["pk"] in lacking,
            }
        )
    # The filter bar is drawn from plain choices: Django's widget templates cost more than the page's queries.
    data = form.data if form.is_bound else {}
    context = {"form": form, "page": page, "rows": rows, "query": query, "closed_label": _("已销档"),
               "choices": {name: [(str(v), str(label)) for v, label in form.fields[name].choices]
                           for name in ("category", "age_band", "status", "risk")},
               "townships": list(selectors.township_choices(request.user).values_list("code", "name")),
               "chosen": {k: data.get(k, "") for k in ("q", "township", "category", "age_band", "status", "overdue",
                                                       "turning_18", "risk", "risk_overdue", "no_carer")},
               "turning_label": _("即将满18岁"), "overdue_label": _("逾期"),
               "no_carer_label": _("无监护人（照护人）"), "risk_overdue_label": _("高风险未跟进")}  # fmt: skip
    return render(request, "childwelfare/child_list.html", context)


def _mask(number):
    # Lists are masked for every role (as core's people list); the full number is on the file page.
    from core.identifiers import mask_id_number

    return mask_id_number(number)


def _labelled(lines):
    names = labels(CategoryCode.choices)
    out = list(lines)
    for line in out:
        line.category_label = names.get(line.category, line.category)
    return out


def _age(birth, today):
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@login_required
@permission_required(VIEW, raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def child_export(request):
    _form, qs = _filtered(request)
    children, too_many = capped(qs)
    if too_many:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("childwelfare:child_list")
    pd = personal_data(request.user).for_export()
    headers = [_("姓名"), _("身份证号"), _("出生年份"), _("乡镇（街道）"), _("当前类别"), _("养育方式"), _("监护人"),
               _("建档日期"), _("最近走访"), _("下次走访期限"), _("在校"), _("销档日期"), _("监护风险等级"),
               _("最近监护评估")]  # fmt: skip
    rows = [
        [
            pd.name(c.person.name),
            pd.id_number(c.person.id_number),
            c.person.birth_date.year if c.person.birth_date else None,
            c.township.name,
            "、".join(str(cat.get_code_display()) for cat in c.current),
            c.get_care_setting_display(),
            pd.name(c.guardian_name),
            c.opened_on,
            c.last_visit_on,
            c.visit_due_on,
            _("是") if c.in_school else _("否"),
            c.closed_on,
            c.get_risk_level_display() if c.risk_level else "",
            c.risk_assessed_on,
        ]
        for c in children
    ]
    return export_rows(
        request, headers=headers, rows=rows, object_type="childwelfare_child", object_ids=[c.pk for c in children],
        filename="children", personal=True,
    )  # fmt: skip


def _child(request, pk):
    return get_for_user_or_404(selectors.child_detail_queryset(user=request.user), request.user, pk=pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def child_detail(request, pk):
    child = _child(request, pk)
    person = child.person
    pd = personal_data(request.user)
    # Minors' data: every full view goes to the access log.
    pd.log_view(request=request, object_type="childwelfare_child", object_ids=[child.pk], detail=_("儿童档案页"))
    today = timezone.localdate()
    categories = list(child.categories.order_by("start", "id"))
    visits = list(child.visits.order_by("-visited_on", "-id")[:50])
    carers = list(child.carers.order_by("-start", "-id"))
    # The carers' own ID numbers on this page are logged under each carer (their API does the same).
    pd.log_view(
        request=request, object_type="childwelfare_carer", object_ids=[c.pk for c in carers if c.id_number],
        detail=_("儿童档案页"),
    )  # fmt: skip
    names = child.names_in_records()
    context = {
        "child": child,
        "person": person,
        "name": pd.name(person.name),
        "id_number": pd.id_number(person.id_number),
        "birth": pd.birth_date(person.birth_date),
        "eighteenth": birthday(person.birth_date, 18) if person.birth_date else None,
        "age": _age(person.birth_date, today),
        "guardian_name": pd.name(child.guardian_name),
        "guardian_phone": pd.phone(child.guardian_phone),
        "bank_account": pd.bank_account(child.bank_account),
        "categories": [{"category": c, "end_reason": pd.text(c.end_reason, names=names)} for c in categories],
        "current": [c for c in categories if c.active_on(today)],
        "visits": [
            {"visit": v, "findings": pd.text(v.findings, names=names), "follow_up": pd.text(v.follow_up, names=names)}
            for v in visits
        ],
        "recognitions": list(child.recognitions.order_by("-applied_on", "-id")),
        "carers": [
            {
                "carer": c,
                "name": pd.name(c.name),
                "phone": pd.phone(c.phone),
                "id_number": pd.id_number(c.id_number),
                "end_reason": pd.text(c.end_reason, names=names),
                "current": c.active_on(today),
            }
            for c in carers
        ],
        "no_carer": lacks_carer(child, today),
        "assessments": [
            {"a": a, "findings": pd.text(a.findings, names=names), "measures": pd.text(a.measures, names=names)}
            for a in child.assessments.order_by("-assessed_on", "-id")[:50]
        ],
        "risk_overdue": child.is_open and child.risk_follow_up_due is not None and child.risk_follow_up_due < today,
        "full_names": pd.full_name,
        "allowances": _labelled(selectors.child_allowance_history(child)[:36]),
        "overdue": child.is_open and child.visit_due_on is not None and child.visit_due_on < today,
        "tekun": is_tekun(person),
        "today": today,
    }
    return render(request, "childwelfare/child_detail.html", context)


@login_required
@permission_required("childwelfare.add_child", raise_exception=True)
def child_create(request):
    form = ChildOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        categories = []
        if d.get("code"):
            categories.append(
                CategoryInput(
                    code=d["code"],
                    start=d.get("start"),
                    father_situation=d["father_situation"],
                    mother_situation=d["mother_situation"],
                    distress_reason=d["distress_reason"],
                    evidence=d["evidence"],
                )
            )
        fields = ("guardian_name", "guardian_relation", "guardian_phone", "bank_account", "in_school", "school")
        try:
            child = child_file_open(
                user=request.user, person=d["person"], care_setting=d["care_setting"], categories=categories,
                **{k: d[k] for k in fields},
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已建立儿童档案。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(
        request, "childwelfare/form.html", {"form": form, "title": _("新建儿童档案"), "back": "childwelfare:child_list"}
    )


@login_required
@permission_required("childwelfare.change_child", raise_exception=True)
def child_edit(request, pk):
    child = _child(request, pk)
    initial = {f: getattr(child, f) for f in ChildEditForm.base_fields}
    form = ChildEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            child_update(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(request, "childwelfare/form.html", {"form": form, "title": _("修改档案"), "child": child})


@login_required
@permission_required("childwelfare.add_childcategory", raise_exception=True)
def category_create(request, pk):
    child = _child(request, pk)
    form = CategoryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = CategoryInput(
            code=d["code"], start=d["start"], end=d["end"], father_situation=d["father_situation"],
            mother_situation=d["mother_situation"], distress_reason=d["distress_reason"], evidence=d["evidence"],
        )  # fmt: skip
        try:
            category_add(user=request.user, child=child, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记类别。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(request, "childwelfare/form.html", {"form": form, "title": _("登记类别"), "child": child})


@login_required
@permission_required("childwelfare.change_childcategory", raise_exception=True)
def category_close(request, pk):
    category = get_object_or_404(ChildCategory.objects.for_user(request.user).select_related("child__person"), pk=pk)
    form = CategoryEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            category_end(
                user=request.user,
                category=category,
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已终止。"))
            return redirect("childwelfare:child_detail", pk=category.child_id)
    return render(
        request,
        "childwelfare/form.html",
        {"form": form, "title": _("终止类别：%(c)s") % {"c": category.get_code_display()}, "child": category.child},
    )


@login_required
@permission_required("childwelfare.change_child", raise_exception=True)
def child_close_view(request, pk):
    child = _child(request, pk)
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            child_close(
                user=request.user,
                child=child,
                on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["close_reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("档案已销档。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(request, "childwelfare/form.html", {"form": form, "title": _("销档"), "child": child})


@login_required
@permission_required("childwelfare.add_visit", raise_exception=True)
def visit_create(request, pk):
    child = _child(request, pk)
    form = VisitForm(
        request.POST or None, initial={"visited_on": timezone.localdate(), "visitor_name": request.user.get_full_name()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit_record(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记走访。"))
            return redirect("childwelfare:child_detail", pk=child.pk)
    return render(request, "childwelfare/form.html", {"form": form, "title": _("登记走访"), "child": child})
