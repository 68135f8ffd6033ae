"""/api/v1/childwelfare/children/: the children's files (minors' personal data: masked per the
caller's role by core.personal, every response with full ID numbers in the access log)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from childwelfare import selectors
from childwelfare.models import Child, ChildCategory
from childwelfare.models.children import CareSetting, CategoryCode, DistressReason, ParentSituation
from childwelfare.models.guardianship import RiskLevel
from childwelfare.services.children import CategoryInput, category_add, child_file_open, child_update
from childwelfare.services.guardianship import children_needing_carer
from core.api.serializers import PersonInJurisdictionField, RowsSerializer, day, moment, personal
from core.api.views import LogsFullIds
from core.jurisdiction import JurisdictionMixin


class CategorySerializer(serializers.ModelSerializer):
    end = serializers.DateField(allow_null=True, required=False, help_text=_("未终止为 null"))
    father_situation = serializers.ChoiceField(choices=ParentSituation.choices, required=False, allow_blank=True)
    mother_situation = serializers.ChoiceField(choices=ParentSituation.choices, required=False, allow_blank=True)
    distress_reason = serializers.ChoiceField(choices=DistressReason.choices, required=False, allow_blank=True)
    evidence = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta:
        model = ChildCategory
        fields = ["code", "start", "end", "end_reason", "father_situation", "mother_situation", "distress_reason",
                  "evidence"]  # fmt: skip
        read_only_fields = ["end_reason"]

    def get_validators(self):
        return []


def _category_input(data: dict) -> CategoryInput:
    return CategoryInput(
        code=data["code"], start=data.get("start"), end=data.get("end"),
        father_situation=data.get("father_situation", ""), mother_situation=data.get("mother_situation", ""),
        distress_reason=data.get("distress_reason", ""), evidence=data.get("evidence", ""),
    )  # fmt: skip


class ChildRowsSerializer(RowsSerializer):
    """The children list's rows (ChildSerializer's fields, each category CategorySerializer's readable
    ones): the child's and the guardian's names, ID number and phone masked by the reader's policy,
    `visit_overdue` against one today for the page."""

    def row_maker(self, pd):
        today = timezone.localdate()

        def category(c, names):
            return {"code": c.code, "start": day(c.start), "end": day(c.end),
                    "end_reason": pd.text(c.end_reason, names=names),
                    "father_situation": c.father_situation, "mother_situation": c.mother_situation,
                    "distress_reason": c.distress_reason}  # fmt: skip

        def row(c):
            person, due = c.person, c.visit_due_on
            # A reason typed on ending a category may name someone on the file (masked as on the page).
            names = () if pd.full_name else c.names_in_records()
            return {
                "id": c.id, "person": c.person_id, "name": pd.name(person.name),
                "id_number": pd.id_number(person.id_number),
                "birth_year": person.birth_date.year if person.birth_date else None,
                "township": c.township_id, "village": c.village_id,
                "categories": [category(cat, names) for cat in c.categories.all()], "care_setting": c.care_setting,
                "guardian_name": pd.name(c.guardian_name), "guardian_relation": c.guardian_relation,
                "guardian_phone": pd.phone(c.guardian_phone), "in_school": c.in_school, "school": c.school,
                "opened_on": day(c.opened_on), "closed_on": day(c.closed_on), "close_reason": c.close_reason,
                "last_visit_on": day(c.last_visit_on), "visit_due_on": day(due),
                "visit_overdue": bool(c.closed_on is None and due and due < today),
                "turning_18_flagged_on": day(c.turning_18_flagged_on), "risk_level": c.risk_level,
                "risk_assessed_on": day(c.risk_assessed_on), "risk_follow_up_due": day(c.risk_follow_up_due),
                "updated_at": moment(c.updated_at),
            }  # fmt: skip

        return row


class ChildSerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField(help_text=_("人员编号（须未满18周岁）"))
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("姓名（按角色脱敏）"))
    id_number = serializers.CharField(
        source="person.id_number", read_only=True, allow_null=True, help_text=_("身份证号（按角色脱敏）")
    )
    birth_year = serializers.SerializerMethodField(help_text=_("出生年份"))
    township = serializers.CharField(source="township_id", read_only=True, help_text=_("乡镇（街道）区划代码"))
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    categories = CategorySerializer(many=True, required=False, help_text=_("各类别及起止日期（含已终止的）"))
    care_setting = serializers.ChoiceField(choices=CareSetting.choices)
    visit_overdue = serializers.SerializerMethodField(help_text=_("走访已逾期"))
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("最近一次监护评估的风险等级；未评估为空"),
    )

    class Meta:
        model = Child
        fields = [
            "id", "person", "name", "id_number", "birth_year", "township", "village", "categories", "care_setting",
            "guardian_name", "guardian_relation", "guardian_phone", "in_school", "school", "opened_on", "closed_on",
            "close_reason", "last_visit_on", "visit_due_on", "visit_overdue", "turning_18_flagged_on", "risk_level",
            "risk_assessed_on", "risk_follow_up_due", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["closed_on", "close_reason", "last_visit_on", "visit_due_on", "turning_18_flagged_on",
                            "risk_level", "risk_assessed_on", "risk_follow_up_due", "updated_at"]  # fmt: skip
        extra_kwargs = {"opened_on": {"required": False}}
        list_serializer_class = ChildRowsSerializer

    def get_validators(self):
        return []

    def get_birth_year(self, child) -> int | None:
        return child.person.birth_date.year if child.person.birth_date else None

    def get_visit_overdue(self, child) -> bool:
        return bool(child.closed_on is None and child.visit_due_on and child.visit_due_on < timezone.localdate())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        data["name"] = pd.name(instance.person.name)
        data["id_number"] = pd.id_number(instance.person.id_number)
        data["guardian_name"] = pd.name(instance.guardian_name)
        data["guardian_phone"] = pd.phone(instance.guardian_phone)
        if not pd.full_name:
            names = instance.names_in_records()
            for category in data.get("categories") or ():
                category["end_reason"] = pd.text(category["end_reason"], names=names)
        return data


class ChildUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["care_setting", "guardian_name", "guardian_relation", "guardian_phone", "in_school", "school"]


class ChildFilter(django_filters.FilterSet):
    township = django_filters.CharFilter(field_name="township_id", help_text=_("乡镇（街道）区划代码"))
    category = django_filters.ChoiceFilter(
        choices=CategoryCode.choices, method="filter_category", help_text=_("今日所属类别")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text=_("走访已逾期"))
    risk = django_filters.ChoiceFilter(
        field_name="risk_level", choices=RiskLevel.choices, help_text=_("最近一次监护评估的风险等级")
    )
    no_carer = django_filters.BooleanFilter(
        method="filter_no_carer", help_text=_("留守儿童或事实无人抚养儿童，今日没有在岗的监护人或被委托照护人")
    )

    class Meta:
        model = Child
        fields = ["township", "care_setting", "in_school"]

    def filter_category(self, qs, name, value):
        from django.db.models import Exists, OuterRef

        return qs.filter(Exists(selectors.active_categories().filter(child=OuterRef("pk"), code=value)))

    def filter_overdue(self, qs, name, value):
        today = timezone.localdate()
        return (
            qs.filter(visit_due_on__lt=today, closed_on__isnull=True)
            if value
            else qs.exclude(visit_due_on__lt=today, closed_on__isnull=True)
        )

    def filter_no_carer(self, qs, name, value):
        lacking = children_needing_carer(qs.filter(closed_on__isnull=True), timezone.localdate())
        return lacking if value else qs.exclude(pk__in=lacking.values("pk"))


class ChildViewSet(
    LogsFullIds, JurisdictionMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Children's files (一人一档). POST opens a file on a person under 18 with its first categories;
    `POST …/{id}/categories/` adds a category period."""

    serializer_class = ChildSerializer
    queryset = Child.objects.select_related("person").prefetch_related("categories", "carers")
    filterset_class = ChildFilter
    ordering_fields = ["id", "opened_on", "visit_due_on"]
    ordering = ["-id"]
    log_object_type = "childwelfare_child"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return ChildUpdateSerializer
        if self.action == "add_category":
            return CategorySerializer
        return ChildSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        categories = [_category_input(c) for c in data.pop("categories", [])]
        serializer.instance = child_file_open(
            user=self.request.user, person=data.pop("person"), care_setting=data.pop("care_setting"),
            opened_on=data.pop("opened_on", None), categories=categories, **data,
        )  # fmt: skip
        self._log_full_ids([serializer.instance])

    @extend_schema(request=ChildUpdateSerializer, responses=ChildSerializer)
    def partial_update(self, request, *args, **kwargs):
        child = self.get_object()
        serializer = ChildUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        child = child_update(user=request.user, child=child, **serializer.validated_data)
        self._log_full_ids([child])
        return Response(ChildSerializer(child, context=self.get_serializer_context()).data)

    @extend_schema(request=CategorySerializer, responses={201: ChildSerializer})
    @action(detail=True, methods=["post"], url_path="categories")
    def add_category(self, request, pk=None):
        child = self.get_object()
        serializer = CategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category_add(user=request.user, child=child, data=_category_input(serializer.validated_data))
        child = self.get_queryset().get(pk=child.pk)
        self._log_full_ids([child])
        return Response(
            ChildSerializer(child, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )
