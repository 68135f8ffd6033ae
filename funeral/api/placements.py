"""/api/v1/funeral/placements/: where the remains went (and the shape nested in a record)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.serializers import RowsSerializer, day, moment
from core.jurisdiction import JurisdictionMixin
from funeral.api.fields import RecordInJurisdictionField
from funeral.models import Facility, Placement
from funeral.services.placements import placement_save


class PlacementRowsSerializer(RowsSerializer):
    """The placements list's rows (PlacementSerializer's fields; core.api.serializers.RowsSerializer):
    the record and facility by their keys, the form by its code; nothing personal is shown."""

    def row_maker(self, pd):
        def row(p):
            return {"id": p.id, "record": p.record_id, "form": p.form, "is_eco": p.is_eco, "facility": p.facility_id,
                    "place": p.place, "placed_on": day(p.placed_on), "updated_at": moment(p.updated_at)}  # fmt: skip

        return row


class PlacementSerializer(serializers.ModelSerializer):
    record = RecordInJurisdictionField()
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True, required=False)
    is_eco = serializers.BooleanField(read_only=True, help_text=_("节地生态安葬"))

    class Meta:
        model = Placement
        fields = ["id", "record", "form", "is_eco", "facility", "place", "placed_on", "updated_at"]
        read_only_fields = ["updated_at"]
        list_serializer_class = PlacementRowsSerializer

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
    queryset = Placement.objects.all()
    filterset_fields = {"form": ["exact"], "placed_on": ["gte", "lte"], "facility": ["exact"]}
    ordering_fields = ["id", "placed_on"]
    ordering = ["-id"]

    def get_queryset(self):
        # The list's rows show the record by its key (PlacementRowsSerializer): the record is joined
        # only for one placement, whose correction reads it (perform_update).
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.select_related("record")

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
