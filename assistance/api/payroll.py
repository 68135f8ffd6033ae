"""REST API for the monthly payroll batches: built on the worker, approved by a second user.
Serializers check shapes; assistance.services.payroll and the payment engine decide."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assistance import selectors
from assistance.services.payroll import payroll_request
from core.api.permissions import RoleModelPermissions
from core.models import PaymentBatch
from core.payments import payment_batch_approve


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
        text = str(request.data.get("month", ""))
        payroll_request(month=text, user=request.user)
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
