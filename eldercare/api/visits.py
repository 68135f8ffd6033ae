"""/api/v1/eldercare/visits/ (records), …/visit-targets/ (who is on the programme, in which group;
…/visit-targets/due/ the due and overdue list; …/{id}/end/), …/visit-intervals/ (the bureau's
interval per group). Serializers check shapes; eldercare.services.visits decides."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.pagination import CountedInRowsPagination, LateRowsPagination
from core.api.permissions import HasPermission
from core.api.serializers import RowsSerializer, day, moment, personal
from core.jurisdiction import JurisdictionMixin
from core.personal import personal_data
from eldercare import selectors
from eldercare.api.assessments import PersonInJurisdictionField
from eldercare.models import Visit, VisitGroup, VisitInterval, VisitTarget
from eldercare.services.visits import visit_interval_set, visit_record, visit_target_add, visit_target_end


class _MaskedPerson(serializers.ModelSerializer):
    person = PersonInJurisdictionField()
    name = serializers.CharField(read_only=True, help_text="姓名（按权限脱敏）")
    id_number = serializers.CharField(read_only=True, help_text="身份证号（按权限脱敏）")
    township = serializers.CharField(read_only=True, allow_null=True, source="person.township_id")

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.person.name)
        data["id_number"] = pd.id_number(instance.person.id_number)
        return data


class VisitRowsSerializer(RowsSerializer):
    """The visits list's rows (ElderVisitSerializer's fields; core.api.serializers.RowsSerializer). The
    name and ID number come last: a visit has neither attribute, so DRF skips those fields and
    _MaskedPerson.to_representation adds them at the end; the findings and follow-up keep their
    places, with the person's name masked in them; the way is its code and the township the person's."""

    def row_maker(self, pd):
        # What the reader sees in full is decided once: the policy's own masks otherwise.
        name = _shown if pd.full_name else pd.name
        id_number = _shown if pd.full_id_number else pd.id_number
        text = _shown_text if pd.full_name else pd.text

        def row(v):
            person = v.person
            names = [person.name]
            return {
                "id": v.id, "person": v.person_id, "township": person.township_id, "visited_on": day(v.visited_on),
                "way": v.way, "visitor": v.visitor, "findings": text(v.findings, names=names),
                "follow_up": text(v.follow_up, names=names),
                "created_at": moment(v.created_at), "updated_at": moment(v.updated_at),
                "name": name(person.name), "id_number": id_number(person.id_number),
            }  # fmt: skip

        return row


def _shown(value):
    """A value the reader sees in full, as PersonalData shows it ("" for none)."""
    return value or ""


def _shown_text(value, *, names):
    """Free text for a reader who sees names in full (PersonalData.text): as it is, "" for none."""
    return value or ""


class ElderVisitSerializer(_MaskedPerson):
    visitor = serializers.CharField(max_length=100)
    findings = serializers.CharField(max_length=1000)
    follow_up = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    class Meta:
        model = Visit
        fields = ["id", "person", "name", "id_number", "township", "visited_on", "way", "visitor", "findings",
                  "follow_up", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = VisitRowsSerializer

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["findings"] = pd.text(instance.findings, names=[instance.person.name])
        data["follow_up"] = pd.text(instance.follow_up, names=[instance.person.name])
        return data


class _Logged:
    def _log(self, rows):
        pd = personal_data(self.request.user)
        if pd.full_name or pd.full_id_number:
            pd.log_view(request=self.request, object_type="person", object_ids=sorted({r.person_id for r in rows}),
                        detail=f"API {self.request.method} {self.request.path}")  # fmt: skip

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._log(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self._log([instance])
        return Response(self.get_serializer(instance).data)


class VisitViewSet(_Logged, JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits (探访记录) of older people: who visited whom, when, how, what they found."""

    serializer_class = ElderVisitSerializer
    queryset = Visit.objects.select_related("person")
    pagination_class = LateRowsPagination  # a pull of the city's visits pages deep (core.paginators)
    filterset_fields = {
        "person": ["exact"],
        "person__township": ["exact"],
        "way": ["exact"],
        "visited_on": ["gte", "lte"],
    }
    ordering_fields = ["id", "visited_on"]
    ordering = ["-visited_on", "-id"]

    def perform_create(self, serializer):
        serializer.instance = visit_record(user=self.request.user, **serializer.validated_data)


class ElderVisitTargetSerializer(_MaskedPerson):
    class Meta:
        model = VisitTarget
        fields = ["id", "person", "name", "id_number", "township", "group", "since", "ended_on", "end_reason",
                  "note", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["ended_on", "end_reason", "created_at", "updated_at"]


class VisitTargetEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True, max_length=400)


class VisitDueSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField()
    id_number = serializers.CharField()
    township = serializers.CharField(allow_null=True)
    groups = serializers.ListField(child=serializers.ChoiceField(choices=VisitGroup.choices))
    interval = serializers.IntegerField(allow_null=True, help_text="最短的探访周期（天）；类别均未设置时为 null")
    last_visit = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    days_overdue = serializers.IntegerField()


class VisitTargetViewSet(_Logged, JurisdictionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The visit programme: a person in a group from `since` (the group's rule is checked: 400
    names the reason). `due/` lists everyone on it with the next due day, overdue first."""

    serializer_class = ElderVisitTargetSerializer
    queryset = VisitTarget.objects.select_related("person")
    filterset_fields = {"person": ["exact"], "group": ["exact"], "ended_on": ["isnull"]}
    ordering_fields = ["id", "since"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action == "end":
            return [HasPermission.of("eldercare.change_visittarget")()]
        return super().get_permissions()

    def perform_create(self, serializer):
        serializer.instance = visit_target_add(user=self.request.user, **serializer.validated_data)

    @extend_schema(request=VisitTargetEndSerializer, responses={200: ElderVisitTargetSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        body = VisitTargetEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = visit_target_end(user=request.user, target=self.get_object(), **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("township", str, description="乡镇（街道）代码"),
            OpenApiParameter("group", str, enum=VisitGroup.values),
            OpenApiParameter("overdue_only", bool),
        ],
        responses={200: VisitDueSerializer(many=True)},
    )
    @action(
        detail=False, methods=["get"], serializer_class=VisitDueSerializer, filterset_fields=[], filter_backends=[],
        pagination_class=CountedInRowsPagination,
    )  # fmt: skip
    def due(self, request):
        """Everyone on the programme today, one row a person, soonest due first."""
        params = request.query_params
        entries = selectors.visit_due_entries(
            user=request.user, township=params.get("township") or None, group=params.get("group", "")
        )
        people = selectors.visit_due_counted(
            selectors.visit_due_queryset(
                entries, overdue_only=params.get("overdue_only", "").lower() in ("1", "true", "on", "yes")
            )
        )
        page = selectors.visit_due_rows(self.paginate_queryset(people), entries, with_people=True)
        pd = personal_data(request.user)
        if pd.full_name or pd.full_id_number:
            pd.log_view(request=request, object_type="person", object_ids=[r["person_id"] for r in page],
                        detail=f"API {request.path}")  # fmt: skip
        shown = [{**r, "name": pd.name(r["name"]), "id_number": pd.id_number(r["id_number"])} for r in page]
        return self.get_paginated_response(VisitDueSerializer(shown, many=True).data)


class ElderVisitIntervalSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(help_text="7–366")

    class Meta:
        model = VisitInterval
        fields = ["group", "days", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_validators(self):
        return []

    def get_fields(self):
        fields = super().get_fields()
        fields["group"] = serializers.ChoiceField(choices=VisitGroup.choices)
        return fields


class VisitIntervalViewSet(viewsets.ReadOnlyModelViewSet):
    """The bureau's visit interval per group. POST {"group", "days"} sets one (the bureau only)."""

    serializer_class = ElderVisitIntervalSerializer
    queryset = VisitInterval.objects.all()
    lookup_field = "group"
    filterset_fields: list = []
    ordering = ["group"]

    def get_permissions(self):
        if self.request.method == "POST":
            return [HasPermission.of("eldercare.change_visitinterval")()]
        return super().get_permissions()

    @extend_schema(request=ElderVisitIntervalSerializer, responses={200: ElderVisitIntervalSerializer})
    def create(self, request, *args, **kwargs):
        body = ElderVisitIntervalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        interval = visit_interval_set(user=request.user, **body.validated_data)
        return Response(ElderVisitIntervalSerializer(interval).data, status=status.HTTP_200_OK)
