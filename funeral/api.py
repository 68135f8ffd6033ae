"""REST API under /api/v1/funeral/. Serializers check types and shapes only; every rule lives in
funeral.services (the same as the pages and the ledger import)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.views import LogsFullIds
from core.identifiers import mask_id_number, mask_name, mask_phone
from core.jurisdiction import JurisdictionMixin
from core.models import Division
from core.roles import VIEW_FULL_ID
from funeral.models import DeathRecord, Facility, Placement, TombCase, Waiver, WaiverLine
from funeral.services import (
    PlacementInput,
    WaiverInput,
    death_record_register,
    death_record_update,
    facility_create,
    facility_update,
    placement_save,
    tomb_case_create,
    tomb_case_update,
    waiver_grant,
)


def _full(context) -> bool:
    request = context.get("request")
    return bool(request and request.user.has_perm(VIEW_FULL_ID))


class TownshipField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Division.objects.filter(level=Division.Level.TOWNSHIP))
        super().__init__(**kwargs)


class RecordInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """A record the caller may see: another township's answers exactly like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", DeathRecord.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return DeathRecord.objects.for_user(request.user if request else None)


# Facilities ---------------------------------------------------------------------------------


class FacilitySerializer(serializers.ModelSerializer):
    township = TownshipField()

    class Meta:
        model = Facility
        fields = [
            "id", "name", "kind", "level", "township", "address", "grave_capacity", "graves_used", "niche_capacity",
            "niches_used", "opened_on", "closed_on", "status", "note",
        ]  # fmt: skip
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


# Placements and waivers (read shapes, nested in a record too) ------------------------------


class PlacementSerializer(serializers.ModelSerializer):
    record = RecordInJurisdictionField()
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True, required=False)
    is_eco = serializers.BooleanField(read_only=True, help_text=_("节地生态安葬"))

    class Meta:
        model = Placement
        fields = ["id", "record", "form", "is_eco", "facility", "place", "placed_on"]

    def get_validators(self):
        return []


class PlacementNestedSerializer(serializers.ModelSerializer):
    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all(), allow_null=True, required=False)
    is_eco = serializers.BooleanField(read_only=True)

    class Meta:
        model = Placement
        fields = ["form", "is_eco", "facility", "place", "placed_on"]


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
        fields = ["id", "record", "granted_on", "categories", "total", "lines", "items", "urn_price"]
        read_only_fields = ["granted_on", "categories", "total"]


class WaiverNestedSerializer(serializers.ModelSerializer):
    lines = WaiverLineSerializer(many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = ["granted_on", "categories", "total", "lines"]


class WaiverGrantSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=20), help_text=_("减免项目"))
    urn_price = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)


# Records ------------------------------------------------------------------------------------


class DeathRecordSerializer(serializers.ModelSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text=_("逝者姓名"))
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text=_("身份不明时留空"))
    township = TownshipField(required=False, allow_null=True)
    funeral_home = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.filter(kind=Facility.Kind.FUNERAL_HOME), required=False, allow_null=True
    )
    placement = PlacementNestedSerializer(required=False, allow_null=True)
    waiver = WaiverNestedSerializer(read_only=True)
    waiver_request = WaiverGrantSerializer(
        required=False, allow_null=True, write_only=True, help_text=_("同时办理减免")
    )

    class Meta:
        model = DeathRecord
        fields = [
            "id", "person", "name", "id_number", "identity_unknown", "unknown_description", "township",
            "date_of_death", "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone",
            "placement", "waiver", "waiver_request", "created_at",
        ]  # fmt: skip
        read_only_fields = ["person", "created_at"]

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        full = _full(self.context)
        person = instance.person
        data["name"] = (
            instance.deceased_name if full or instance.identity_unknown else mask_name(instance.deceased_name)
        )
        number = person.id_number if person else ""
        data["id_number"] = number if full else mask_id_number(number)
        if not full:
            data["contact_name"] = mask_name(instance.contact_name)
            data["contact_phone"] = mask_phone(instance.contact_phone)
        return data


class DeathRecordViewSet(
    LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Death and cremation records. Creating one for a known person records the death in core
    (assistance stops the person's payments and re-checks the household)."""

    serializer_class = DeathRecordSerializer
    queryset = DeathRecord.objects.select_related("person", "township", "placement", "waiver").prefetch_related(
        "waiver__lines"
    )
    filterset_fields = {
        "township": ["exact"],
        "identity_unknown": ["exact"],
        "date_of_death": ["exact", "gte", "lte"],
        "placement__form": ["exact"],
    }
    ordering_fields = ["id", "date_of_death"]
    ordering = ["-id"]
    log_object_type = "funeral_record"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        placement = data.pop("placement", None)
        waiver = data.pop("waiver_request", None)
        serializer.instance = death_record_register(
            user=self.request.user,
            placement=PlacementInput(**placement) if placement else None,
            waiver=WaiverInput(**waiver) if waiver else None,
            **data,
        )
        self._log_full_ids([serializer.instance])  # the response carries the full ID number

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for key in ("name", "id_number", "identity_unknown", "placement", "waiver_request"):
            data.pop(key, None)
        serializer.instance = death_record_update(user=self.request.user, record=serializer.instance, **data)
        self._log_full_ids([serializer.instance])


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


class TombCaseSerializer(serializers.ModelSerializer):
    township = TownshipField()
    village = serializers.SlugRelatedField(
        slug_field="code", queryset=Division.objects.filter(level=Division.Level.VILLAGE), allow_null=True,
        required=False,
    )  # fmt: skip

    class Meta:
        model = TombCase
        fields = ["id", "township", "village", "location", "kind", "found_on", "action", "action_note", "closed_on"]

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
