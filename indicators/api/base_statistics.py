"""Base statistics (population, 60+, households) per year, city-wide or per township."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api.serializers import TownshipField
from indicators.models import BaseStatistic
from indicators.services.base_statistics import base_statistic_save


class BaseStatisticSerializer(serializers.ModelSerializer):
    township = TownshipField(allow_null=True, required=False)

    class Meta:
        model = BaseStatistic
        fields = [
            "id",
            "year",
            "township",
            "resident_population",
            "population_60_plus",
            "households",
            "source",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []  # the service decides (and upserts one row per year and township)


class BaseStatisticViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST creates or updates the figures of one year (city-wide when township is null)."""

    serializer_class = BaseStatisticSerializer
    queryset = BaseStatistic.objects.select_related("township")
    filterset_fields = ["year", "township"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stat = base_statistic_save(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(stat).data, status=status.HTTP_201_CREATED)
