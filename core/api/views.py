from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.api import serializers as s
from core.jurisdiction import JurisdictionMixin
from core.models import Division, Household, HouseholdMember, Person
from core.personal import personal_data
from core.services.people import household_create, household_member_add, person_create, person_update


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}. Failures count toward the login lockout."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Divisions are public reference data for every signed-in role (city > township > village)."""

    serializer_class = s.DivisionSerializer
    queryset = Division.objects.all()
    filterset_fields = ["level", "parent", "in_plan"]
    ordering_fields = ["code", "name"]
    lookup_field = "code"


class LogsFullIds:
    """Every response that carries full ID numbers is written to the access log."""

    def _log_full_ids(self, objects):
        personal_data(self.request.user).log_view(
            request=self.request, object_type=self.log_object_type, object_ids=[o.pk for o in objects],
            detail=f"API {self.request.method} {self.request.path}",
        )  # fmt: skip

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        self._log_full_ids(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._log_full_ids([instance])
        return Response(self.get_serializer(instance).data)


class PersonViewSet(
    LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = s.PersonSerializer
    queryset = Person.objects.select_related("township", "village", "membership")
    filterset_fields = {
        "township": ["exact"],
        "village": ["exact"],
        "hukou": ["exact"],
        "sex": ["exact"],
        "name": ["exact", "startswith"],
    }
    ordering_fields = ["id", "name", "birth_date"]
    ordering = ["-id"]
    log_object_type = "person"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        identity_unknown = data.pop("identity_unknown", False)
        data.pop("membership", None)
        serializer.instance = person_create(user=self.request.user, identity_unknown=identity_unknown, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("identity_unknown", None)
        serializer.instance = person_update(user=self.request.user, person=serializer.instance, **data)


class HouseholdViewSet(LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.HouseholdSerializer
    queryset = Household.objects.select_related("head", "township", "village").prefetch_related(
        Prefetch("members", queryset=HouseholdMember.objects.select_related("person").order_by("id"))
    )
    filterset_fields = ["township", "village"]
    ordering_fields = ["id"]
    ordering = ["-id"]
    log_object_type = "household"

    def perform_create(self, serializer):
        serializer.instance = household_create(
            user=self.request.user,
            head=serializer.validated_data["head"],
            address=serializer.validated_data.get("address", ""),
        )

    @extend_schema(request=s.HouseholdMemberAddSerializer, responses=s.HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        household = self.get_object()
        if not request.user.has_perm("core.add_householdmember"):
            self.permission_denied(request)
        payload = s.HouseholdMemberAddSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        household_member_add(
            user=request.user,
            household=household,
            person=payload.validated_data["person"],
            relation=payload.validated_data["relation"],
        )
        household = self.get_queryset().get(pk=household.pk)
        return Response(self.get_serializer(household).data, status=status.HTTP_201_CREATED)
