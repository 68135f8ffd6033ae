"""/api/v1/childwelfare/recognitions/: orphan and de-facto unsupported recognitions. POST enters the
guardian's application; `POST …/{id}/transition/ {"action": "verify"|"confirm"|"reject", "opinion"}`
takes the next step (township verification, bureau confirmation, or refusal). An illegal step
answers 400 with the reason, a missing right 403; neither changes anything."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from childwelfare.api.fields import ChildInJurisdictionField
from childwelfare.models import Recognition
from childwelfare.services.recognitions import (
    recognition_apply,
    recognition_confirm,
    recognition_reject,
    recognition_verify,
)
from core.api.serializers import personal
from core.jurisdiction import JurisdictionMixin


class RecognitionSerializer(serializers.ModelSerializer):
    child = ChildInJurisdictionField(help_text=_("儿童档案编号"))
    township = serializers.CharField(source="child.township_id", read_only=True)
    verify_opinion = serializers.CharField(read_only=True)
    decision_opinion = serializers.CharField(read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "id", "child", "township", "kind", "state", "applied_on", "applicant_name", "applicant_relation",
            "applicant_phone", "father_situation", "mother_situation", "evidence", "verify_due", "verified_on",
            "verify_opinion", "confirm_due", "decided_on", "decision_opinion",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["state", "verify_due", "verified_on", "confirm_due", "decided_on", "updated_at"]
        extra_kwargs = {"applicant_name": {"allow_blank": True}, "applicant_relation": {"allow_blank": True}}

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        names = [instance.child.person.name, instance.applicant_name]
        data["applicant_name"] = pd.name(instance.applicant_name)
        data["applicant_phone"] = pd.phone(instance.applicant_phone)
        data["evidence"] = pd.text(instance.evidence, names=names)
        return data


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("verify", _("乡镇核查")), ("confirm", _("民政局确认")), ("reject", _("不予认定"))]
    )
    opinion = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecognitionViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RecognitionSerializer
    queryset = Recognition.objects.select_related("child__person")
    filterset_fields = {"state": ["exact"], "kind": ["exact"], "child": ["exact"], "child__township": ["exact"]}
    ordering_fields = ["id", "applied_on"]
    ordering = ["-applied_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = recognition_apply(user=self.request.user, **serializer.validated_data)

    @extend_schema(request=TransitionSerializer, responses=RecognitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        recognition = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = {"verify": recognition_verify, "confirm": recognition_confirm, "reject": recognition_reject}
        data = serializer.validated_data
        recognition = step[data["action"]](user=request.user, recognition=recognition, opinion=data["opinion"])
        return Response(RecognitionSerializer(recognition, context=self.get_serializer_context()).data)
