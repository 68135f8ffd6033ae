"""/api/v1/eldercare/adaptations/ (+ …/{id}/step/, …/counts/): home adaptations (适老化改造)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import HasPermission
from core.api.serializers import personal
from core.jurisdiction import JurisdictionMixin
from core.personal import personal_data
from eldercare.api.assessments import PersonInJurisdictionField
from eldercare.models import Device, HomeAdaptation
from eldercare.services.adaptations import ACTIONS, adaptation_advance, adaptation_apply, adaptation_counts


class HomeAdaptationSerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField()
    name = serializers.CharField(read_only=True, help_text="姓名（按权限脱敏）")
    township = serializers.CharField(read_only=True, allow_null=True, source="person.township_id")
    devices = serializers.ListField(child=serializers.ChoiceField(choices=Device.choices), read_only=True)
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = HomeAdaptation
        fields = ["id", "person", "name", "township", "state", "applied_on", "surveyed_on", "survey_findings",
                  "works_done_on", "devices", "cost", "accepted_on", "refused_on", "refusal_reason", "note",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["state", "surveyed_on", "survey_findings", "works_done_on", "accepted_on", "refused_on",
                            "refusal_reason", "created_at", "updated_at"]  # fmt: skip

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["name"] = personal(self.context).name(instance.person.name)
        return data


class AdaptationStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    on = serializers.DateField()
    findings = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    cost = serializers.DecimalField(required=False, allow_null=True, max_digits=12, decimal_places=2)
    devices = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AdaptationCountSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="验收年度")
    households = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class HomeAdaptationViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Home adaptations: POST {"person", "applied_on"} applies (eligibility checked); `…/{id}/step/`
    {"action": "survey" | "complete_works" | "accept" | "refuse", "on", …} moves it on; `counts/`
    gives households adapted and cost per year of acceptance."""

    serializer_class = HomeAdaptationSerializer
    queryset = HomeAdaptation.objects.select_related("person")
    filterset_fields = {
        "person": ["exact"],
        "person__township": ["exact"],
        "state": ["exact"],
        "applied_on": ["gte", "lte"],
    }
    ordering_fields = ["id", "applied_on"]
    ordering = ["-applied_on", "-id"]
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action == "step":
            return [HasPermission.of("eldercare.change_homeadaptation")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = adaptation_apply(user=self.request.user, **serializer.validated_data)
        pd = personal_data(self.request.user)
        if pd.full_name:
            pd.log_view(request=self.request, object_type="person", object_ids=[serializer.instance.person_id],
                        detail=f"API {self.request.path}")  # fmt: skip

    @extend_schema(request=AdaptationStepSerializer, responses={200: HomeAdaptationSerializer})
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        body = AdaptationStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        adaptation = adaptation_advance(user=request.user, adaptation=self.get_object(), **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=adaptation.pk)).data)

    @extend_schema(responses={200: AdaptationCountSerializer(many=True)})
    @action(detail=False, methods=["get"], serializer_class=AdaptationCountSerializer, pagination_class=None,
            filterset_fields=[], filter_backends=[])  # fmt: skip
    def counts(self, request):
        return Response(AdaptationCountSerializer(adaptation_counts(self.get_queryset()), many=True).data)
