"""/api/v1/funeral/rectifications/: illegal tomb rectification cases (违建墓地整治)."""

from rest_framework import mixins, serializers, viewsets

from core.api.serializers import TownshipField, VillageField
from core.jurisdiction import JurisdictionMixin
from funeral.models import TombCase
from funeral.services.tombs import tomb_case_create, tomb_case_update


class TombCaseSerializer(serializers.ModelSerializer):
    township = TownshipField()
    village = VillageField(allow_null=True, required=False)

    class Meta:
        model = TombCase
        fields = ["id", "township", "village", "location", "kind", "found_on", "action", "action_note", "closed_on",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class TombCaseViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Illegal tomb rectification cases (违建墓地整治)."""

    serializer_class = TombCaseSerializer
    queryset = TombCase.objects.select_related("township", "village")
    filterset_fields = {"township": ["exact"], "kind": ["exact"], "found_on": ["gte", "lte"]}
    ordering_fields = ["id", "found_on"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        serializer.instance = tomb_case_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = tomb_case_update(
            user=self.request.user, case=serializer.instance, **serializer.validated_data
        )
