"""The form of a new standard; assistance.services.standards decides validity."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.forms.widgets import DateInput
from assistance.models import Standard
from core.forms import BootstrapMixin


class StandardForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Standard.Kind.choices)
    amount = forms.DecimalField(label=_("标准（元或倍数）"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    effective_from = forms.DateField(label=_("执行日期"), widget=DateInput())
    method = forms.ChoiceField(label=_("计发方式（低保）"), choices=Standard.Method.choices)
    rounding = forms.ChoiceField(label=_("金额取整（低保）"), choices=Standard.Rounding.choices)
    tiers = forms.CharField(
        label=_("分档（每行：人均收入上限,每人每月金额）"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "300,600\n500,400\n920,200"}),
        required=False,
    )
    note = forms.CharField(label=_("依据或说明"), max_length=200, required=False)

    def clean_tiers(self):
        tiers = []
        for n, line in enumerate((self.cleaned_data["tiers"] or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                bound, amount = (Decimal(p.strip()) for p in line.replace("，", ",").split(","))
            except Exception:
                raise forms.ValidationError(_("第 %(n)d 行格式应为：人均收入上限,每人每月金额") % {"n": n}) from None
            tiers.append((bound, amount))
        return tiers
