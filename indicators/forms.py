"""Forms of the indicators pages; the services decide validity."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import BootstrapMixin


class ManualValueForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年份"), choices=[(y, y) for y in range(2020, 2026)], coerce=int)
    value = forms.DecimalField(label=gettext_lazy("数值"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=gettext_lazy("数据来源"), max_length=200)
    reason = forms.CharField(label=gettext_lazy("录入原因"), max_length=300)
    use_it = forms.BooleanField(label=gettext_lazy("采用此人工值（记录在案）"), required=False)
