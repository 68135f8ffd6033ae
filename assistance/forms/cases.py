"""Forms of the case pages: the list filter, intake with its income and asset rows, and the
workflow actions. They collect and shape input; assistance.services.cases decides validity."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.forms.widgets import DateInput, MultipleFileField
from assistance.models import AssetItem, Case, IncomeItem
from assistance.services.cases import INVESTIGATORS_MAX, ITEM_NOTE_MAX, AssetInput, IncomeInput
from assistance.workflow import ACTIONS
from core.forms import BootstrapMixin
from core.limits import REASON_MAX
from core.models import Division


class CaseFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("案件号、姓名或身份证号"), required=False, max_length=18)
    kind = forms.ChoiceField(label=_("救助类别"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部类别")), *Case.Kind.choices]
        self.fields["state"].choices = [("", _("全部状态")), *Case.State.choices]
        self.fields["township"].queryset = townships


class IntakeForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(
        label=_("申请人身份证号"), max_length=18, help_text=_("申请人须已登记在本辖区的家庭中（人员与家庭页面）。")
    )
    kind = forms.ChoiceField(label=_("救助类别"), choices=Case.Kind.choices)
    subtype = forms.ChoiceField(label=_("细类"), choices=Case.Subtype.choices, required=False)
    applied_on = forms.DateField(label=_("申请日期"), widget=DateInput())
    reason = forms.CharField(
        label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=REASON_MAX
    )
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    requested_amount = forms.DecimalField(
        label=_("申请金额（元，临时救助）"), max_digits=10, decimal_places=2, required=False, min_value=Decimal("0")
    )
    self_care_unable_items = forms.IntegerField(
        label=_("不能自理的项目数（特困，0–6）"),
        min_value=0,
        max_value=6,
        required=False,
        help_text=_("吃饭、穿衣、上下床、如厕、室内行走、洗澡六项中不能自理的项数。"),
    )
    accept = forms.BooleanField(label=_("同时受理"), required=False, initial=True)
    documents = MultipleFileField(label=_("申请材料（可多选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate()


class IncomeItemForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("收入类型"), choices=[("", "—"), *IncomeItem.Kind.choices], required=False)
    monthly_amount = forms.DecimalField(
        label=_("月收入（元）"), max_digits=10, decimal_places=2, required=False, min_value=Decimal("0")
    )
    note = forms.CharField(label=_("说明"), max_length=ITEM_NOTE_MAX, required=False)

    def item(self) -> IncomeInput | None:
        data = self.cleaned_data
        if not data.get("kind") or data.get("monthly_amount") is None:
            return None
        return IncomeInput(kind=data["kind"], monthly_amount=data["monthly_amount"], note=data.get("note", ""))


class AssetItemForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("财产类型"), choices=[("", "—"), *AssetItem.Kind.choices], required=False)
    value = forms.DecimalField(label=_("价值（元）"), max_digits=12, decimal_places=2, required=False, min_value=0)
    description = forms.CharField(label=_("说明"), max_length=ITEM_NOTE_MAX, required=False)

    def item(self) -> AssetInput | None:
        data = self.cleaned_data
        if not data.get("kind") or data.get("value") is None:
            return None
        return AssetInput(kind=data["kind"], value=data["value"], description=data.get("description", ""))


IncomeFormSet = forms.formset_factory(IncomeItemForm, extra=4, max_num=30)
AssetFormSet = forms.formset_factory(AssetItemForm, extra=2, max_num=30)


def items(formset) -> list:
    return [i for i in (f.item() for f in formset.forms if f.is_valid()) if i is not None]


#: Actions whose comment is required (the reason).
COMMENT_REQUIRED = {"refuse", "extend", "suspend", "gradual_exit", "end", "emergency_confirm"}


class ActionForm(BootstrapMixin, forms.Form):
    on_date = forms.DateField(label=_("办理日期"), widget=DateInput())
    investigators = forms.CharField(
        label=_("调查人员"), help_text=_("至少两人，用顿号分隔，如：黄秀英、陈国华"), max_length=INVESTIGATORS_MAX
    )
    verification = forms.ChoiceField(
        label=_("经济状况核对结果"),
        # No default: the officer chooses what the check found.
        choices=[
            ("", _("请选择")),
            (Case.Verification.PASSED, _("核对通过")),
            (Case.Verification.FAILED, _("核对不符")),
        ],
    )
    note = forms.CharField(
        label=_("调查情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=REASON_MAX
    )
    opinion = forms.CharField(label=_("乡镇审核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX)
    recheck_months = forms.TypedChoiceField(
        label=_("核查周期"),
        coerce=int,
        choices=[(12, _("每年（收入稳定）")), (6, _("每半年（收入不固定或有劳动能力）"))],
    )
    exit_until = forms.DateField(label=_("渐退截止日期"), widget=DateInput(), help_text=_("最长6个月"))
    comment = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=REASON_MAX
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The action's own fields (assistance.workflow), those this form asks for (income is its own page).
        keep = {"on_date", "comment", *ACTIONS[action].fields}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["on_date"].initial = timezone.localdate()
        if action in COMMENT_REQUIRED:
            self.fields["comment"].required = True
            self.fields["comment"].label = _("理由")
        if action == "confirm":
            self.fields["comment"].help_text = _(
                "公示录入系统不足7天即确认的（公示期补录），须写明原因，如纸质公示的张贴日期。"
            )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if v not in (None, "")}
