"""/api/v1/eldercare/training-sessions/ (+ …/progress/): care-worker training records and the
progress against the plan's aims (3,000 person-times of care workers, 20 of institution heads)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import TownshipField
from core.jurisdiction import JurisdictionMixin
from eldercare import selectors
from eldercare.models import TrainingSession
from eldercare.services.training import training_record


class TrainingSessionSerializer(serializers.ModelSerializer):
    township = TownshipField(required=False, allow_null=True, help_text="乡镇（街道）代码；全市组织的为 null")
    title = serializers.CharField(max_length=200)
    trainees = serializers.IntegerField(help_text="培训人次 1–2000")

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "audience", "held_on", "trainees", "organiser", "township", "note", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_validators(self):
        return []


class TrainingProgressSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(choices=TrainingSession.Audience.choices)
    aim = serializers.IntegerField(help_text="规划目标人次（2021–2025）")
    done = serializers.IntegerField(help_text="已完成人次")
    share = serializers.FloatField(help_text="完成比例 %")
    by_year = serializers.DictField(child=serializers.IntegerField())


class TrainingSessionViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Training sessions (course, date, person-times). `progress/` sums 2021–2025 against the aims."""

    serializer_class = TrainingSessionSerializer
    queryset = TrainingSession.objects.select_related("township")
    filterset_fields = {"audience": ["exact"], "township": ["exact"], "held_on": ["gte", "lte"]}
    ordering_fields = ["id", "held_on"]
    ordering = ["-held_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = training_record(user=self.request.user, **serializer.validated_data)

    @extend_schema(responses={200: TrainingProgressSerializer(many=True)})
    @action(detail=False, methods=["get"], serializer_class=TrainingProgressSerializer, pagination_class=None,
            filterset_fields=[], filter_backends=[])  # fmt: skip
    def progress(self, request):
        rows = [
            {"audience": key, "aim": p["aim"], "done": p["done"], "share": p["share"],
             "by_year": {str(y): n for y, n in p["years"]}}
            for key, p in selectors.training_progress(user=request.user).items()
        ]  # fmt: skip
        return Response(TrainingProgressSerializer(rows, many=True).data)
