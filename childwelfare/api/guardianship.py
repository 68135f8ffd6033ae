"""/api/v1/childwelfare/carers/ and /assessments/: a child's guardians and entrusted carers (with
the written care agreement's dates and reference number; the scanned document is uploaded on the
page), and guardianship assessments. Carers' names, phones and ID numbers are personal data:
masked per the caller's role by core.personal, every response with full ID numbers logged."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from childwelfare.api.fields import ChildInJurisdictionField
from childwelfare.models import Carer, GuardianshipAssessment
from childwelfare.models.guardianship import RiskLevel
from childwelfare.services.guardianship import assessment_record, carer_add, carer_end
from core.api.permissions import HasPermission
from core.api.serializers import personal
from core.api.views import LogsFullIds
from core.jurisdiction import JurisdictionMixin


class CarerSerializer(serializers.ModelSerializer):
    child = ChildInJurisdictionField(help_text=_("儿童档案编号"))
    township = serializers.CharField(source="child.township_id", read_only=True)
    role = serializers.ChoiceField(choices=Carer.Role.choices)
    id_number = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("身份证号（选填；按角色脱敏）")
    )
    end = serializers.DateField(read_only=True, allow_null=True, help_text=_("未终止为 null"))
    agreement_signed_on = serializers.DateField(required=False, allow_null=True)
    agreement_term_end = serializers.DateField(required=False, allow_null=True)
    has_agreement_file = serializers.SerializerMethodField(help_text=_("已上传协议扫描件"))
    current = serializers.SerializerMethodField(help_text=_("今日在岗"))

    class Meta:
        model = Carer
        fields = [
            "id", "child", "township", "role", "name", "relation", "phone", "id_number", "start", "end", "end_reason",
            "agreement_signed_on", "agreement_term_end", "agreement_number", "has_agreement_file", "current",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["end_reason", "updated_at"]
        extra_kwargs = {"name": {"allow_blank": True}, "relation": {"allow_blank": True}}

    def get_validators(self):
        return []

    def get_has_agreement_file(self, carer) -> bool:
        return bool(carer.agreement_file)

    def get_current(self, carer) -> bool:
        return carer.active_on(timezone.localdate())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.name)
        data["phone"] = pd.phone(instance.phone)
        data["id_number"] = pd.id_number(instance.id_number)
        data["end_reason"] = pd.text(instance.end_reason, names=instance.child.names_in_records())
        return data


class CarerEndSerializer(serializers.Serializer):
    end = serializers.DateField()
    end_reason = serializers.CharField(max_length=100, allow_blank=True)


class CarerViewSet(LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Guardians and entrusted carers. POST records one (an entrusted carer needs the care agreement:
    `agreement_signed_on`, `agreement_term_end`, `agreement_number`); `POST …/{id}/end/` ends one."""

    serializer_class = CarerSerializer
    queryset = Carer.objects.select_related("child__person").prefetch_related("child__carers")
    filterset_fields = {"child": ["exact"], "child__township": ["exact"], "role": ["exact"]}
    ordering_fields = ["id", "start"]
    ordering = ["-start", "-id"]
    log_object_type = "childwelfare_carer"

    def perform_create(self, serializer):
        serializer.instance = carer_add(user=self.request.user, **serializer.validated_data)
        self._log_full_ids([serializer.instance])

    @extend_schema(request=CarerEndSerializer, responses=CarerSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, HasPermission.of("childwelfare.change_carer")],
    )  # ending a carer changes the record, as on the page
    def end(self, request, pk=None):
        carer = self.get_object()
        serializer = CarerEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        carer = carer_end(user=request.user, carer=carer, end=d["end"], reason=d["end_reason"])
        self._log_full_ids([carer])
        return Response(CarerSerializer(carer, context=self.get_serializer_context()).data)


class GuardianshipAssessmentSerializer(serializers.ModelSerializer):
    child = ChildInJurisdictionField(help_text=_("儿童档案编号"))
    township = serializers.CharField(source="child.township_id", read_only=True)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)

    class Meta:
        model = GuardianshipAssessment
        fields = ["id", "child", "township", "assessed_on", "assessor_name", "risk_level", "findings", "measures",
                  "next_review_on", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "findings": {"allow_blank": True}, "assessor_name": {"allow_blank": True},
            "measures": {"required": False, "allow_blank": True},
        }  # fmt: skip

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        names = instance.child.names_in_records()
        data["findings"] = pd.text(instance.findings, names=names)
        data["measures"] = pd.text(instance.measures, names=names)
        return data


class AssessmentViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Guardianship assessments (监护评估); POST records one (the child's latest level and, for a
    high risk, its follow-up due day follow)."""

    serializer_class = GuardianshipAssessmentSerializer
    queryset = GuardianshipAssessment.objects.select_related("child__person").prefetch_related("child__carers")
    filterset_fields = {"child": ["exact"], "child__township": ["exact"], "risk_level": ["exact"],
                        "assessed_on": ["gte", "lte"]}  # fmt: skip
    ordering_fields = ["id", "assessed_on"]
    ordering = ["-assessed_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = assessment_record(user=self.request.user, **serializer.validated_data)
