"""/api/v1/orgs/organisations/: the registry of social organisations."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import RowsSerializer, TownshipField, day, moment, money, personal
from orgs import selectors
from orgs.models import GradeEvaluation, Organisation, StatusChange
from orgs.services.organisations import organisation_change_status, organisation_create, organisation_update


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["status", "changed_on", "reason"]
        read_only_fields = fields


class OrganisationRowsSerializer(RowsSerializer):
    """The registry list's rows (OrganisationSerializer's fields, the status changes
    StatusChangeSerializer's): only the legal representative's name is personal data, masked by the
    reader's policy; grade and list standing are the queryset's annotations."""

    def row_maker(self, pd):
        def row(o):
            def change(s):
                reason = pd.text(s.reason, names=[o.legal_representative])
                return {"status": s.status, "changed_on": day(s.changed_on), "reason": reason}

            return {
                "id": o.id, "name": o.name, "credit_code": o.credit_code, "type": o.type,
                "registered_on": day(o.registered_on), "deregistered_on": day(o.deregistered_on),
                "revoked_on": day(o.revoked_on), "township": o.township_id, "status": o.status, "grade": o.grade,
                "grade_valid_until": day(o.grade_valid_until), "on_abnormal_list": o.on_abnormal_list,
                "on_dishonest_list": o.on_dishonest_list, "address": o.address,
                "legal_representative": pd.name(o.legal_representative), "business_scope": o.business_scope,
                "supervising_unit": o.supervising_unit, "registered_capital": money(o.registered_capital),
                "party_organisation": o.party_organisation, "party_organisation_on": day(o.party_organisation_on),
                "charity": o.charity, "public_fundraising": o.public_fundraising,
                "status_changes": [change(s) for s in o.status_changes.all()], "updated_at": moment(o.updated_at),
            }  # fmt: skip

        return row


class OrganisationSerializer(serializers.ModelSerializer):
    township = TownshipField()
    status_changes = StatusChangeSerializer(many=True, read_only=True, help_text=_("登记状态变更（按日期）"))
    grade = serializers.ChoiceField(
        choices=GradeEvaluation.Grade.choices,
        read_only=True,
        allow_null=True,
        help_text=_("今天有效的评估等级；无则为 null"),
    )
    grade_valid_until = serializers.DateField(read_only=True, allow_null=True)
    on_abnormal_list = serializers.BooleanField(read_only=True)
    on_dishonest_list = serializers.BooleanField(read_only=True)
    credit_code = serializers.CharField(max_length=30)

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "credit_code", "type", "registered_on", "deregistered_on", "revoked_on", "township",
            "status", "grade", "grade_valid_until", "on_abnormal_list", "on_dishonest_list", "address",
            "legal_representative", "business_scope", "supervising_unit", "registered_capital",
            "party_organisation", "party_organisation_on", "charity", "public_fundraising", "status_changes",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]
        extra_kwargs = {"name": {"validators": []}}
        list_serializer_class = OrganisationRowsSerializer

    def get_validators(self):
        return []  # the service validates

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            for name in ("status", "deregistered_on", "revoked_on"):  # changed through {id}/status/
                fields[name].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["legal_representative"] = pd.name(instance.legal_representative)
        # A reason is free text that may repeat the masked name.
        for change in data["status_changes"]:
            change["reason"] = pd.text(change["reason"], names=[instance.legal_representative])
        return data


class StatusChangeInput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[Organisation.Status.DEREGISTERED, Organisation.Status.REVOKED], help_text=_("注销或撤销登记")
    )
    changed_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class OrganisationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Social organisations with their current grade and list standing. The bureau registers them;
    a township officer sees and corrects only those of their township (another's answers 404).
    Deregistration and revocation are POSTs to `{id}/status/` (the registration authority's act:
    the right to register organisations)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    filterset_fields = ["status", "type", "township"]
    ordering_fields = ["id", "name", "registered_on"]
    ordering = ["id"]

    def get_queryset(self):
        changes = Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_on", "id"))
        return selectors.organisation_detail_queryset(user=self.request.user).prefetch_related(changes)

    def _fresh(self, org):
        return self.get_queryset().get(pk=org.pk)

    def perform_create(self, serializer):
        org = organisation_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = self._fresh(org)

    def perform_update(self, serializer):
        org = organisation_update(user=self.request.user, organisation=serializer.instance, **serializer.validated_data)
        serializer.instance = self._fresh(org)

    @extend_schema(request=StatusChangeInput, responses={200: OrganisationSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        org = self.get_object()
        data = StatusChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        org = organisation_change_status(user=request.user, organisation=org, **data.validated_data)
        return Response(self.get_serializer(self._fresh(org)).data)
