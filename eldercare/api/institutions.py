"""/api/v1/eldercare/institutions/ (+ …/{id}/bed-counts/): care institutions and their dated bed counts."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.permissions import HasPermission
from core.api.serializers import TownshipField
from core.jurisdiction import JurisdictionMixin
from eldercare.models import BedCount, Institution, InstitutionListing
from eldercare.selectors import with_beds_on
from eldercare.services.institutions import (
    bed_count_record,
    institution_create,
    institution_update,
    listing_add,
    listing_remove,
)  # fmt: skip


class InstitutionSerializer(serializers.ModelSerializer):
    township = TownshipField()
    total_beds = serializers.IntegerField(read_only=True, help_text=_("今日床位总数（按最近一次床位统计）"))
    nursing_beds = serializers.IntegerField(read_only=True, help_text=_("今日护理型床位数（按最近一次床位统计）"))
    beds_as_of = serializers.DateField(read_only=True, allow_null=True, help_text=_("床位数所依据的统计日期"))

    class Meta:
        model = Institution
        fields = [
            "id", "name", "credit_code", "township", "ownership", "opened_on", "closed_on", "status",
            "total_beds", "nursing_beds", "beds_as_of", "address", "star_grade", "graded_on", "medical_care",
            "full_time_care", "day_care", "home_visits", "note", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []  # the service validates (uniqueness included)

    def get_fields(self):
        fields = super().get_fields()
        for name in ("name", "credit_code"):
            fields[name].validators = [v for v in fields[name].validators if not hasattr(v, "queryset")]
        return fields


class BedCountSerializer(serializers.ModelSerializer):
    class Meta:
        model = BedCount
        fields = ["id", "as_of", "total_beds", "nursing_beds", "created_at"]
        read_only_fields = ["created_at"]

    def get_validators(self):
        return []


class InstitutionViewSet(
    JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Care institutions (养老机构). `total_beds` and `nursing_beds` are today's, from the latest dated
    bed count; the counts themselves are under `…/{id}/bed-counts/`."""

    serializer_class = InstitutionSerializer
    queryset = Institution.objects.select_related("township")
    filterset_fields = ["township", "ownership", "status", "star_grade", "medical_care"]
    ordering_fields = ["id", "name", "opened_on"]
    ordering = ["id"]

    def get_queryset(self):
        return with_beds_on(super().get_queryset(), timezone.localdate())

    def get_permissions(self):
        if self.action == "bed_counts":
            perm = "eldercare.add_bedcount" if self.request.method == "POST" else "eldercare.view_bedcount"
            return [HasPermission.of(perm)()]
        return super().get_permissions()

    def _reload(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def perform_create(self, serializer):
        serializer.instance = self._reload(institution_create(user=self.request.user, **serializer.validated_data))

    def perform_update(self, serializer):
        data = serializer.validated_data
        updated = institution_update(user=self.request.user, institution=serializer.instance, **data)
        serializer.instance = self._reload(updated)

    @extend_schema(
        methods=["GET"], responses=BedCountSerializer(many=True), description=str(_("该机构的床位统计，按日期排列。"))
    )
    @extend_schema(
        methods=["POST"], request=BedCountSerializer, responses={201: BedCountSerializer},
        description=str(_("登记一次床位统计；护理型床位多于床位总数时返回 400。")),
    )  # fmt: skip
    @action(detail=True, methods=["get", "post"], url_path="bed-counts", filter_backends=[], pagination_class=None)
    def bed_counts(self, request, pk=None):
        institution = self.get_object()
        if request.method == "POST":
            serializer = BedCountSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            count = bed_count_record(user=request.user, institution=institution, **serializer.validated_data)
            return Response(BedCountSerializer(count).data, status=status.HTTP_201_CREATED)
        counts = institution.bed_counts.order_by("as_of")
        return Response(BedCountSerializer(counts, many=True).data)


class InstitutionInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """An institution the caller may see: another township's answers like a missing one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Institution.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Institution.objects.for_user(request.user if request else None)


class InstitutionListingSerializer(serializers.ModelSerializer):
    institution = InstitutionInJurisdictionField()
    institution_name = serializers.CharField(read_only=True, source="institution.name")
    reason = serializers.CharField(max_length=1000)

    class Meta:
        model = InstitutionListing
        fields = ["id", "institution", "institution_name", "kind", "reason", "listed_on", "removed_on",
                  "removal_reason", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["removed_on", "removal_reason", "created_at", "updated_at"]

    def get_validators(self):
        return []


class ListingRemoveSerializer(serializers.Serializer):
    removed_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, max_length=1000)


class InstitutionListingViewSet(JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Institutions on the red or black list (the bureau decides), current and past; `…/{id}/remove/`
    takes one off (the entry is kept with its removal date and reason)."""

    serializer_class = InstitutionListingSerializer
    queryset = InstitutionListing.objects.select_related("institution")
    filterset_fields = {"institution": ["exact"], "kind": ["exact"], "removed_on": ["isnull"]}
    ordering_fields = ["id", "listed_on"]
    ordering = ["-listed_on", "-id"]

    def get_permissions(self):
        if self.action == "remove":
            return [HasPermission.of("eldercare.change_institutionlisting")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = listing_add(user=self.request.user, **serializer.validated_data)

    @extend_schema(request=ListingRemoveSerializer, responses={200: InstitutionListingSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        body = ListingRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        listing = listing_remove(
            user=request.user, listing=self.get_object(), removed_on=data["removed_on"], reason=data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=listing.pk)).data)
