"""/api/v1/childwelfare/visits/: visits (走访) to children."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from childwelfare.api.fields import ChildInJurisdictionField
from childwelfare.models import Visit
from childwelfare.services.visits import visit_record
from core.api.serializers import personal
from core.jurisdiction import JurisdictionMixin


class VisitSerializer(serializers.ModelSerializer):
    child = ChildInJurisdictionField(help_text=_("儿童档案编号"))
    township = serializers.CharField(source="child.township_id", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "child", "township", "visited_on", "visitor_name", "findings", "follow_up", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"findings": {"allow_blank": True}, "visitor_name": {"allow_blank": True}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        names = instance.child.names_in_records()
        data["findings"] = pd.text(instance.findings, names=names)
        data["follow_up"] = pd.text(instance.follow_up, names=names)
        return data


class VisitViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits; POST records one (the child's next due date follows)."""

    serializer_class = VisitSerializer
    queryset = Visit.objects.select_related("child__person").prefetch_related("child__carers")
    filterset_fields = {"child": ["exact"], "child__township": ["exact"], "visited_on": ["gte", "lte"]}
    ordering_fields = ["id", "visited_on"]
    ordering = ["-visited_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = visit_record(user=self.request.user, **serializer.validated_data)
