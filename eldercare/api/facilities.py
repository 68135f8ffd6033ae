"""/api/v1/eldercare/facilities/: community elderly-care facilities (+ …/coverage/: the three
functions by township on a day, as the coverage page shows them)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import TownshipField
from core.jurisdiction import JurisdictionMixin
from eldercare import selectors
from eldercare.models import CommunityFacility
from eldercare.services.facilities import facility_create, facility_update


class CommunityFacilitySerializer(serializers.ModelSerializer):
    township = TownshipField()

    class Meta:
        model = CommunityFacility
        fields = [
            "id", "name", "kind", "township", "address", "opened_on", "closed_on", "status", "full_time_care",
            "day_care", "home_visits", "note", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class CoverageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="乡镇（街道）代码")
    name = serializers.CharField()
    institutions = serializers.IntegerField(help_text="运营中的养老机构")
    facilities = serializers.IntegerField(help_text="运营中的社区养老服务设施")
    full_time_care = serializers.IntegerField(help_text="提供全托的机构（设施）数")
    day_care = serializers.IntegerField(help_text="提供日托的机构（设施）数")
    home_visits = serializers.IntegerField(help_text="提供上门服务的机构（设施）数")
    all_three = serializers.ListField(child=serializers.CharField(), help_text="具备全托、日托、上门服务的机构（设施）")
    covered = serializers.BooleanField(help_text="具备综合功能（规划指标4）")
    kinds = serializers.DictField(child=serializers.IntegerField(), help_text="运营中的社区设施数，按类型")


def _coverage_day(request) -> datetime.date:
    text = request.query_params.get("on")
    if not text:
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not datetime.date(1900, 1, 1) <= day <= datetime.date(2100, 12, 31):
        raise serializers.ValidationError({"on": [_("日期应为 YYYY-MM-DD，在 1900 至 2100 年之间。")]})
    return day


class CommunityFacilityViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Community elderly-care facilities (home-care stations, day-care centres, rural happiness homes,
    elder canteens, meal points, comprehensive centres) with the three service functions."""

    serializer_class = CommunityFacilitySerializer
    queryset = CommunityFacility.objects.select_related("township")
    filterset_fields = ["township", "kind", "status", "full_time_care", "day_care", "home_visits"]
    ordering_fields = ["id", "name", "opened_on"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = facility_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = facility_update(
            user=self.request.user, facility=serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="统计日期（默认今天）")],
        responses={200: CoverageSerializer(many=True)},
    )
    @action(detail=False, methods=["get"], serializer_class=CoverageSerializer, pagination_class=None,
            filterset_fields=[], filter_backends=[])  # fmt: skip
    def coverage(self, request):
        """By township (the caller's jurisdiction): operating institutions and community facilities on
        `on`, how many offer each of the three functions, and whether one offers all three."""
        day = _coverage_day(request)
        townships = selectors.township_choices(request.user).filter(in_plan=True)
        coverage = selectors.coverage_on(day, townships=townships)
        kinds = selectors.facility_kind_counts(user=request.user, day=day)
        rows = [{**row, "kinds": kinds.get(code, {})} for code, row in coverage.items()]
        return Response(CoverageSerializer(rows, many=True).data)
