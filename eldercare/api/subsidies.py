"""/api/v1/eldercare/subsidies/: the subsidy roster (…/{id}/end/, suspend/, resume/), the bureau's
standards (…/subsidies/standards/) and the monthly lists of the shared payment engine
(…/subsidies/lists/: POST {"month": "2025-03"} builds on the worker, …/{id}/approve/, …/{id}/lines/).
Serializers check shapes; eldercare.services.subsidies and core.payments decide."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.pagination import LateRowsPagination
from core.api.permissions import HasPermission, RoleModelPermissions
from core.api.serializers import RowsSerializer, day, moment, money, personal
from core.jurisdiction import JurisdictionMixin
from core.models import PaymentBatch, PaymentLine
from core.payments import payment_batch_approve, payment_builds_expire
from core.personal import Kind, personal_data
from eldercare import selectors
from eldercare.api.assessments import PersonInJurisdictionField
from eldercare.models import Subsidy, SubsidyKind, SubsidyStandard
from eldercare.services.subsidies import (
    PROGRAM,
    standard_add,
    subsidy_end,
    subsidy_enroll,
    subsidy_list_request,
    subsidy_suspend,
)  # fmt: skip

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2025-03"})
class MonthField(serializers.Field):
    """A month as "YYYY-MM"; written as that string, read into its first day."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"

    def to_internal_value(self, data):
        try:
            return datetime.datetime.strptime(str(data), "%Y-%m").date()
        except ValueError:
            raise serializers.ValidationError(_("格式应为 YYYY-MM。")) from None


class SubsidyRowsSerializer(RowsSerializer):
    """The roster's rows (SubsidySerializer's fields; core.api.serializers.RowsSerializer). The name and
    ID number come last: an entry has neither attribute, so DRF skips those fields and to_representation
    adds them at the end; the account is masked where its field stands; the township is the person's."""

    def row_maker(self, pd):
        kinds = {kind: str(label) for kind, label in SubsidyKind.choices}  # get_kind_display

        def row(s):
            person = s.person
            return {
                "id": s.id, "person": s.person_id, "township": person.township_id, "kind": s.kind,
                "kind_display": kinds.get(s.kind, s.kind), "starts_on": f"{s.starts_on:%Y-%m}", "status": s.status,
                "ended_on": day(s.ended_on), "end_reason": s.end_reason,
                "bank_account": pd.bank_account(s.bank_account), "note": s.note,
                "created_at": moment(s.created_at), "updated_at": moment(s.updated_at),
                "name": pd.name(person.name), "id_number": pd.id_number(person.id_number),
            }  # fmt: skip

        return row


class SubsidySerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField()
    name = serializers.CharField(read_only=True, help_text="姓名（按权限脱敏）")
    id_number = serializers.CharField(read_only=True, help_text="身份证号（按权限脱敏）")
    township = serializers.CharField(read_only=True, allow_null=True, source="person.township_id")
    starts_on = MonthField(help_text="起始月份 YYYY-MM（从该月起发放）")
    kind_display = serializers.CharField(read_only=True, source="get_kind_display")
    bank_account = serializers.CharField(required=False, allow_blank=True, max_length=60)

    class Meta:
        model = Subsidy
        fields = [
            "id", "person", "name", "id_number", "township", "kind", "kind_display", "starts_on", "status",
            "ended_on", "end_reason", "bank_account", "note", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "ended_on", "end_reason", "created_at", "updated_at"]
        list_serializer_class = SubsidyRowsSerializer

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.person.name)
        data["id_number"] = pd.id_number(instance.person.id_number)
        data["bank_account"] = pd.bank_account(instance.bank_account)
        return data


class SubsidyEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, max_length=400)


class SubsidyViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The subsidy roster (养老服务补贴对象). POST {"person", "kind", "starts_on": "YYYY-MM",
    "bank_account"} enrols an eligible older person (eligibility is checked: age, the latest
    assessment's level, the low-income categories; 400 names the field and the reason)."""

    serializer_class = SubsidySerializer
    # The person's name, ID number and township code (SubsidyRowsSerializer); the township itself is not read.
    queryset = Subsidy.objects.select_related("person")
    filterset_fields = {
        "person": ["exact"], "person__township": ["exact"], "kind": ["exact"], "status": ["exact"],
        "starts_on": ["gte", "lte"],
    }  # fmt: skip
    ordering_fields = ["id", "starts_on"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action in ("end", "suspend", "resume"):
            return [HasPermission.of("eldercare.change_subsidy")()]
        return super().get_permissions()

    def _log(self, rows):
        pd = personal_data(self.request.user)
        if pd.full_name or pd.full_id_number or pd.full(Kind.BANK_ACCOUNT):
            pd.log_view(request=self.request, object_type="person", object_ids=sorted({s.person_id for s in rows}),
                        detail=f"API {self.request.method} {self.request.path}")  # fmt: skip

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._log(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._log([instance])
        return Response(self.get_serializer(instance).data)

    def perform_create(self, serializer):
        serializer.instance = subsidy_enroll(user=self.request.user, **serializer.validated_data)
        self._log([serializer.instance])

    def _answer(self, subsidy):
        return Response(self.get_serializer(self.get_queryset().get(pk=subsidy.pk)).data)

    @extend_schema(request=SubsidyEndSerializer, responses={200: SubsidySerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the entry on `ended_on` (months beginning after it are not paid): no later than the
        end of next month, the last month a list can be built for (400 on `ended_on`)."""
        body = SubsidyEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(subsidy_end(user=request.user, subsidy=self.get_object(), **body.validated_data))

    @extend_schema(request=None, responses={200: SubsidySerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._answer(subsidy_suspend(user=request.user, subsidy=self.get_object(), suspend=True))

    @extend_schema(request=None, responses={200: SubsidySerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._answer(subsidy_suspend(user=request.user, subsidy=self.get_object(), suspend=False))


class SubsidyStandardSerializer(serializers.ModelSerializer):
    threshold = serializers.IntegerField(
        required=False, allow_null=True, help_text="高龄津贴：起始年龄；护理补贴：能力等级 1–4；服务补贴：0 或省略"
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="元/人/月")
    band = serializers.CharField(read_only=True, source="band_label")

    class Meta:
        model = SubsidyStandard
        fields = ["id", "kind", "threshold", "band", "amount", "effective_from", "note", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_validators(self):
        return []


class SubsidyStandardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The bureau's subsidy standards, each from its effective date (the old ones stay)."""

    serializer_class = SubsidyStandardSerializer
    queryset = SubsidyStandard.objects.all()
    filterset_fields = ["kind"]
    ordering_fields = ["id", "effective_from"]
    ordering = ["kind", "threshold", "-effective_from"]

    def perform_create(self, serializer):
        serializer.instance = standard_add(user=self.request.user, **serializer.validated_data)


class SubsidyBatchSerializer(serializers.ModelSerializer):
    """A month's list with the figures of the viewer's jurisdiction."""

    month = MonthField(read_only=True)
    line_count = serializers.IntegerField(source="shown_lines", read_only=True)
    total_amount = serializers.DecimalField(source="shown_amount", max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = PaymentBatch
        fields = ["id", "month", "state", "line_count", "total_amount", "built_at", "approved_at", "build_state",
                  "build_requested_at", "build_error", "updated_at"]  # fmt: skip
        read_only_fields = fields


class SubsidyLineRowsSerializer(RowsSerializer):
    """A list's lines as SubsidyLineSerializer's fields give them (core.api.serializers.RowsSerializer)."""

    def row_maker(self, pd):
        def row(line):
            return {
                "id": line.id, "township": line.township_id, "village": line.village_id, "kind": line.category,
                "subsidy": line.source_id, "payee": line.payee_id, "payee_name": pd.name(line.payee.name),
                "payee_id_number": pd.id_number(line.payee.id_number), "amount": money(line.amount),
                "bank_account": pd.bank_account(line.bank_account),
            }  # fmt: skip

        return row


class SubsidyLineSerializer(serializers.ModelSerializer):
    payee_name = serializers.SerializerMethodField()
    payee_id_number = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    kind = serializers.CharField(source="category", read_only=True)
    subsidy = serializers.IntegerField(source="source_id", read_only=True)

    class Meta:
        model = PaymentLine
        fields = ["id", "township", "village", "kind", "subsidy", "payee", "payee_name", "payee_id_number",
                  "amount", "bank_account"]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = SubsidyLineRowsSerializer

    def get_payee_name(self, line) -> str:
        return personal(self.context).name(line.payee.name)

    def get_payee_id_number(self, line) -> str:
        return personal(self.context).id_number(line.payee.id_number)

    def get_bank_account(self, line) -> str:
        return personal(self.context).bank_account(line.bank_account)


class SubsidyBuildSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM", allow_blank=True, max_length=20)


class SubsidyQueuedSerializer(SubsidyBatchSerializer):
    status_url = serializers.SerializerMethodField(help_text="查询生成进度的地址")

    class Meta(SubsidyBatchSerializer.Meta):
        fields = [*SubsidyBatchSerializer.Meta.fields, "status_url"]
        read_only_fields = fields

    def get_status_url(self, batch) -> str:
        return self.context["request"].build_absolute_uri(reverse("eldercare-subsidy-list-detail", args=[batch.pk]))


class SubsidyBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly subsidy lists (the shared payment engine). POST {"month": "2025-03"} builds (or
    rebuilds, while a draft) on the worker and answers 202; `…/{id}/approve/` freezes it (not by
    its builder); an approved month is never rebuilt."""

    permission_classes = [RoleModelPermissions]
    serializer_class = SubsidyBatchSerializer
    queryset = PaymentBatch.objects.none()
    filterset_fields: list = []

    def get_queryset(self):
        return selectors.subsidy_batches(user=self.request.user)

    def get_permissions(self):
        if self.action == "approve":
            return [HasPermission.of("core.view_paymentbatch", "core.change_paymentbatch")()]
        return super().get_permissions()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "GET":
            payment_builds_expire(program=PROGRAM)

    def filter_queryset(self, queryset):
        month = self.request.query_params.get("month")
        if month and self.action == "list":
            try:
                queryset = queryset.filter(month=datetime.datetime.strptime(month, "%Y-%m").date())
            except ValueError:
                raise ValidationError({"month": [_("格式应为 YYYY-MM。")]}) from None
        return super().filter_queryset(queryset)

    @extend_schema(request=SubsidyBuildSerializer, responses={202: SubsidyQueuedSerializer})
    def create(self, request, *args, **kwargs):
        body = SubsidyBuildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        first = subsidy_list_request(month=body.validated_data["month"], user=request.user)
        batch = self.get_queryset().get(month=first)
        return Response(
            SubsidyQueuedSerializer(batch, context=self.get_serializer_context()).data, status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=None, responses={200: SubsidyBatchSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        batch = payment_batch_approve(batch=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=batch.pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("township", str, description="乡镇（街道）代码"),
            OpenApiParameter("kind", str, enum=SubsidyKind.values),
        ],
        responses={200: SubsidyLineSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=SubsidyLineSerializer,
        pagination_class=LateRowsPagination,
        filter_backends=[],
    )
    def lines(self, request, pk=None):
        """The list's lines in the caller's jurisdiction; full names, ID numbers or accounts are logged."""
        batch = self.get_object()
        lines = selectors.subsidy_lines(
            user=request.user, batch=batch, township=request.query_params.get("township"),
            kind=request.query_params.get("kind", ""),
        )  # fmt: skip
        page = self.paginate_queryset(lines)
        pd = personal_data(request.user)
        if pd.full_name or pd.full_id_number or pd.full(Kind.BANK_ACCOUNT):
            pd.log_view(request=request, object_type="person", object_ids=[line.payee_id for line in page],
                        detail=f"API {request.path}")  # fmt: skip
        return self.get_paginated_response(
            SubsidyLineSerializer(page, many=True, context=self.get_serializer_context()).data
        )
