"""/api/v1/funeral/placements/: where the remains went (and the shape nested in a record)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.jurisdiction import JurisdictionMixin
from funeral.api.fields import RecordInJurisdictionField
from funeral.models import Facility, Placement
from funeral.services.placements import placement_save


class PlacementSerializer(serializers.ModelSerializer):
    record = RecordInJurisdictionField()
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True, required=False)
    is_eco = serializers.BooleanField(read_only=True, help_text=_("节地生态安葬"))

    class Meta:
        model = Placement
        fields = ["id", "record", "form", "is_eco", "facility", "place", "placed_on", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class PlacementNestedSerializer(serializers.ModelSerializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True, required=False)
    is_eco = serializers.BooleanField(read_only=True)

    class Meta:
        model = Placement
        fields = ["form", "is_eco", "facility", "place", "placed_on"]


class PlacementViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Placements of remains (安葬/安放); POST records one for a record, PUT/PATCH corrects it."""

    serializer_class = PlacementSerializer
    queryset = Placement.objects.select_related("record")
    filterset_fields = {"form": ["exact"], "placed_on": ["gte", "lte"], "facility": ["exact"]}
    ordering_fields = ["id", "placed_on"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        record = data.pop("record")
        serializer.instance = placement_save(user=self.request.user, record=record, **data)

    def perform_update(self, serializer):
        data = {
            "form": serializer.instance.form,
            "placed_on": serializer.instance.placed_on,
            "facility": serializer.instance.facility,
            "place": serializer.instance.place,
            **serializer.validated_data,
        }
        data.pop("record", None)
        serializer.instance = placement_save(user=self.request.user, record=serializer.instance.record, **data)
