"""REST API for cases, standards and payroll batches. Serializers check shapes; services decide."""

from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assistance import selectors
from assistance.models import Case, Decision, IncomeItem, Standard, Transition
from assistance.services.cases import AssetInput, IncomeInput, case_create, case_transition
from assistance.services.standards import standard_create
from assistance.tasks import build_payroll
from assistance.workflow import ACTIONS, allowed_actions
from core.api.permissions import HasPermission, RoleModelPermissions
from core.api.views import LogsFullIds
from core.identifiers import mask_id_number, mask_name, normalize_id_number
from core.models import AccessLog, PaymentBatch, Person
from core.payments import payment_batch_approve
from core.roles import VIEW_FULL_ID
from core.services.access import access_log_record


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "decided_on", "pay_from", "standard_amount", "method", "household_size", "counted_income",
                  "per_capita_income", "per_member_amount", "covered_count", "amount"]  # fmt: skip


class TransitionSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = Transition
        fields = ["action", "from_state", "to_state", "on_date", "user", "comment", "at"]


class CaseSerializer(serializers.ModelSerializer):
    applicant_name = serializers.SerializerMethodField()
    applicant_id_number = serializers.SerializerMethodField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True)
    decision = DecisionSerializer(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "kind", "subtype", "state", "household", "applicant", "applicant_name", "applicant_id_number",
                  "township", "village", "applied_on", "accepted_on", "investigation_due", "decision_due", "limit_days",
                  "decided_on", "decision", "next_recheck", "recheck_reason", "paperwork_pending"]  # fmt: skip
        read_only_fields = fields

    def _full(self) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.has_perm(VIEW_FULL_ID))

    def get_applicant_name(self, case) -> str:
        return case.applicant.name if self._full() else mask_name(case.applicant.name)

    def get_applicant_id_number(self, case) -> str | None:
        value = case.applicant.id_number
        return value if self._full() else mask_id_number(value)


class CaseDetailSerializer(CaseSerializer):
    transitions = TransitionSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    income_items = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "reason", "investigators", "verification", "opinion", "proposed_amount",
                  "notice_start", "notice_end", "refusal_reason", "exit_until", "ended_on", "end_reason",
                  "income_items", "transitions", "allowed_actions"]  # fmt: skip
        read_only_fields = fields

    def get_allowed_actions(self, case) -> list[str]:
        return [a.code for a in allowed_actions(case, self.context["request"].user)]

    def get_income_items(self, case) -> list[dict]:
        return [
            {"kind": i.kind, "monthly_amount": str(i.monthly_amount), "counted": i.counts, "note": i.note}
            for i in case.income_items.all()
        ]


class IncomeItemInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IncomeItem.Kind.choices)
    monthly_amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AssetItemInput(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class CaseCreateSerializer(serializers.Serializer):
    applicant_id_number = serializers.CharField(max_length=18, help_text="申请人身份证号（须已登记在本辖区的家庭中）")
    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    subtype = serializers.ChoiceField(choices=Case.Subtype.choices, required=False, default="")
    applied_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    bank_account = serializers.CharField(required=False, allow_blank=True, default="")
    requested_amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, allow_null=True)
    self_care_unable_items = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=6)
    income_items = IncomeItemInput(many=True, required=False, default=list)
    asset_items = AssetItemInput(many=True, required=False, default=list)
    accept = serializers.BooleanField(required=False, default=False)


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(ACTIONS))
    on_date = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    investigators = serializers.CharField(required=False)
    verification = serializers.ChoiceField(choices=["passed", "failed"], required=False)
    note = serializers.CharField(required=False)
    opinion = serializers.CharField(required=False)
    content = serializers.CharField(required=False)
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
            return selectors.case_list(
                user=self.request.user,
                kind=params.get("kind", ""),
                state=params.get("state", ""),
                township=params.get("township", ""),
                village=params.get("village", ""),
            )
        return selectors.case_detail_queryset(user=self.request.user)

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
        if request.user.has_perm(VIEW_FULL_ID) and case.applicant.id_number:
            access_log_record(
                user=request.user, action=AccessLog.Action.VIEW_FULL_ID, object_type="person",
                object_ids=[case.applicant_id], detail=f"API {request.path}", request=request,
            )  # fmt: skip
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        number = normalize_id_number(v.pop("applicant_id_number"))
        person = Person.objects.for_user(request.user).filter(id_number=number).select_related("membership").first()
        membership = getattr(person, "membership", None) if person else None
        if membership is None:
            raise serializers.ValidationError(
                {"applicant_id_number": ["本辖区没有此身份证号的人员，或其尚未登记家庭。"]}
            )
        case = case_create(
            user=request.user,
            household=membership.household,
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
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = {k: val for k, val in data.validated_data.items() if val not in (None, "")}
        case = case_transition(user=request.user, case=case, **v)
        case = selectors.case_detail_queryset(user=request.user).get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)


