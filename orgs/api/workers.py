"""/api/v1/orgs/social-workers/ and stations/."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.serializers import PersonInJurisdictionField, TownshipField, personal
from core.api.views import LogsFullIds
from core.jurisdiction import JurisdictionMixin
from orgs.models import SocialWorker, SocialWorkStation
from orgs.services.workers import social_worker_create, social_worker_update, station_create, station_update


class SocialWorkerSerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField()
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("按查看人的权限脱敏"))
    id_number = serializers.CharField(source="person.id_number", read_only=True, allow_null=True)
    township = TownshipField()

    class Meta:
        model = SocialWorker
        fields = ["id", "person", "name", "id_number", "level", "certificate_no", "certified_year", "employer",
                  "township", "left_on", "updated_at"]  # fmt: skip
        read_only_fields = ["updated_at"]
        extra_kwargs = {"certificate_no": {"validators": []}}

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.person.name)
        data["id_number"] = pd.id_number(instance.person.id_number) or None
        return data


class SocialWorkerViewSet(
    LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Social work professionals on record; `?on=YYYY-MM-DD` is not a filter here (the page has it):
    `left_on` null means still on record."""

    serializer_class = SocialWorkerSerializer
    queryset = SocialWorker.objects.select_related("person", "township")
    filterset_fields = ["township", "level", "certified_year"]
    ordering_fields = ["id", "certified_year"]
    ordering = ["id"]
    log_object_type = "orgs.socialworker"

    def perform_create(self, serializer):
        serializer.instance = social_worker_create(user=self.request.user, **serializer.validated_data)
        self._log_full_ids([serializer.instance])

    def perform_update(self, serializer):
        serializer.instance = social_worker_update(
            user=self.request.user, worker=serializer.instance, **serializer.validated_data
        )
        self._log_full_ids([serializer.instance])


class SocialWorkStationSerializer(serializers.ModelSerializer):
    township = TownshipField()

    class Meta:
        model = SocialWorkStation
        fields = ["id", "township", "name", "status", "opened_on", "closed_on", "staff_count", "operator", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"name": {"validators": []}}

    def get_validators(self):
        return []


class SocialWorkStationViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Township social-work stations (乡镇（街道）社工站)."""

    serializer_class = SocialWorkStationSerializer
    queryset = SocialWorkStation.objects.select_related("township")
    filterset_fields = ["township", "status"]
    ordering_fields = ["id", "opened_on"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = station_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = station_update(
            user=self.request.user, station=serializer.instance, **serializer.validated_data
        )
