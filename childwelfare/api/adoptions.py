"""/api/v1/childwelfare/adoptions/: adoption registrations. A refused POST answers 400 with each
failed legal rule as a key (adopter_age, existing_children, age_gap, child_consent, ...) and saves nothing."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from childwelfare.models import Adoption
from childwelfare.services.adoptions import adoption_register
from core.api.serializers import PersonInJurisdictionField, personal
from core.jurisdiction import JurisdictionMixin


class AdoptionSerializer(serializers.ModelSerializer):
    adopters = serializers.ListField(
        child=PersonInJurisdictionField(), min_length=1, max_length=2, help_text=_("收养人人员编号（一人或夫妻二人）")
    )
    child = PersonInJurisdictionField(help_text=_("被收养人人员编号"))
    child_consent = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("被收养人满8周岁时必填")
    )
    existing_children = serializers.IntegerField(min_value=0, max_value=20, help_text=_("收养人申报的现有子女数"))
    registration_no = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text=_("留空自动编号")
    )
    adopter_names = serializers.SerializerMethodField(help_text=_("收养人姓名（按角色脱敏）"))
    child_name = serializers.SerializerMethodField(help_text=_("被收养人姓名（按角色脱敏）"))
    township = serializers.CharField(source="township_id", read_only=True)

    class Meta:
        model = Adoption
        fields = [
            "id", "adopters", "adopter_names", "child", "child_name", "township", "child_consent", "existing_children",
            "assessment_result", "assessed_on", "registration_no", "registered_on", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"registration_no": {"validators": []}, "assessed_on": {"required": False}}

    def get_validators(self):
        return []

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_adopter_names(self, adoption) -> list[str]:
        pd = personal(self.context)
        return [pd.name(p.name) for p in (adoption.adopter, adoption.second_adopter) if p]

    def get_child_name(self, adoption) -> str:
        return personal(self.context).name(adoption.child.name)


class AdoptionViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Adoption registrations (收养登记), checked against the Civil Code's rules."""

    serializer_class = AdoptionSerializer
    queryset = Adoption.objects.select_related("child", "adopter", "second_adopter")
    filterset_fields = {"township": ["exact"], "registered_on": ["gte", "lte"]}
    ordering_fields = ["id", "registered_on"]
    ordering = ["-registered_on", "-id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = adoption_register(user=self.request.user, **data)