class TierSerializer(serializers.Serializer):
    income_up_to = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount_per_member = serializers.DecimalField(max_digits=10, decimal_places=2)


class StandardSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True, required=False)

    class Meta:
        model = Standard
        fields = ["id", "kind", "amount", "effective_from", "method", "rounding", "note", "tiers", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []


class StandardViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Standards with their effective dates. New rows only: a decision points at the row it used."""

    permission_classes = [RoleModelPermissions]
    serializer_class = StandardSerializer
    queryset = Standard.objects.none()

    def get_queryset(self):
        qs = selectors.standard_list()
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs

    def create(self, request, *args, **kwargs):
        data = StandardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        tiers = [(t["income_up_to"], t["amount_per_member"]) for t in v.pop("tiers", [])]
        standard = standard_create(user=request.user, tiers=tiers, **v)
        return Response(StandardSerializer(standard).data, status=201)


class PayrollBatchSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    townships = serializers.SerializerMethodField()

    class Meta:
        model = PaymentBatch
        fields = ["id", "month", "state", "line_count", "people_count", "total_amount", "built_at", "approved_at",
                  "townships"]  # fmt: skip

    def get_townships(self, batch) -> list[dict]:
        if not self.context.get("with_totals"):
            return []
        user = self.context["request"].user
        return [
            {"township": t["township_id"], "name": t["township__name"], "households": t["households"],
             "people": t["people"], "amount": str(t["amount"])}
            for t in selectors.payroll_totals(user=user, batch=batch)
        ]  # fmt: skip


class PayrollBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly payroll batches. POST {"month": "2025-03"} builds (or rebuilds, while a draft) the
    month's batch on the worker and answers 202; an approved month is never rebuilt."""

    permission_classes = [RoleModelPermissions]
    serializer_class = PayrollBatchSerializer
    queryset = PaymentBatch.objects.none()

    def get_queryset(self):
        return selectors.payroll_batches()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_totals": self.action == "retrieve"}

    @extend_schema(
        request=inline_serializer("PayrollBuild", {"month": serializers.CharField(help_text="YYYY-MM")}),
        responses={202: inline_serializer("PayrollQueued", {"month": serializers.CharField(),
                                                             "status_url": serializers.CharField()})},
    )  # fmt: skip
    def create(self, request, *args, **kwargs):
        import datetime

        text = str(request.data.get("month", ""))
        try:
            month = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise serializers.ValidationError({"month": ["格式应为 YYYY-MM。"]}) from None
        batch = PaymentBatch.objects.filter(program="assistance", month=month).first()
        if batch is not None and batch.is_frozen:
            raise serializers.ValidationError({"month": [f"{text} 的批次已审定，不会重复发放。"]})
        transaction.on_commit(lambda: build_payroll.delay(month.isoformat(), request.user.pk))
        url = reverse("assistance-payroll-list") + f"?month={text}"
        return Response({"month": text, "status_url": request.build_absolute_uri(url)}, status=status.HTTP_202_ACCEPTED)

    def filter_queryset(self, queryset):
        month = self.request.query_params.get("month")
        if month:
            try:
                year, mon = (int(p) for p in month.split("-"))
                queryset = queryset.filter(month__year=year, month__month=mon)
            except ValueError:
                raise NotFound from None
        return super().filter_queryset(queryset)

    @extend_schema(request=None, responses={200: PayrollBatchSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        batch = payment_batch_approve(batch=self.get_object(), user=request.user)
        return Response(PayrollBatchSerializer(batch, context=self.get_serializer_context()).data)
