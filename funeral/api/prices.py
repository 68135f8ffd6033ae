"""/api/v1/funeral/fee-prices/: the basic-service prices the fee waivers are computed from, each with
the day it took effect (read only: the bureau keeps them on the 减免设置 page)."""

from rest_framework import serializers, viewsets

from funeral.models import FeeItemPrice


class FeeItemPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeItemPrice
        fields = ["id", "item", "price", "effective_from", "note", "updated_at"]
        read_only_fields = fields


class FeeItemPriceViewSet(viewsets.ReadOnlyModelViewSet):
    """Prices by item, the latest first; a price applies from its `effective_from` until the next."""

    serializer_class = FeeItemPriceSerializer
    queryset = FeeItemPrice.objects.all()
    filterset_fields = ["item"]
    ordering_fields = ["effective_from", "id"]
    ordering = ["item", "-effective_from"]
