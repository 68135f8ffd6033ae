"""/api/v1/orgs/facilities/ and volunteer-records/."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.serializers import PersonInJurisdictionField, TownshipField, VillageField, personal
from core.jurisdiction import JurisdictionMixin
from orgs.models import CommunityFacility, VolunteerRecord
from orgs.services.facilities import facility_create, facility_update, volunteer_record_create


class ComprehensiveFacilitySerializer(serializers.ModelSerializer):
    village = VillageField(help_text=_("12位村（社区）代码"))
    township = serializers.CharField(source="township_id", read_only=True)

    class Meta:
        model = CommunityFacility
        fields = ["id", "village", "township", "name", "floor_area_m2", "in_use_from", "in_use_to",
                  "volunteer_station_since", "updated_at"]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []


class ComprehensiveFacilityViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Community comprehensive service facilities and the volunteer service stations they host."""

    serializer_class = ComprehensiveFacilitySerializer
    queryset = CommunityFacility.objects.select_related("village")
    filterset_fields = ["township", "village"]
    ordering_fields = ["id", "in_use_from"]
    ordering = ["id"]

    def perform_create(self, serializer):
        serializer.instance = facility_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = facility_update(
            user=self.request.user, facility=serializer.instance, **serializer.validated_data
        )


class VolunteerRecordSerializer(serializers.ModelSerializer):
    volunteer = PersonInJurisdictionField()
    name = serializers.CharField(source="volunteer.name", read_only=True, help_text=_("按查看人的权限脱敏"))
    township = TownshipField()
    facility = serializers.PrimaryKeyRelatedField(
        queryset=CommunityFacility.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = VolunteerRecord
        fields = ["id", "volunteer", "name", "township", "activity", "served_on", "hours", "organiser", "facility",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        fields["facility"].queryset = CommunityFacility.objects.for_user(request.user if request else None)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["name"] = personal(self.context).name(instance.volunteer.name)
        return data


class VolunteerRecordViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Volunteer service records (志愿服务记录): volunteer, activity, day, hours, organiser."""

    serializer_class = VolunteerRecordSerializer
    queryset = VolunteerRecord.objects.select_related("volunteer")
    filterset_fields = {"township": ["exact"], "volunteer": ["exact"], "served_on": ["gte", "lte"]}
    ordering_fields = ["id", "served_on"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        serializer.instance = volunteer_record_create(user=self.request.user, **serializer.validated_data)
