"""The bureau's waiver configuration: item prices from a date on, and the eligible categories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.categories import CATEGORIES
from core.forms import apply_errors
from funeral.forms import EligibleCategoryForm, FeePriceForm
from funeral.models import FeeItemPrice, WaiverEligibleCategory
from funeral.services.configuration import fee_item_price_set, waiver_category_add, waiver_category_remove


def _page(request, price_form=None, category_form=None, status=200):
    categories = [
        {"row": c, "label": CATEGORIES[c.code].label if c.code in CATEGORIES else None}
        for c in WaiverEligibleCategory.objects.all()
    ]
    return render(
        request,
        "funeral/configuration.html",
        {
            "prices": FeeItemPrice.objects.select_related("created_by"),
            "categories": categories,
            "price_form": price_form or FeePriceForm(),
            "category_form": category_form or EligibleCategoryForm(),
        },
        status=status,
    )


@login_required
@permission_required("funeral.view_feeitemprice", raise_exception=True)
def configuration(request):
    return _page(request)


@login_required
@permission_required("funeral.add_feeitemprice", raise_exception=True)
@require_POST
def price_add(request):
    form = FeePriceForm(request.POST)
    if form.is_valid():
        try:
            fee_item_price_set(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存价格。"))
            return redirect("funeral:configuration")
    return _page(request, price_form=form, status=400)


@login_required
@permission_required("funeral.add_waivereligiblecategory", raise_exception=True)
@require_POST
def category_add(request):
    form = EligibleCategoryForm(request.POST)
    if form.is_valid():
        try:
            waiver_category_add(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已添加减免对象类别。"))
            return redirect("funeral:configuration")
    return _page(request, category_form=form, status=400)


@login_required
@permission_required("funeral.delete_waivereligiblecategory", raise_exception=True)
@require_POST
def category_remove(request, pk):
    waiver_category_remove(user=request.user, category=get_object_or_404(WaiverEligibleCategory, pk=pk))
    messages.success(request, _("已移除减免对象类别。"))
    return redirect("funeral:configuration")
