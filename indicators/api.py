from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.models import Division
from indicators.models import BaseStatistic, Indicator, KeyProject
from indicators.plan_data import YEARS
from indicators.services import base_statistic_save


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_zh")
    baseline_2020 = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["no", "name", "name_en", "unit", "attribute", "baseline_2020", "targets", "owner_app", "derivation"]

    def get_baseline_2020(self, indicator) -> float | None:
        return None if indicator.baseline_2020 is None else float(indicator.baseline_2020)

    def get_targets(self, indicator) -> dict[str, float | None]:
        by_year = {str(t.year): t.value for t in indicator.targets.all()}
        return {y: None if by_year.get(y) is None else float(by_year[y]) for y in YEARS}


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The plan's 13 indicators (Table 2) with their 2020 base and 2021–2025 targets."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.prefetch_related("targets")
    filterset_fields = ["attribute", "owner_app"]
    pagination_class = None


class KeyProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyProject
        fields = ["no", "category", "name", "content", "measurable_target"]


class KeyProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KeyProjectSerializer
    queryset = KeyProject.objects.all()
    pagination_class = None


class BaseStatisticSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.filter(level=Division.Level.TOWNSHIP),
        allow_null=True,
        required=False,
    )

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
