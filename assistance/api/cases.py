"""REST API for assistance cases: the list and detail, intake and workflow transitions.
Serializers check shapes; assistance.services.cases decides."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assistance import selectors
from assistance.models import Case, Decision, IncomeItem, Transition
from assistance.models.cases import ASSET_VALUE_MAX, INCOME_MONTHLY_MAX, REQUESTED_AMOUNT_MAX, REQUESTED_AMOUNT_MIN
from assistance.services.cases import (
    INVESTIGATORS_MAX,
    ITEM_NOTE_MAX,
    AssetInput,
    IncomeInput,
    case_applicant_find,
    case_create,
    case_transition,
)
from assistance.workflow import ACTIONS, allowed_actions
from core.api.permissions import HasPermission, RoleModelPermissions
from core.api.serializers import RowsSerializer, day, moment, money, personal
from core.api.views import LogsFullIds
from core.exceptions import FieldErrors
from core.limits import REASON_MAX
from core.personal import personal_data


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "decided_on", "pay_from", "standard_amount", "method", "household_size", "counted_income",
                  "per_capita_income", "per_member_amount", "covered_count", "amount"]  # fmt: skip


@extend_schema_serializer(deprecate_fields=["at"])
class TransitionSerializer(serializers.ModelSerializer):
    """A step: the date it states (`on_date`) and when it was entered (`entered_at`); data entry may lag."""

    #: null for steps no user made (an import, the payroll)
    user = serializers.StringRelatedField(allow_null=True)
    at = serializers.DateTimeField(source="entered_at", read_only=True, help_text=_("已弃用：同 entered_at。"))

    class Meta:
        model = Transition
        fields = ["action", "from_state", "to_state", "on_date", "user", "comment", "entered_at", "at"]


class CaseRowsSerializer(RowsSerializer):
    """The case list's rows (CaseSerializer's fields, the decision DecisionSerializer's)."""

    def row_maker(self, pd):
        def row(case):
            applicant, d = case.applicant, case.decision
            recheck_reason = case.recheck_reason
            if recheck_reason and not pd.full_name:
                names = getattr(case, "member_names", None)  # read for the page at once (CaseViewSet.prepare_rows)
                if names is None:
                    names = [m.person.name for m in case.members.all()]
                recheck_reason = pd.text(recheck_reason, names=[applicant.name, *names])
            return {
                "id": case.id, "kind": case.kind, "subtype": case.subtype, "state": case.state,
                "household": case.household_id, "applicant": case.applicant_id,
                "applicant_name": pd.name(applicant.name),
                "applicant_id_number": applicant.id_number if pd.full_id_number else pd.id_number(applicant.id_number),
                "township": case.township_id, "village": case.village_id,
                "applied_on": day(case.applied_on), "accepted_on": day(case.accepted_on),
                "investigation_due": day(case.investigation_due), "decision_due": day(case.decision_due),
                "limit_days": case.limit_days, "decided_on": day(case.decided_on),
                "decision": None if d is None else {
                    "id": d.id, "decided_on": day(d.decided_on), "pay_from": day(d.pay_from),
                    "standard_amount": money(d.standard_amount), "method": d.method,
                    "household_size": d.household_size, "counted_income": money(d.counted_income),
                    "per_capita_income": money(d.per_capita_income), "per_member_amount": money(d.per_member_amount),
                    "covered_count": d.covered_count, "amount": money(d.amount),
                },
                "next_recheck": day(case.next_recheck), "recheck_reason": recheck_reason,
                "paperwork_pending": case.paperwork_pending, "updated_at": moment(case.updated_at),
            }  # fmt: skip

        return row


class CaseSerializer(serializers.ModelSerializer):
    applicant_name = serializers.SerializerMethodField()
    applicant_id_number = serializers.SerializerMethodField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    decision = DecisionSerializer(read_only=True, allow_null=True, help_text=_("现行认定；尚未认定的案件为 null。"))

    class Meta:
        model = Case
        fields = ["id", "kind", "subtype", "state", "household", "applicant", "applicant_name", "applicant_id_number",
                  "township", "village", "applied_on", "accepted_on", "investigation_due", "decision_due", "limit_days",
                  "decided_on", "decision", "next_recheck", "recheck_reason", "paperwork_pending",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = CaseRowsSerializer

    def get_applicant_name(self, case) -> str:
        return personal(self.context).name(case.applicant.name)

    def get_applicant_id_number(self, case) -> str | None:
        pd = personal(self.context)
        return case.applicant.id_number if pd.full_id_number else pd.id_number(case.applicant.id_number)

    #: The free text that may name the household's people ("成员 … 于 … 死亡"): masked like the names.
    MASKED_TEXTS = ("recheck_reason", "reason", "opinion", "refusal_reason", "end_reason")

    def to_representation(self, case):
        data = super().to_representation(case)
        pd = personal(self.context)
        texts = [key for key in self.MASKED_TEXTS if data.get(key)]
        if not pd.full_name and (texts or data.get("transitions")):
            # A list page reads its members' names once for all its cases (CaseViewSet.prepare_rows);
            # a single case has its members prefetched.
            names = getattr(case, "member_names", None)
            if names is None:
                names = [m.person.name for m in case.members.all()]
            names = [case.applicant.name, *names]
            for key in texts:
                data[key] = pd.text(data[key], names=names)
            for transition in data.get("transitions", []):
                transition["comment"] = pd.text(transition["comment"], names=names)
        return data


class CaseDetailSerializer(CaseSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    income_items = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "reason", "investigators", "verification", "opinion", "proposed_amount",
                  "notice_start", "notice_end", "refusal_reason", "exit_until", "ended_on", "end_reason",
                  "income_items", "transitions", "allowed_actions"]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = serializers.ListSerializer  # the rows above are the list's fields only

    def get_allowed_actions(self, case) -> list[str]:
        return [a.code for a in allowed_actions(case, self.context["request"].user)]

    def get_income_items(self, case) -> list[dict]:
        # An item's note may name a member ("配偶 … 务工"): masked as the case's texts are.
        pd = personal(self.context)
        names = () if pd.full_name else [case.applicant.name, *(m.person.name for m in case.members.all())]
        return [
            {"kind": i.kind, "monthly_amount": str(i.monthly_amount), "counted": i.counts,
             "note": pd.text(i.note, names=names)}
            for i in case.income_items.all()
        ]  # fmt: skip


class IncomeItemInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IncomeItem.Kind.choices)
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0,
                                              max_value=INCOME_MONTHLY_MAX)  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=ITEM_NOTE_MAX)


