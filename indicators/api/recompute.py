"""Recompute jobs: queue one for a year, then poll its status."""

from django.urls import reverse
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from indicators.models import RecomputeRun
from indicators.services.recompute import recompute_request


class RecomputeRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField()


class RecomputeRunSerializer(serializers.ModelSerializer):
    job = serializers.CharField(source="pk", read_only=True)
    status = serializers.CharField(source="state", read_only=True)

    class Meta:
        model = RecomputeRun
        fields = ["job", "year", "as_of", "status", "requested_at", "started_at", "finished_at", "error"]


class RecomputeViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """POST {"year": 2025} queues a recompute of all 13 indicators (202 with the job and its status
    URL); the same request while one runs returns that run. GET .../{job}/ answers its status."""

    queryset = RecomputeRun.objects.all()
    serializer_class = RecomputeRunSerializer

    def get_serializer_class(self):
        return RecomputeRequestSerializer if self.action == "create" else RecomputeRunSerializer

    def create(self, request, *args, **kwargs):
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run, _created = recompute_request(user=request.user, year=payload.validated_data["year"])
        url = request.build_absolute_uri(reverse("recompute-detail", args=[run.pk]))
        return Response({"job": str(run.pk), "status_url": url, "status": run.state}, status=status.HTTP_202_ACCEPTED)
