"""REST API for the monthly payroll batches: built on the worker, approved by a second user.
Serializers check shapes; assistance.services.payroll and the payment engine decide.

`month` is a year-month ("2025-03") everywhere: in the build request, in the `?month=` filter and
in every response, and the schema declares it as that string (a pattern, not a date), since a
batch is a month, not a day."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assistance import selectors
from assistance.services.payroll import PROGRAM, payroll_request
from core.api.permissions import RoleModelPermissions
from core.models import PaymentBatch
from core.payments import payment_batch_approve, payment_builds_expire

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2025-03"})
class MonthField(serializers.Field):
    """A batch's month as "YYYY-MM" (read only)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class TownshipTotalSerializer(serializers.Serializer):
    township = serializers.CharField(help_text="乡镇（街道）代码")
    name = serializers.CharField()
    households = serializers.IntegerField()
    people = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class PayrollBatchSerializer(serializers.ModelSerializer):
    month = MonthField()
    townships = serializers.SerializerMethodField(help_text="分乡镇（街道）合计；仅在单个批次中给出，列表中为空")

    class Meta:
        model = PaymentBatch
        fields = ["id", "month", "state", "line_count", "people_count", "total_amount", "built_at", "approved_at",
                  "build_state", "build_requested_at", "build_started_at", "build_error", "townships"]  # fmt: skip
        read_only_fields = fields  # every field is in every answer: the schema marks them required

    @extend_schema_field(TownshipTotalSerializer(many=True))
    def get_townships(self, batch) -> list[dict]:
        if not self.context.get("with_totals"):
            return []
        user = self.context["request"].user
        rows = [
            {"township": t["township_id"], "name": t["township__name"], "households": t["households"],
             "people": t["people"], "amount": t["amount"]}
            for t in selectors.payroll_totals(user=user, batch=batch)
        ]  # fmt: skip
        return TownshipTotalSerializer(rows, many=True).data


# The body must be an object with a month; whether that month is payable is the service's to say.
class PayrollBuildSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM", allow_blank=True, max_length=20)


class PayrollQueuedSerializer(PayrollBatchSerializer):
    status_url = serializers.SerializerMethodField(help_text="查询生成进度的地址")

    class Meta(PayrollBatchSerializer.Meta):
        fields = [*PayrollBatchSerializer.Meta.fields, "status_url"]
        read_only_fields = fields

    def get_status_url(self, batch) -> str:
        return self.context["request"].build_absolute_uri(reverse("assistance-payroll-detail", args=[batch.pk]))


class PayrollBatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly payroll batches. POST {"month": "2025-03"} records the month's draft as queued and
    builds (or rebuilds, while a draft) it on the worker, answering 202 with the batch and where to
    follow it (`build_state`: queued → running → done, or failed with `build_error`); a month already
    queued or running is answered with that build, not a second one. An approved month is never
    rebuilt; with the job queue down the answer is 503 and the batch records why."""

    permission_classes = [RoleModelPermissions]
    serializer_class = PayrollBatchSerializer
    queryset = PaymentBatch.objects.none()

    def get_queryset(self):
        return selectors.payroll_batches()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "GET":
            payment_builds_expire(program=PROGRAM)  # a build whose worker died is failed when it is read

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_totals": self.action in ("retrieve", "approve")}

    @extend_schema(request=PayrollBuildSerializer, responses={202: PayrollQueuedSerializer})
    def create(self, request, *args, **kwargs):
        body = PayrollBuildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        first = payroll_request(month=body.validated_data["month"], user=request.user)
        batch = selectors.payroll_batches().get(month=first)
        data = PayrollQueuedSerializer(batch, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM", pattern=MONTH_PATTERN)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        month = self.request.query_params.get("month")
        if month and self.action == "list":
            try:
                queryset = queryset.filter(month=datetime.datetime.strptime(month, "%Y-%m").date())
            except ValueError:
                raise ValidationError({"month": [_("格式应为 YYYY-MM。")]}) from None
        return super().filter_queryset(queryset)

    @extend_schema(request=None, responses={200: PayrollBatchSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        batch = payment_batch_approve(batch=self.get_object(), user=request.user)
        return Response(PayrollBatchSerializer(batch, context=self.get_serializer_context()).data)
