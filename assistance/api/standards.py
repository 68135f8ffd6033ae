"""REST API for the standards: listed with their effective dates, added by bureau staff.
Serializers check shapes; assistance.services.standards decides."""

from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from assistance import selectors
from assistance.models import Standard
from assistance.services.standards import standard_create
from core.api.permissions import RoleModelPermissions


class TierSerializer(serializers.Serializer):
    income_up_to = serializers.DecimalField(max_digits=10, decimal_places=2)
    amount_per_member = serializers.DecimalField(max_digits=10, decimal_places=2)


class StandardSerializer(serializers.ModelSerializer):
    tiers = TierSerializer(many=True, required=False)

    class Meta:
        model = Standard
        fields = ["id", "kind", "amount", "effective_from", "method", "rounding", "note", "tiers", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        validators = []


class StandardViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Standards with their effective dates. New rows only: a decision points at the row it used."""

    permission_classes = [RoleModelPermissions]
    serializer_class = StandardSerializer
    queryset = Standard.objects.none()

    def get_queryset(self):
        qs = selectors.standard_list()
        kind = self.request.query_params.get("kind")
        return qs.filter(kind=kind) if kind else qs

    def create(self, request, *args, **kwargs):
        data = StandardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        tiers = [(t["income_up_to"], t["amount_per_member"]) for t in v.pop("tiers", [])]
        standard = standard_create(user=request.user, tiers=tiers, **v)
        return Response(StandardSerializer(standard).data, status=201)