class AssetItemInput(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, max_value=ASSET_VALUE_MAX)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=ITEM_NOTE_MAX)


class CaseCreateSerializer(serializers.Serializer):
    applicant_id_number = serializers.CharField(max_length=18, help_text="申请人身份证号（须已登记在本辖区的家庭中）")
    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    subtype = serializers.ChoiceField(choices=Case.Subtype.choices, required=False, default="")
    applied_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX)
    bank_account = serializers.CharField(required=False, allow_blank=True, default="")
    requested_amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=REQUESTED_AMOUNT_MIN,
        max_value=REQUESTED_AMOUNT_MAX, help_text=_("临时救助的申请金额（元）；核定额另受“低保标准 × 倍数”封顶。"),
    )  # fmt: skip
    self_care_unable_items = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=6)
    income_items = IncomeItemInput(many=True, required=False, default=list)
    asset_items = AssetItemInput(many=True, required=False, default=list)
    accept = serializers.BooleanField(required=False, default=False)


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(ACTIONS))
    on_date = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_MAX)
    investigators = serializers.CharField(required=False, max_length=INVESTIGATORS_MAX)
    verification = serializers.ChoiceField(choices=["passed", "failed"], required=False)
    note = serializers.CharField(required=False, max_length=REASON_MAX)
    opinion = serializers.CharField(required=False, max_length=REASON_MAX)
    content = serializers.CharField(required=False, max_length=REASON_MAX)
    recheck_months = serializers.ChoiceField(choices=[6, 12], required=False)
    exit_until = serializers.DateField(required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("kind", str, enum=Case.Kind.values),
        OpenApiParameter("state", str, enum=Case.State.values),
        OpenApiParameter("township", str, description="乡镇（街道）代码，9位"),
        OpenApiParameter("village", str, description="村（社区）代码，12位"),
    ]
)
class CaseViewSet(
    LogsFullIds, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assistance cases of the caller's jurisdiction. Another township's case answers 404.
    State changes are POSTs to `{id}/transition/`; an illegal one answers 400 with the reason and
    changes nothing; one the caller has no right to answers 403."""

    permission_classes = [RoleModelPermissions]
    queryset = Case.objects.none()
    #: a list carrying full applicant ID numbers is logged (LogsFullIds.list)
    log_object_type = "assistance.case"

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            cases = selectors.case_list(
                user=self.request.user,
                kind=params.get("kind", ""),
                state=params.get("state", ""),
                township=params.get("township", ""),
                village=params.get("village", ""),
            )
            return cases
        return selectors.case_detail_queryset(user=self.request.user)

    def prepare_rows(self, rows: list) -> list:
        """For a reader who sees names masked, the members' names of the page's cases whose shown
        free text is not empty (the list shows only the re-check reason), in one query: they mask
        that text. It read every case's members and their people as model instances, about 300 of
        the 550 a page built."""
        if self.action == "list" and not personal_data(self.request.user).full_name:
            shown = self.get_serializer_class()
            texts = [key for key in shown.MASKED_TEXTS if key in shown.Meta.fields]  # the list shows recheck_reason
            named = [case for case in rows if any(getattr(case, key, "") for key in texts)]
            found = selectors.member_names(case.pk for case in named)
            for case in named:
                case.member_names = found.get(case.pk, [])
        return rows

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseCreateSerializer
        if self.action == "transition":
            return TransitionInput
        return CaseSerializer

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        if case.applicant.id_number:
            personal_data(request.user).log_view(
                request=request, object_type="person", object_ids=[case.applicant_id], detail=f"API {request.path}"
            )
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        errors = FieldErrors()
        try:
            person = case_applicant_find(user=request.user, id_number=v.pop("applicant_id_number"))
        except ValidationError as exc:
            errors.merge(exc, rename={"id_number": "applicant_id_number"})
        errors.raise_if_any()
        case = case_create(
            user=request.user,
            household=person.membership.household,
            applicant=person,
            income_items=[IncomeInput(**i) for i in v.pop("income_items")],
            asset_items=[AssetInput(**i) for i in v.pop("asset_items")],
            **v,
        )
        case = selectors.case_detail_queryset(user=request.user).get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=TransitionInput, responses={200: CaseDetailSerializer})
    @action(
        detail=True, methods=["post"], permission_classes=[IsAuthenticated, HasPermission.of("assistance.view_case")]
    )
    def transition(self, request, pk=None):
        case = self.get_object()
        if not any(request.user.has_perm(a.permission) for a in ACTIONS.values()):
            # A reader (leader, API client) takes no step: refused before the body is read.
            raise PermissionDenied(_("没有办理案件的权限。"))
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = {k: val for k, val in data.validated_data.items() if val not in (None, "")}
        case = case_transition(user=request.user, case=case, **v)
        case = selectors.case_detail_queryset(user=request.user).get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)
