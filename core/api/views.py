import django_filters
from django.db.models import F, Func, IntegerField, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core import selectors
from core.api import serializers as s
from core.api.authentication import token_for
from core.imports import REGISTRY, import_errors_shown, import_jobs_expire
from core.jurisdiction import JurisdictionMixin
from core.models import Division, Household, HouseholdMember, ImportJob, Person
from core.personal import personal_data
from core.services.access import lockout_message, login_locked_until
from core.services.people import household_create, household_member_add, person_create, person_update


class TokenRequestSerializer(AuthTokenSerializer):
    """A username longer than any account's is refused as a field error before anyone is asked to
    authenticate it (the lockout would otherwise try to record it and fail: found by the fuzzer)."""

    username = serializers.CharField(label=_("用户名"), write_only=True, max_length=150)
    password = serializers.CharField(
        label=_("密码"), style={"input_type": "password"}, trim_whitespace=False, write_only=True, max_length=128
    )


class TokenView(ObtainAuthToken):
    """POST {"username", "password"} → {"token"}. Failures count toward the login lockout (per
    account and client address, as on the login page); a locked account answers 429
    {"detail": "账户已锁定，请于 HH:MM 后再试。", "code": "account_locked", "locked_until": ISO time},
    whatever the password, never "wrong credentials"."""

    serializer_class = TokenRequestSerializer
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
        try:
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            # ObtainAuthToken's answer, but an ended token is replaced (core.api.authentication)
            return Response({"token": token_for(serializer.validated_data["user"]).key})
        except exceptions.ValidationError:
            data = request.data if isinstance(request.data, dict) else {}
            username = data.get("username")
            # As the serializer read it (trimmed): "officer " is the locked officer, not a stranger.
            until = login_locked_until(request, username.strip() if isinstance(username, str) else None)
            if until is None:
                raise
            retry_after = max(1, int((until - timezone.now()).total_seconds()))
            return Response(
                {"detail": lockout_message(until), "code": "account_locked", "locked_until": until.isoformat()},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(retry_after)},
            )


class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Divisions are public reference data for every signed-in role (city > township > village)."""

    serializer_class = s.DivisionSerializer
    queryset = Division.objects.all()
    filterset_fields = ["level", "parent", "in_plan"]
    ordering_fields = ["code", "name"]
    lookup_field = "code"


class LogsFullIds:
    """Every response that carries full ID numbers is written to the access log."""

    def logged_ids(self, objects) -> list:
        """The ids the access log records for these objects (override: e.g. the people they name)."""
        return [o.pk for o in objects]

    def _log_full_ids(self, objects):
        personal_data(self.request.user).log_view(
            request=self.request, object_type=self.log_object_type, object_ids=self.logged_ids(objects),
            detail=f"API {self.request.method} {self.request.path}",
        )  # fmt: skip

    def prepare_rows(self, rows: list) -> list:
        """A list page's objects before they are logged and serialized (override: what the page
        needs read once for all its rows)."""
        return rows

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = self.prepare_rows(page if page is not None else list(queryset))
        self._log_full_ids(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._log_full_ids([instance])
        return Response(self.get_serializer(instance).data)


class PersonFilter(django_filters.FilterSet):
    """The people list's filters. `deceased`: everyone when absent or `include` (a client keeping its
    own copy learns of a death from the record's date_of_death), `exclude` the living only (as the
    people page opens), `only` the deceased only. A reader who sees names masked gets
    `name__startswith` as a whole-name match, as on the page: a prefix would recover a masked name a
    character at a time."""

    deceased = django_filters.ChoiceFilter(
        choices=[
            (selectors.DECEASED_INCLUDE, _("含已故")),
            (selectors.DECEASED_EXCLUDE, _("在世人员")),
            (selectors.DECEASED_ONLY, _("仅已故")),
        ],
        method="filter_deceased",
        help_text=_("不填或 include：全部人员（含已故）；exclude：仅在世人员；only：仅已故人员"),
    )
    name__startswith = django_filters.CharFilter(field_name="name", method="filter_name_prefix")

    class Meta:
        model = Person
        fields = {
            "township": ["exact"],
            "village": ["exact"],
            "hukou": ["exact"],
            "sex": ["exact"],
            "name": ["exact"],
        }

    def filter_deceased(self, queryset, name, value):
        return selectors.person_filter_deceased(queryset, value)

    def filter_name_prefix(self, queryset, name, value):
        if not personal_data(getattr(self.request, "user", None)).full_name:
            return queryset.filter(name=value)
        return queryset.filter(name__startswith=value)


class PersonViewSet(
    LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = s.PersonSerializer
    queryset = Person.objects.select_related("membership")  # township and village: their codes (TownshipField)
    filterset_class = PersonFilter
    ordering_fields = ["id", "name", "birth_date"]
    ordering = list(selectors.PERSON_ORDER)
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
    # A household shows its head, township and village by their keys, and its members' names and ID
    # numbers: nothing more is read (a page of 200 built 600 divisions and heads it never showed).
    queryset = Household.objects.prefetch_related(
        Prefetch(
            "members",
            queryset=HouseholdMember.objects.select_related("person")
            .only("household_id", "person_id", "relation", "person__name", "person__id_number")
            .order_by("id"),
        )
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


class ImportJobViewSet(JurisdictionMixin, viewsets.ReadOnlyModelViewSet):
    """Import jobs, read-only: an upload's progress and outcome, and every failure with its reason
    (the job page's content; uploads and "run again" stay on the pages).

    Who reads what, as on the job page: `core.view_importjob` (403 without it); the reader's
    jurisdiction (another township's job answers 404); and only the kinds of import the reader may run
    (a job of another kind answers 404, as if absent). A job still running after its lease, or queued
    past the queue's wait, lost its worker: it is recorded failed, with the reason, when it is read.
    The list gives each job's `error_count`; the detail adds the errors themselves (the first 500),
    whose messages are withheld from a reader without the full view of names and ID numbers
    (ImportJobSerializer says why); errors shown in full go to the access log."""

    queryset = ImportJob.objects.select_related("created_by")
    filterset_fields = ["state", "kind"]
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]

    def get_serializer_class(self):
        return s.ImportJobDetailSerializer if self.action == "retrieve" else s.ImportJobSerializer

    def _visible(self):
        user = self.request.user
        kinds = [kind for kind, importer in REGISTRY.items() if user.has_perm(importer.permission)]
        return super().get_queryset().filter(kind__in=kinds)

    def get_queryset(self):
        jobs = self._visible().annotate(
            error_count=Func(F("errors"), function="jsonb_array_length", output_field=IntegerField())
        )
        return jobs if self.action == "retrieve" else jobs.defer("errors")  # a rejected file's errors run to MBs

    def list(self, request, *args, **kwargs):
        import_jobs_expire(self._visible())
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        if import_jobs_expire(ImportJob.objects.filter(pk=job.pk)):
            job = self.get_object()
        pd = personal_data(request.user)
        if job.errors and import_errors_shown(pd):  # they quote the uploaded cells, ID numbers among them
            pd.log_view(
                request=request, object_type="core.importjob", object_ids=[job.pk],
                detail=f"API {request.method} {request.path}",
            )  # fmt: skip
        return Response(self.get_serializer(job).data)
