"""/api/v1/childwelfare/workers/: child directors (one per village) and supervisors (one per township)."""

from rest_framework import mixins, serializers, viewsets

from childwelfare.models import ChildWorker
from childwelfare.services.workers import worker_save
from core.api.serializers import TownshipField, personal
from core.jurisdiction import JurisdictionMixin
from core.models import Division


class WorkerSerializer(serializers.ModelSerializer):
    township = TownshipField()
    village = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.filter(level=Division.Level.VILLAGE), required=False,
        allow_null=True,
    )  # fmt: skip
    until = serializers.DateField(required=False, allow_null=True)
    last_trained_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ChildWorker
        fields = ["id", "kind", "name", "phone", "township", "village", "since", "until", "last_trained_on",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A director's number is their own mobile: masked as the viewer's role requires (as stations').
        data["phone"] = personal(self.context).phone(instance.phone)
        return data


class WorkerViewSet(JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """儿童主任 (kind `director`, with the village) and 儿童督导员 (kind `supervisor`)."""

    serializer_class = WorkerSerializer
    queryset = ChildWorker.objects.select_related("township", "village")
    filterset_fields = {"township": ["exact"], "kind": ["exact"], "village": ["exact"]}
    ordering_fields = ["id", "since"]
    ordering = ["township", "kind", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = worker_save(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = worker_save(
            user=self.request.user, worker=serializer.instance, **serializer.validated_data
        )
