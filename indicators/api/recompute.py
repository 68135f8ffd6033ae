"""Recompute jobs: queue one for a year, then poll its status."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from indicators.models import RecomputeRun
from indicators.services.recompute import recompute_request, recompute_runs_expire


class RecomputeRequestSerializer(serializers.Serializer):
    year = serializers.IntegerField()  # the services say which years count, with the range


class RecomputeAcceptedSerializer(serializers.Serializer):
    job = serializers.CharField()
    status_url = serializers.URLField()
    status = serializers.CharField(help_text="queued / running / done / failed")


class RecomputeRunSerializer(serializers.ModelSerializer):
    job = serializers.CharField(source="pk", read_only=True)
    status = serializers.CharField(source="state", read_only=True, help_text="queued / running / done / failed")

    class Meta:
        model = RecomputeRun
        fields = [
            "job", "year", "as_of", "status", "requested_at", "started_at", "heartbeat_at", "finished_at", "error",
        ]  # fmt: skip


class RecomputeViewSet(viewsets.GenericViewSet, mixins.RetrieveModelMixin):
    """POST {"year": 2025} queues a recompute of all 13 indicators (202 with the job and its status
    URL); the same request while one runs returns that run, and 503 when the job queue is down. GET
    .../{job}/ answers its status; a run whose worker died is failed there with the reason."""

    queryset = RecomputeRun.objects.all()
    serializer_class = RecomputeRunSerializer
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return RecomputeRequestSerializer if self.action == "create" else RecomputeRunSerializer

    def get_object(self):
        recompute_runs_expire(RecomputeRun.objects.filter(pk=self.kwargs.get("pk")))
        return super().get_object()

    @extend_schema(request=RecomputeRequestSerializer, responses={202: RecomputeAcceptedSerializer})
    def create(self, request, *args, **kwargs):
        payload = RecomputeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run, _created = recompute_request(user=request.user, year=payload.validated_data["year"])
        url = request.build_absolute_uri(reverse("recompute-detail", args=[run.pk]))
        return Response({"job": str(run.pk), "status_url": url, "status": run.state}, status=status.HTTP_202_ACCEPTED)
