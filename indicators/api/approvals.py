"""Year approvals: approve a year's latest complete run."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from indicators.api.recompute import RecomputeRequestSerializer
from indicators.models import YearApproval
from indicators.services.approvals import year_approve


class YearApprovalSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(read_only=True)
    voided_by = serializers.CharField(read_only=True, allow_null=True)
    in_force = serializers.BooleanField(read_only=True)

    class Meta:
        model = YearApproval
        fields = [
            "id", "year", "run", "approved_by", "approved_at", "in_force", "voided_at", "voided_by", "void_reason",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["run", "approved_at", "voided_at", "void_reason", "updated_at"]


class YearApprovalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST {"year"} approves the year's latest complete run (who and when are recorded). The latest
    approval of a year is in force until a manual value or a choice for that year voids it (who,
    when and what changed are recorded on it: `in_force` false)."""

    serializer_class = YearApprovalSerializer
    queryset = YearApproval.objects.select_related("approved_by", "voided_by")
    filterset_fields = ["year"]

    def create(self, request, *args, **kwargs):
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        approval = year_approve(user=request.user, year=payload.validated_data["year"])
        return Response(self.get_serializer(approval).data, status=status.HTTP_201_CREATED)
