"""REST API for the monthly payroll batches: built on the worker, approved by a second user.
Serializers check shapes; assistance.services.payroll and the payment engine decide.

`month` is a year-month ("2025-03") everywhere: in the build request, in the `?month=` filter and
in every response, and the schema declares it as that string (a pattern, not a date), since a
batch is a month, not a day."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assistance import selectors
from assistance.models import Case
from assistance.services.payroll import PROGRAM, payroll_request
from core.api.pagination import LateRowsPagination
from core.api.permissions import HasPermission, RoleModelPermissions
from core.api.serializers import RowsSerializer, money, personal
from core.exceptions import ApplicationError
from core.exports import xlsx_response
from core.models import AccessLog, PaymentBatch, PaymentLine
from core.payments import bank_file, payment_batch_approve, payment_builds_expire
from core.personal import Kind, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.services.access import access_log_record

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    """A batch with the figures of the viewer's jurisdiction: a township officer's `line_count`,
    `people_count`, `total_amount` and `townships` are their township's."""

    month = MonthField()
    line_count = serializers.IntegerField(source="shown_lines", read_only=True)
    people_count = serializers.IntegerField(source="shown_people", read_only=True)
    total_amount = serializers.DecimalField(source="shown_amount", max_digits=14, decimal_places=2, read_only=True)
    townships = serializers.SerializerMethodField(help_text="分乡镇（街道）合计（查看人辖区内）")

    class Meta:
        model = PaymentBatch
        fields = ["id", "month", "state", "line_count", "people_count", "total_amount", "built_at", "approved_at",
                  "build_state", "build_requested_at", "build_started_at", "build_error", "townships",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields  # every field is in every answer: the schema marks them required

    @extend_schema_field(TownshipTotalSerializer(many=True))
    def get_townships(self, batch) -> list[dict]:
        totals = self.context.get("township_totals")
        if totals is None:  # one batch: its own aggregate
            totals = selectors.payroll_totals_by_batch(user=self.context["request"].user, batch_ids=[batch.pk])
        rows = [
            {"township": t["township_id"], "name": t["township__name"], "households": t["households"],
             "people": t["people"], "amount": t["amount"]}
            for t in totals.get(batch.pk, [])
        ]  # fmt: skip
        return TownshipTotalSerializer(rows, many=True).data


class PayrollLineRowsSerializer(RowsSerializer):
    """A batch's lines as PayrollLineSerializer's fields give them (core.api.serializers.RowsSerializer)."""

    def row_maker(self, pd):
        def row(line):
            return {
                "id": line.id, "township": line.township_id, "village": line.village_id, "category": line.category,
                "source_type": line.source_type, "source_id": line.source_id, "payee": line.payee_id,
                "payee_name": pd.name(line.payee.name), "payee_id_number": pd.id_number(line.payee.id_number),
                "members": line.members, "amount": money(line.amount), "bank_account": pd.bank_account(line.bank_account),
                "one_off": line.one_off,
            }  # fmt: skip

        return row


class PayrollLineSerializer(serializers.ModelSerializer):
    """One household's line: the payee masked as the viewer's role requires."""

    payee_name = serializers.SerializerMethodField()
    payee_id_number = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)

    class Meta:
        model = PaymentLine
        fields = ["id", "township", "village", "category", "source_type", "source_id", "payee", "payee_name",
                  "payee_id_number", "members", "amount", "bank_account", "one_off"]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = PayrollLineRowsSerializer

    def get_payee_name(self, line) -> str:
        return personal(self.context).name(line.payee.name)

    def get_payee_id_number(self, line) -> str:
        return personal(self.context).id_number(line.payee.id_number)

    def get_bank_account(self, line) -> str:
        return personal(self.context).bank_account(line.bank_account)


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
        return selectors.payroll_batches_seen_by(user=self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "GET":
            payment_builds_expire(program=PROGRAM)  # a build whose worker died is failed when it is read

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        batches = list(page if page is not None else self.filter_queryset(self.get_queryset()))
        # Every batch's township totals in one query for the page, not one a batch.
        totals = selectors.payroll_totals_by_batch(user=request.user, batch_ids=[b.pk for b in batches])
        context = {**self.get_serializer_context(), "township_totals": totals}
        data = PayrollBatchSerializer(batches, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=PayrollBuildSerializer, responses={202: PayrollQueuedSerializer})
    def create(self, request, *args, **kwargs):
        body = PayrollBuildSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        first = payroll_request(month=body.validated_data["month"], user=request.user)
        batch = self.get_queryset().get(month=first)
        data = PayrollQueuedSerializer(batch, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

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
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(PayrollBatchSerializer(batch, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[OpenApiParameter("township", str, description="乡镇（街道）代码")],
        responses={200: PayrollLineSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=PayrollLineSerializer,
        pagination_class=LateRowsPagination,
        filter_backends=[],
    )
    def lines(self, request, pk=None):
        """The batch's lines in the caller's jurisdiction, by township, village and id; a response
        carrying full names, ID numbers or accounts is written to the access log."""
        batch = self.get_object()
        lines = selectors.payroll_lines(user=request.user, batch=batch).select_related("payee")
        township = request.query_params.get("township", "")
        if township:
            lines = lines.filter(township_id=township)
        page = self.paginate_queryset(lines.order_by("township_id", "village_id", "id"))
        pd = personal_data(request.user)
        if pd.full_name or pd.full_id_number or pd.full(Kind.BANK_ACCOUNT):
            pd.log_view(request=request, object_type="person", object_ids=[line.payee_id for line in page],
                        detail=f"API {request.path}")  # fmt: skip
        return self.get_paginated_response(
            PayrollLineSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path="bank-file",
        permission_classes=[HasPermission.of("core.view_paymentbatch", EXPORT_PERSONAL_DATA)],
    )
    def bank_file(self, request, pk=None):
        """The bank file of an approved batch (xlsx with full names, ID numbers and accounts); the
        download is written to the access log. A draft answers 400."""
        batch = self.get_object()
        if not batch.is_frozen:
            raise ApplicationError(_("批次审定后才能下载银行代发文件。"), code="batch_not_approved")
        lines = selectors.payroll_lines(user=request.user, batch=batch)
        access_log_record(
            user=request.user, action=AccessLog.Action.EXPORT, object_type="core.paymentbatch", object_ids=[batch.pk],
            detail=_("银行代发文件 %(m)s，%(n)d 户（接口）") % {"m": f"{batch.month:%Y-%m}", "n": lines.count()},
            request=request,
        )  # fmt: skip
        content = bank_file(batch, lines, category_label=lambda code: str(Case.Kind(code).label))
        return xlsx_response(content, f"assistance-bank-{batch.month:%Y%m}.xlsx")
