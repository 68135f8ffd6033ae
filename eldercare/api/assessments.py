"""/api/v1/eldercare/assessments/: capability assessments (GB/T 42195-2022)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from core.api.serializers import RowsSerializer, day, moment, personal
from core.api.views import LogsFullIds
from core.jurisdiction import JurisdictionMixin
from core.models import Person
from eldercare.models import Assessment
from eldercare.services.assessments import assessment_record


class PersonInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """A person the caller may see: another township's answers exactly like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Person.objects.for_user(request.user if request else None)


def _part(help_text):
    return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)


class AssessmentRowsSerializer(RowsSerializer):
    """The assessments list's rows (AssessmentSerializer's fields; core.api.serializers.RowsSerializer).
    The name and ID number come last: an assessment has neither attribute, so DRF skips those fields
    and to_representation adds them at the end; the township is the person's, as the field's source."""

    def row_maker(self, pd):
        levels = {level: str(label) for level, label in Assessment.Level.choices}  # get_level_display

        def row(a):
            person, items = a.person, a.items
            return {
                "id": a.id, "person": a.person_id, "township": person.township_id, "assessed_on": day(a.assessed_on),
                "self_care": a.self_care, "basic_motion": a.basic_motion, "mental_state": a.mental_state,
                "perception_social": a.perception_social,
                "items": None if items is None else {str(k): None if v is None else int(v) for k, v in items.items()},
                "coma": a.coma, "dementia_or_mental_disorder": a.dementia_or_mental_disorder,
                "risk_events_30d": a.risk_events_30d, "total": a.total, "level": a.level,
                "level_display": levels[a.level], "assessor": a.assessor, "note": a.note,
                "created_at": moment(a.created_at), "updated_at": moment(a.updated_at),
                "name": pd.name(person.name), "id_number": pd.id_number(person.id_number),
            }  # fmt: skip

        return row


class AssessmentSerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField()
    name = serializers.CharField(read_only=True, help_text=_("姓名（按权限脱敏）"))
    id_number = serializers.CharField(read_only=True, help_text=_("身份证号（按权限脱敏）"))
    township = serializers.CharField(read_only=True, allow_null=True, source="person.township_id")
    self_care = _part(_("自理能力 0–32；填写 items 时可省略"))
    basic_motion = _part(_("基础运动能力 0–15"))
    mental_state = _part(_("精神状态 0–28"))
    perception_social = _part(_("感知觉与社会参与 0–15"))
    items = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text=_("26 个评估项目得分（可替代四个一级指标得分）")
    )
    level_display = serializers.CharField(read_only=True, source="get_level_display")

    class Meta:
        model = Assessment
        fields = [
            "id", "person", "name", "id_number", "township", "assessed_on", "self_care", "basic_motion",
            "mental_state", "perception_social", "items", "coma", "dementia_or_mental_disorder", "risk_events_30d",
            "total", "level", "level_display", "assessor", "note", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["total", "level", "created_at", "updated_at"]
        extra_kwargs = {
            "coma": {"required": False},
            "dementia_or_mental_disorder": {"required": False},
        }
        list_serializer_class = AssessmentRowsSerializer

    def get_validators(self):
        return []

    def get_fields(self):
        fields = super().get_fields()
        # Ranges are the service's (the 400 names the field and the range, as for every door).
        fields["risk_events_30d"] = serializers.IntegerField(required=False, help_text=_("近30天照护风险事件次数"))
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.person.name)
        data["id_number"] = pd.id_number(instance.person.id_number)
        return data


class AssessmentViewSet(LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Capability assessments of older people. POST the four part scores (or the 26 `items`) and the
    adjustments; the answer carries `total` and `level` (0–4) computed per GB/T 42195-2022."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.select_related("person")
    filterset_fields = {
        "person": ["exact"],
        "person__township": ["exact"],
        "level": ["exact"],
        "assessed_on": ["gte", "lte"],
    }
    ordering_fields = ["id", "assessed_on"]
    ordering = ["-id"]
    log_object_type = "person"  # every full view names the older people assessed

    def logged_ids(self, assessments) -> list:
        return sorted({a.person_id for a in assessments})

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = assessment_record(user=self.request.user, **data)
        self._log_full_ids([serializer.instance])
