from rest_framework import serializers, viewsets

from indicators.models import Indicator, KeyProject
from indicators.plan_data import YEARS


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
