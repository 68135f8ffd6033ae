from django.urls import reverse
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import HasPermission
from core.models import Division
from indicators.models import BaseStatistic, Indicator, KeyProject, RecomputeRun, YearApproval
from indicators.plan_data import YEARS
from indicators.selectors import indicator_values
from indicators.services import (
    base_statistic_save,
    key_project_update,
    manual_value_enter,
    recompute_request,
    value_choose,
    year_approve,
)


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
    draft = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)


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

    def retrieve(self, request, *args, **kwargs):
        indicator = self.get_object()
        data = IndicatorSerializer(indicator, context=self.get_serializer_context()).data
        data["values"] = IndicatorValueSerializer(indicator_values(indicator), many=True).data
        return Response(data)

    @action(detail=True, methods=["post"], url_path="manual-values", serializer_class=ManualValueSerializer)
    def manual_value(self, request, pk=None):
        payload = ManualValueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        manual_value_enter(user=request.user, indicator=self.get_object(), **payload.validated_data)
        return self.retrieve(request, pk=pk)

    @action(detail=True, methods=["post"], url_path="choice", serializer_class=ValueChoiceSerializer)
    def choose(self, request, pk=None):
        payload = ValueChoiceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        value_choose(user=request.user, indicator=self.get_object(), **payload.validated_data)
        return self.retrieve(request, pk=pk)


class KeyProjectSerializer(serializers.ModelSerializer):
    updated_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = KeyProject
        fields = [
            "no", "category", "name", "content", "measurable_target", "status", "progress", "milestones", "notes",
            "updated_by", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["no", "category", "name", "content", "measurable_target", "updated_at"]
        extra_kwargs = {"progress": {"validators": []}}


class KeyProjectViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Table 3's key projects; staff PATCH status, progress, milestones and notes."""

    serializer_class = KeyProjectSerializer
    queryset = KeyProject.objects.select_related("updated_by")
    pagination_class = None

    def perform_update(self, serializer):
        serializer.instance = key_project_update(
            user=self.request.user, project=serializer.instance, **serializer.validated_data
        )


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


class RecomputeRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField()


class RecomputeRunSerializer(serializers.ModelSerializer):
    job = serializers.CharField(source="pk", read_only=True)
    status = serializers.CharField(source="state", read_only=True)

    class Meta:
        model = RecomputeRun
        fields = ["job", "year", "as_of", "status", "requested_at", "started_at", "finished_at", "error"]


class RecomputeViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """POST {"year": 2025} queues a recompute of all 13 indicators (202 with the job and its status
    URL); the same request while one runs returns that run. GET .../{job}/ answers its status."""

    queryset = RecomputeRun.objects.all()
    serializer_class = RecomputeRunSerializer

    def get_serializer_class(self):
        return RecomputeRequestSerializer if self.action == "create" else RecomputeRunSerializer

    def create(self, request, *args, **kwargs):
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run, _created = recompute_request(user=request.user, year=payload.validated_data["year"])
        url = request.build_absolute_uri(reverse("recompute-detail", args=[run.pk]))
        return Response({"job": str(run.pk), "status_url": url, "status": run.state}, status=status.HTTP_202_ACCEPTED)


class YearApprovalSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(read_only=True)

    class Meta:
        model = YearApproval
        fields = ["id", "year", "run", "approved_by", "approved_at"]
        read_only_fields = ["run", "approved_at"]


class YearApprovalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """POST {"year"} approves the year's latest complete run (who and when are recorded)."""

    serializer_class = YearApprovalSerializer
    queryset = YearApproval.objects.select_related("approved_by")
    filterset_fields = ["year"]

    def create(self, request, *args, **kwargs):
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        approval = year_approve(user=request.user, year=payload.validated_data["year"])
        return Response(self.get_serializer(approval).data, status=status.HTTP_201_CREATED)
