"""/api/v1/childwelfare/stations/: minor-protection stations and designated officers (indicator 6's register)."""

from rest_framework import mixins, serializers, viewsets

from childwelfare.models import Station
from childwelfare.services.stations import station_save
from core.api.serializers import TownshipField, personal
from core.jurisdiction import JurisdictionMixin


class StationSerializer(serializers.ModelSerializer):
    township = TownshipField()
    closed_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Station
        fields = ["id", "township", "kind", "name", "opened_on", "closed_on", "status", "phone", "note", "updated_at"]
        read_only_fields = ["status", "updated_at"]

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A designated officer's number is often their own mobile: masked as the viewer's role requires.
        data["phone"] = personal(self.context).phone(instance.phone)
        return data


class StationViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Stations (kind `station`) and designated officers (kind `designated_officer`) per township;
    the status follows the closing date."""

    serializer_class = StationSerializer
    queryset = Station.objects.select_related("township")
    filterset_fields = {"township": ["exact"], "kind": ["exact"], "status": ["exact"], "opened_on": ["gte", "lte"]}
    ordering_fields = ["id", "opened_on", "township"]
    ordering = ["township", "opened_on", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = station_save(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = station_save(
            user=self.request.user, station=serializer.instance, **serializer.validated_data
        )
