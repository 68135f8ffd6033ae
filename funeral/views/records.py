from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.categories import CATEGORIES
from core.forms import apply_errors
from core.identifiers import mask_id_number
from core.jurisdiction import get_for_user_or_404
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import labels, paginate
from funeral import selectors
from funeral.forms import RecordFilterForm, RecordForm, record_initial
from funeral.models import FeeItem, Placement
from funeral.services.placements import PlacementInput, placement_save
from funeral.services.records import death_record_register, death_record_update
from funeral.services.waivers import WaiverInput, fee_prices_on, waiver_eligibility, waiver_grant
from funeral.views.common import deceased_name, export_rows


def _filtered(request):
    form = RecordFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.record_list(user=request.user).none()
    filters = form.filters() if form.is_bound else {}
    return form, selectors.record_list(user=request.user, **filters)


@login_required
@permission_required("funeral.view_deathrecord", raise_exception=True)
def record_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    # Lists are masked for every role (as core's people list); the full number is on the record page.
    pd = personal_data(request.user)
    # Rows as plain text, labels once per page (the shape of assistance's queue).
    forms = labels(Placement.Form.choices)
    base = reverse("funeral:record_detail", args=[0])[: -len("0/")]
    rows = []
    for r in page:
        placement = getattr(r, "placement", None)
        waiver = getattr(r, "waiver", None)
        rows.append(
            {
                "url": f"{base}{r.pk}/",
                "name": deceased_name(pd, r),
                "identity_unknown": r.identity_unknown,
                "id_number": mask_id_number(r.person.id_number if r.person else "") or "—",
                "township": r.township.name,
                "died": r.date_of_death.isoformat(),
                "cremated": r.cremation_date.isoformat() if r.cremation_date else "—",
                "placement": forms.get(placement.form, placement.form) if placement else "",
                "eco": placement is not None and placement.is_eco,
                "waiver": waiver.total if waiver else "—",
            }
        )
    return render(request, "funeral/record_list.html", {"form": form, "page": page, "rows": rows, "query": query})


@login_required
@permission_required("funeral.view_deathrecord", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def record_export(request):
    _form, qs = _filtered(request)
    records = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(records) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("funeral:record_list")
    pd = personal_data(request.user)
    headers = [
        _("姓名"), _("身份证号"), _("乡镇（街道）"), _("死亡日期"), _("火化日期"), _("火化证明编号"),
        _("安葬方式"), _("安葬（放）日期"), _("减免金额（元）"), _("家属联系人"), _("家属联系电话"),
    ]  # fmt: skip
    rows = []
    for r in records:
        placement = getattr(r, "placement", None)
        waiver = getattr(r, "waiver", None)
        rows.append(
            [
                deceased_name(pd, r),
                pd.id_number(r.person.id_number if r.person else ""),
                r.township.name,
                r.date_of_death,
                r.cremation_date,
                r.certificate_no,
                placement.get_form_display() if placement else "",
                placement.placed_on if placement else None,
                waiver.total if waiver else None,
                pd.name(r.contact_name),
                pd.phone(r.contact_phone),
            ]
        )
    return export_rows(
        request, headers=headers, rows=rows, object_type="funeral_record", object_ids=[r.pk for r in records],
        filename="funeral-records", personal=True,
    )  # fmt: skip


@login_required
@permission_required("funeral.view_deathrecord", raise_exception=True)
def record_detail(request, pk):
    record = get_for_user_or_404(selectors.record_detail_queryset(user=request.user), request.user, pk=pk)
    pd = personal_data(request.user)
    person = record.person
    if person and person.id_number:
        pd.log_view(request=request, object_type="person", object_ids=[person.pk], detail=_("死亡火化记录详情页"))
    waiver = getattr(record, "waiver", None)
    context = {
        "record": record,
        "person": person,
        "deceased_name": deceased_name(pd, record),
        "birth": pd.birth_date(person.birth_date if person else None),
        "full": pd.full_birth_date,
        "id_number": pd.id_number(person.id_number if person else ""),
        "contact_name": pd.name(record.contact_name),
        "contact_phone": pd.phone(record.contact_phone),
        "placement": getattr(record, "placement", None),
        "waiver": waiver,
        "waiver_lines": list(waiver.lines.all()) if waiver else [],
        "eligible": [
            str(CATEGORIES[c].label) if c in CATEGORIES else c
            for c in (waiver_eligibility(record=record) if waiver is None else waiver.categories)
        ],
    }
    return render(request, "funeral/record_detail.html", context)


def _placement_input(data) -> PlacementInput | None:
    if not data.get("form"):
        return None
    return PlacementInput(
        form=data["form"], placed_on=data.get("placed_on"), facility=data.get("facility"), place=data.get("place", "")
    )


def _waiver_input(data) -> WaiverInput | None:
    if not data.get("waiver"):
        return None
    return WaiverInput(items=data.get("waiver_items") or [], urn_price=data.get("urn_price"))


def _form_context(form, **extra):
    prices = fee_prices_on(timezone.localdate())
    return {"form": form, "prices": [prices[k] for k in FeeItem.values if k in prices], **extra}


@login_required
@permission_required("funeral.add_deathrecord", raise_exception=True)
def record_create(request):
    form = RecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            record = death_record_register(
                user=request.user,
                **{k: d[k] for k in form.RECORD_FIELDS if k in d},
                placement=_placement_input(d),
                waiver=_waiver_input(d),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的死亡火化记录。") % {"name": record.deceased_name})
            return redirect("funeral:record_detail", pk=record.pk)
    return render(request, "funeral/record_form.html", _form_context(form, creating=True))


@login_required
@permission_required("funeral.change_deathrecord", raise_exception=True)
def record_edit(request, pk):
    record = get_for_user_or_404(selectors.record_detail_queryset(user=request.user), request.user, pk=pk)
    form = RecordForm(request.POST or None, user=request.user, record=record, initial=record_initial(record))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = ("date_of_death", "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone")
        data = {k: d[k] for k in fields}
        if d.get("funeral_home") is None:
            data.pop("funeral_home")
        if record.identity_unknown:
            data.update(township=d["township"] or record.township, unknown_description=d["unknown_description"])
        placement = _placement_input(d)
        waiver = _waiver_input(d)
        try:
            # One transaction: the record, its placement and a new waiver all or none.
            with transaction.atomic():
                record = death_record_update(user=request.user, record=record, **data)
                if placement is not None:
                    placement_save(user=request.user, record=record, **placement.__dict__)
                if waiver is not None:
                    waiver_grant(user=request.user, record=record, items=waiver.items, urn_price=waiver.urn_price)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("funeral:record_detail", pk=record.pk)
    return render(request, "funeral/record_form.html", _form_context(form, creating=False, record=record))
