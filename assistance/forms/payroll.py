"""The month of a payroll batch to build; assistance.services.payroll decides whether it may be."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin


class BuildPayrollForm(BootstrapMixin, forms.Form):
    month = forms.DateField(
        label=_("发放月份"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
