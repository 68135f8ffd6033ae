"""Table 3's key projects."""

from rest_framework import mixins, serializers, viewsets

from indicators.models import KeyProject
from indicators.services.projects import TEXT_MAX, key_project_update


class KeyProjectSerializer(serializers.ModelSerializer):
    updated_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = KeyProject
        fields = [
            "no", "category", "name", "name_en", "content", "content_en", "measurable_target", "measurable_target_en",
            "status", "progress", "milestones", "notes", "updated_by", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "no", "category", "name", "name_en", "content", "content_en", "measurable_target", "measurable_target_en",
            "updated_at",
        ]  # fmt: skip
        # The same limits as the service and the database, so the schema shows them.
        extra_kwargs = {"progress": {"validators": []}, **{f: {"max_length": n} for f, n in TEXT_MAX.items()}}


class KeyProjectViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Table 3's key projects; staff PATCH status, progress, milestones and notes."""

    serializer_class = KeyProjectSerializer
    queryset = KeyProject.objects.select_related("updated_by")
    pagination_class = None

    def perform_update(self, serializer):
        serializer.instance = key_project_update(
            user=self.request.user, project=serializer.instance, **serializer.validated_data
        )
