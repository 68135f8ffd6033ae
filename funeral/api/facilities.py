"""/api/v1/funeral/facilities/: funeral homes, cemeteries and ash halls."""

from rest_framework import mixins, serializers, viewsets

from core.api.serializers import TownshipField
from core.jurisdiction import JurisdictionMixin
from funeral.models import Facility
from funeral.services.facilities import facility_create, facility_update


class FacilitySerializer(serializers.ModelSerializer):
    township = TownshipField()

    class Meta:
        model = Facility
        fields = [
            "id", "name", "kind", "level", "township", "address", "grave_capacity", "graves_used", "niche_capacity",
            "niches_used", "opened_on", "closed_on", "status", "note",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]
        validators = []  # the service validates

    def get_validators(self):
        return []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # Maintained by placements (F() updates): settable at creation only.
            for name in ("graves_used", "niches_used"):
                fields[name].read_only = True
        return fields


class FacilityViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Funeral homes, public-welfare cemeteries, ash halls and commercial cemeteries with their
    capacities. Township users see their own township's and the county-level ones."""

    serializer_class = FacilitySerializer
    queryset = Facility.objects.select_related("township")
    filterset_fields = ["kind", "level", "township", "status"]
    ordering_fields = ["id", "name"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = facility_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = facility_update(
            user=self.request.user, facility=serializer.instance, **serializer.validated_data
        )
