"""The plan's 13 indicators (Table 2): definitions, yearly values, manual values and the choice
between the computed and the manual value."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import HasPermission
from indicators.models import Indicator
from indicators.plan_data import YEARS
from indicators.selectors import indicator_values
from indicators.services.values import manual_value_enter, value_choose


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="name_zh")
    baseline_2020 = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "no", "name", "name_en", "unit", "attribute", "baseline_2020", "targets", "owner_app", "derivation",
            "derivation_en",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_baseline_2020(self, indicator) -> float | None:
        return None if indicator.baseline_2020 is None else float(indicator.baseline_2020)

    def get_targets(self, indicator) -> dict[str, float | None]:
        by_year = {str(t.year): t.value for t in indicator.targets.all()}
        return {y: None if by_year.get(y) is None else float(by_year[y]) for y in YEARS}


class IndicatorValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    source = serializers.CharField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    computed = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    computed_error = serializers.CharField()
    manual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    numerator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)
    denominator = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False)
    provenance = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)
    needs_reapproval = serializers.BooleanField(
        help_text="The year was approved, then a manual value or a choice changed its figures: not approved until "
        "approved again (approved_by and approved_at are then empty)."
    )
    draft = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)


class IndicatorDetailSerializer(IndicatorSerializer):
    """One indicator with its yearly values: what GET /indicators/{no}/ and the writes on it answer."""

    values = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "values"]

    @extend_schema_field(IndicatorValueSerializer(many=True))
    def get_values(self, indicator):
        return IndicatorValueSerializer(indicator_values(indicator), many=True).data


# The services check the year (2020–2025) before anything reaches the database, and answer 400
# naming the range.
class ManualValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    source = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=300)


class ValueChoiceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["computed", "manual"])
    reason = serializers.CharField(max_length=300)


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The plan's 13 indicators (Table 2) with their 2020 base and 2021–2025 targets; the detail
    adds the yearly values (actual, target, status, source, numerator, denominator, provenance)."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.prefetch_related("targets")
    filterset_fields = ["attribute", "owner_app"]
    pagination_class = None

    def get_permissions(self):
        if self.action == "manual_value":
            return [HasPermission.of("indicators.add_manualvalue")()]
        if self.action == "choose":
            return [HasPermission.of("indicators.add_valuechoice")()]
        return super().get_permissions()

    @extend_schema(responses=IndicatorDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._detail()

    def _detail(self):
        return Response(IndicatorDetailSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(request=ManualValueSerializer, responses=IndicatorDetailSerializer)
    @action(detail=True, methods=["post"], url_path="manual-values", serializer_class=ManualValueSerializer)
    def manual_value(self, request, pk=None):
        """Enter a manual value for a year (it never silently overrides a computed one); answers
        the indicator with its yearly values."""
        payload = ManualValueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        manual_value_enter(user=request.user, indicator=self.get_object(), **payload.validated_data)
        return self._detail()

    @extend_schema(request=ValueChoiceSerializer, responses=IndicatorDetailSerializer)
    @action(detail=True, methods=["post"], url_path="choice", serializer_class=ValueChoiceSerializer)
    def choose(self, request, pk=None):
        """Record which value counts for a year (computed or manual) and why; answers the
        indicator with its yearly values."""
        payload = ValueChoiceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        value_choose(user=request.user, indicator=self.get_object(), **payload.validated_data)
        return self._detail()
