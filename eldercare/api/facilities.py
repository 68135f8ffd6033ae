"""/api/v1/eldercare/facilities/: community elderly-care facilities."""

from rest_framework import mixins, serializers, viewsets

from core.api.serializers import TownshipField
from core.jurisdiction import JurisdictionMixin
from eldercare.models import CommunityFacility
from eldercare.services.facilities import facility_create, facility_update


class CommunityFacilitySerializer(serializers.ModelSerializer):
    township = TownshipField()

    class Meta:
        model = CommunityFacility
        fields = [
            "id", "name", "kind", "township", "address", "opened_on", "closed_on", "status", "full_time_care",
            "day_care", "home_visits", "note",
        ]  # fmt: skip

    def get_validators(self):
        return []


class CommunityFacilityViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Community elderly-care facilities (home-care stations, day-care centres, rural happiness homes,
    elder canteens, meal points, comprehensive centres) with the three service functions."""

    serializer_class = CommunityFacilitySerializer
    queryset = CommunityFacility.objects.select_related("township")
    filterset_fields = ["township", "kind", "status", "full_time_care", "day_care", "home_visits"]
    ordering_fields = ["id", "name", "opened_on"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = facility_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = facility_update(
            user=self.request.user, facility=serializer.instance, **serializer.validated_data
        )
