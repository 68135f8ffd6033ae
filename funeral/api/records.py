"""/api/v1/funeral/records/: death and cremation records, with the placement and the waiver."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.serializers import RowsSerializer, TownshipField, day, moment, money, personal
from core.api.views import LogsFullIds
from core.jurisdiction import JurisdictionMixin
from funeral.api.placements import PlacementNestedSerializer
from funeral.api.waivers import WaiverGrantSerializer, WaiverNestedSerializer
from funeral.models import DeathRecord, Facility
from funeral.services.placements import PlacementInput
from funeral.services.records import death_record_register, death_record_update
from funeral.services.waivers import WaiverInput


class DeathRecordRowsSerializer(RowsSerializer):
    """The records list as DeathRecordSerializer's fields give them, its placement and waiver with
    them (core.api.serializers.RowsSerializer)."""

    def row_maker(self, pd):
        def placement(p):
            return {"form": p.form, "is_eco": p.is_eco, "facility": p.facility_id, "place": p.place,
                    "placed_on": day(p.placed_on)}  # fmt: skip

        def waiver(w):
            return {
                "granted_on": day(w.granted_on), "categories": w.categories, "total": money(w.total),
                "lines": [{"item": line.item, "charged": money(line.charged), "amount": money(line.amount)}
                          for line in w.lines.all()],
            }  # fmt: skip

        def row(r):
            person, shown_placement, shown_waiver = r.person, getattr(r, "placement", None), getattr(r, "waiver", None)
            return {
                "id": r.id, "person": r.person_id, "identity_unknown": r.identity_unknown, "unknown_description": r.unknown_description,
                "township": r.township_id, "date_of_death": day(r.date_of_death),
                "cremation_date": day(r.cremation_date), "funeral_home": r.funeral_home_id,
                "certificate_no": r.certificate_no, "contact_name": pd.name(r.contact_name),
                "contact_phone": pd.phone(r.contact_phone),
                "placement": placement(shown_placement) if shown_placement else None,
                "waiver": waiver(shown_waiver) if shown_waiver else None,
                "created_at": moment(r.created_at), "updated_at": moment(r.updated_at),
                # last, where DeathRecordSerializer.to_representation has always added them
                "name": r.deceased_name if r.identity_unknown else pd.name(r.deceased_name),
                "id_number": pd.id_number(person.id_number if person else ""),
            }  # fmt: skip

        return row


class DeathRecordSerializer(serializers.ModelSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=50, help_text=_("逝者姓名"))
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text=_("身份不明时留空"))
    township = TownshipField(required=False, allow_null=True)
    funeral_home = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.filter(kind=Facility.Kind.FUNERAL_HOME), required=False, allow_null=True
    )
    placement = PlacementNestedSerializer(required=False, allow_null=True)
    waiver = WaiverNestedSerializer(read_only=True, allow_null=True, help_text=_("未办理减免时为 null"))
    waiver_request = WaiverGrantSerializer(
        required=False, allow_null=True, write_only=True, help_text=_("同时办理减免")
    )

    class Meta:
        model = DeathRecord
        fields = [
            "id", "person", "name", "id_number", "identity_unknown", "unknown_description", "township",
            "date_of_death", "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone",
            "placement", "waiver", "waiver_request", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["person", "created_at", "updated_at"]
        list_serializer_class = DeathRecordRowsSerializer

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        person = instance.person
        data["name"] = instance.deceased_name if instance.identity_unknown else pd.name(instance.deceased_name)
        data["id_number"] = pd.id_number(person.id_number if person else "")
        data["contact_name"] = pd.name(instance.contact_name)
        data["contact_phone"] = pd.phone(instance.contact_phone)
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
