"""/api/v1/funeral/waivers/: basic funeral fee waivers (and the shapes nested in a record)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.jurisdiction import JurisdictionMixin
from funeral.api.fields import RecordInJurisdictionField
from funeral.models import Waiver, WaiverLine
from funeral.services.waivers import waiver_grant


class WaiverLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = WaiverLine
        fields = ["item", "charged", "amount"]


class WaiverSerializer(serializers.ModelSerializer):
    record = RecordInJurisdictionField()
    # Item codes (transport, cold_storage, body_bag, cremation, urn): the service checks them.
    items = serializers.ListField(child=serializers.CharField(max_length=20), write_only=True, help_text=_("减免项目"))
    urn_price = serializers.DecimalField(
        max_digits=8, decimal_places=2, required=False, allow_null=True, write_only=True,
        help_text=_("所购骨灰盒价格；超出限额的部分不减免"),
    )  # fmt: skip
    lines = WaiverLineSerializer(many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = ["id", "record", "granted_on", "categories", "total", "lines", "items", "urn_price", "updated_at"]
        read_only_fields = ["granted_on", "categories", "total", "updated_at"]


class WaiverNestedSerializer(serializers.ModelSerializer):
    lines = WaiverLineSerializer(many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = ["granted_on", "categories", "total", "lines"]


class WaiverGrantSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=20), help_text=_("减免项目"))
    urn_price = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)


class WaiverViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Basic funeral fee waivers; POST grants one (eligibility is checked on the date of death)."""

    serializer_class = WaiverSerializer
    queryset = Waiver.objects.select_related("record").prefetch_related("lines")
    filterset_fields = {"granted_on": ["gte", "lte"]}
    ordering_fields = ["id", "granted_on"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = waiver_grant(
            user=self.request.user, record=data["record"], items=data["items"], urn_price=data.get("urn_price")
        )
