"""Vagrant rescue API (流浪乞讨人员救助). The serializer checks shapes and calls
assistance.services.rescue, which holds every rule; the queryset is the caller's jurisdiction."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from assistance import selectors
from assistance.models import Rescue
from assistance.services import rescue as services
from core.api.filters import UpdatedSinceFilter
from core.api.permissions import RoleModelPermissions
from core.api.serializers import PersonInJurisdictionField, TownshipField
from core.api.views import LogsFullIds
from core.exceptions import FieldErrors
from core.identifiers import normalize_id_number
from core.limits import check_year
from core.models import Person
from core.personal import PersonalData

#: ?outcome= value for "still at the station" (stored as "").
PENDING = "pending"


def person_policy(context, rescue) -> PersonalData:
    """How the record's person is shown to the caller (selectors.rescue_person_policies): the view
    works it out once for the records it answers with; alone, a serializer asks for its one record."""
    policies = getattr(context.get("view"), "person_policies", None) or {}
    if rescue.pk in policies:
        return policies[rescue.pk]
    request = context.get("request")
    return selectors.rescue_person_policies(user=request.user if request else None, rescues=[rescue])[rescue.pk]


class PersonIdNumberField(serializers.CharField):
    """Read: the person's ID number, in full only for callers with the right to it. Write: another
    way to name the person, looked up in the caller's jurisdiction by `RescueSerializer.validate`."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, allow_blank=True, max_length=18, **kwargs)

    def to_representation(self, rescue):
        if rescue.person_id is None:
            return ""
        return person_policy(self.context, rescue).id_number(rescue.person.id_number or "")

    def to_internal_value(self, data):
        return {"person_id_number": super().to_internal_value(data)}


class RescueSerializer(serializers.ModelSerializer):
    person = PersonInJurisdictionField(
        required=False, allow_null=True, help_text=_("人员档案编号；身份未查明时为空（另填 provisional_name）")
    )
    person_id_number = PersonIdNumberField(
        help_text=_(
            "人员的身份证号（无权查看完整号码的显示为脱敏号码）。写入时可代替 person 指定人员，须在调用者辖区内已登记。"
        )
    )
    person_name = serializers.SerializerMethodField()
    found_township = TownshipField(required=False, allow_null=True, help_text=_("发现地乡镇（街道）代码，9位"))
    identified = serializers.SerializerMethodField()

    class Meta:
        model = Rescue
        fields = [
            "id", "intake_date", "person", "person_id_number", "person_name", "provisional_name", "sex",
            "found_township", "description", "identity_established_on", "identity_method", "outcome",
            "outcome_date", "note", "identified", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_validators(self):
        # The service decides validity (rescue_validate), including the model's check constraints.
        return []

    def get_person_name(self, rescue) -> str:
        if rescue.person_id is None:
            return ""
        return person_policy(self.context, rescue).name(rescue.person.name)

    def to_representation(self, rescue):
        data = super().to_representation(rescue)
        # What the person said their name was is a name: masked as the viewer's role requires.
        data["provisional_name"] = person_policy(self.context, rescue).name(rescue.provisional_name)
        return data

    def get_identified(self, rescue) -> bool:
        return rescue.identity_established_on is not None

    def validate(self, attrs):
        number = normalize_id_number(attrs.pop("person_id_number", ""))
        if number:
            person = Person.objects.for_user(self.context["request"].user).filter(id_number=number).first()
            if person is None:
                # Another township's person answers like a missing one.
                raise serializers.ValidationError({"person_id_number": [_("本辖区没有此身份证号的人员。")]})
            if attrs.get("person") not in (None, person):
                raise serializers.ValidationError({"person_id_number": [_("与 person 指定的人员不一致。")]})
            attrs["person"] = person
        return attrs

    def create(self, validated_data):
        return services.rescue_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.rescue_update(user=self.context["request"].user, rescue=instance, **validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="流浪乞讨人员救助记录",
        parameters=[
            OpenApiParameter("year", int, description="入站年份"),
            OpenApiParameter(
                "outcome", str, enum=[PENDING, *[v for v in Rescue.Outcome.values if v]],
                description=f"去向；{PENDING} = 在站（尚未离站）",
            ),
            OpenApiParameter("identified", str, enum=["yes", "no"], description="是否已查明身份"),
        ],
    ),
    create=extend_schema(summary="登记入站"),
    partial_update=extend_schema(summary="修改救助记录（查明身份、离站去向等）"),
)  # fmt: skip
class RescueViewSet(
    LogsFullIds,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Rescue records of the caller's jurisdiction (the township where the person was found).
    Another township's record answers 404. A rule the record breaks answers 400 with the field named.
    A record's person registered outside the caller's jurisdiction is given masked (`person_name`,
    `person_id_number`), as to a caller without personal-data rights; such a record is still updated
    by its finding township (its person is re-checked only when a request names a person)."""

    permission_classes = [RoleModelPermissions]
    #: the access log names the people whose full ID numbers were shown (LogsFullIds)
    log_object_type = "person"
    serializer_class = RescueSerializer
    queryset = Rescue.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Filtering is the selector's (?year=&outcome=&identified=); ?updated_since= is every list's.
    filter_backends = [UpdatedSinceFilter]

    def get_queryset(self):
        if self.action != "list":
            return selectors.rescue_list(user=self.request.user)
        params = self.request.query_params
        year = params.get("year", "")
        outcome = params.get("outcome") or None
        identified = params.get("identified", "")
        errors = FieldErrors()
        if year and not (year.isascii() and year.isdigit() and len(year) <= 4):  # "²".isdigit() is true, int("²") fails
            errors.add("year", _("year 应为入站年份（数字）。"))
        elif year:
            check_year(errors, "year", int(year))
        if outcome not in (None, PENDING, *Rescue.Outcome.values):
            errors.add("outcome", _("outcome 应为去向代码或 pending。"))
        if identified not in ("", "yes", "no"):
            errors.add("identified", _("identified 应为 yes 或 no。"))
        errors.raise_if_any()
        return selectors.rescue_list(
            user=self.request.user,
            year=int(year) if year else None,
            outcome="" if outcome == PENDING else outcome,
            identified=identified,
        )

    #: {record id: core.personal policy} for the records being answered (selectors.rescue_person_policies)
    person_policies: dict | None = None

    def _log_full_ids(self, rescues):
        # Called with the records before they are serialized: how each person is shown is worked out
        # here once. A record carries its person's ID number: the log names the people shown in full
        # (none while unidentified, none registered outside the caller's jurisdiction).
        self.person_policies = selectors.rescue_person_policies(user=self.request.user, rescues=list(rescues))
        shown = [r.person for r in rescues if r.person_id and self.person_policies[r.pk] is not selectors.MASKED]
        super()._log_full_ids(shown)

    # A write answers with the record, full ID number included for those who may see it: logged too.
    def perform_create(self, serializer):
        serializer.save()
        self._log_full_ids([serializer.instance])

    def perform_update(self, serializer):
        serializer.save()
        self._log_full_ids([serializer.instance])
