"""Serializers check types and shapes only; every rule lives in core.services."""

import contextvars
import re
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.identifiers import mask_id_number
from core.imports import ERRORS_SHOWN, REGISTRY, import_errors_shown
from core.models import Division, Household, HouseholdMember, ImportJob, Person
from core.personal import personal_data


class DivisionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "kind", "parent", "in_plan", "is_active", "updated_at"]
        read_only_fields = ["updated_at"]


class DivisionCodeField(serializers.SlugRelatedField):
    """A division by its code. The code is the division's primary key, so a record is shown with the
    code its key already holds and no division is read (a list of 50 people read 100 for their
    township and village codes); a code sent in is looked up among `level` as before."""

    level = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Division.objects.filter(level=self.level))
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return True

    def to_representation(self, value):
        return value.pk


class TownshipField(DivisionCodeField):
    """A township by its 9-digit division code (every app's `township` field in the API)."""

    level = Division.Level.TOWNSHIP


class VillageField(DivisionCodeField):
    """A village (community) by its 12-digit division code."""

    level = Division.Level.VILLAGE


def personal(context):
    """core.personal's policy for the requesting user (masked everything without a request)."""
    request = context.get("request")
    return personal_data(request.user if request else None)


class RowsSerializer(serializers.ListSerializer):
    """A big list of the API built straight from its records: what the child serializer's fields
    give one by one, without DRF's per-field walk (50 to 100 µs a record, a third or more of a page's
    CPU). A subclass's `row_maker(pd)` returns the function that makes one record's row, with the
    reader's personal-data policy decided once. A test holds each list's rows to the serializer's own
    fields for the same records (tests/api_rows.py) for every role and for readers given one
    personal-data right each: a field added to the serializer and not to its rows fails it. Set as
    the serializer's Meta.list_serializer_class (a single record still goes field by field)."""

    #: The serializers whose rows were found to carry their fields (checked once a process; the
    #: order, which a serializer's own to_representation may change, is the tests').
    _matched: set = set()

    def to_representation(self, data):
        records = data.all() if isinstance(data, models.manager.BaseManager) else data
        row = self.row_maker(personal(self.context))
        zone = _ZONE.set(timezone.get_current_timezone())  # for moment(): looked up once a page
        try:
            rows = [row(record) for record in records]
        finally:
            _ZONE.reset(zone)
        if rows and type(self.child) not in self._matched:
            # A serializer that inherits these rows with fields of its own (a subclass keeping its
            # parent's Meta), or a field added to the serializer and not to its rows, fails loudly.
            fields = [field.field_name for field in self.child._readable_fields]
            if sorted(rows[0]) != sorted(fields):
                raise ImproperlyConfigured(
                    f"{type(self).__name__} rows {list(rows[0])} are not {type(self.child).__name__}'s fields {fields}"
                )
            self._matched.add(type(self.child))
        return rows

    def row_maker(self, pd):
        raise NotImplementedError


def day(value) -> str | None:
    """A date as the API shows it (DRF's DateField): ISO 8601, or null."""
    return None if value is None else value.isoformat()


_MOMENT = serializers.DateTimeField().to_representation
#: The current time zone while RowsSerializer makes a page's rows (Django's own lookup of it costs
#: more than the rest of a moment).
_ZONE: contextvars.ContextVar = contextvars.ContextVar("rows_time_zone", default=None)


def moment(value) -> str | None:
    """A moment as the API shows it (DRF's DateTimeField): ISO 8601 in the current time zone (the
    portal's), "Z" for UTC, or null, at a quarter of the field's cost within a page of rows (the
    zone looked up once a page); a naive value (none in the portal) goes through the field."""
    if value is None or value.tzinfo is None:
        return _MOMENT(value)
    text = value.astimezone(_ZONE.get() or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


CENT = Decimal("0.01")


def money(value) -> str | None:
    """An amount in yuan as the API shows it (DRF's DecimalField, 2 places): "1234.50", or null."""
    return None if value is None else format(value.quantize(CENT), "f")


def _as_is(value):
    return value


class PersonRowsSerializer(RowsSerializer):
    """The people list's rows (PersonSerializer's fields)."""

    def row_maker(self, pd):
        name = _as_is if pd.full_name else pd.name
        id_number = _as_is if pd.full_id_number else pd.id_number
        phone = _as_is if pd.full_phone else pd.phone
        full_birth_date = pd.full_birth_date

        def row(p):
            membership = getattr(p, "membership", None)
            return {
                "id": p.id, "name": name(p.name), "id_number": id_number(p.id_number), "id_note": p.id_note,
                "birth_date": day(p.birth_date) if full_birth_date else None,
                "birth_year": p.birth_date.year if p.birth_date else None,
                "sex": p.sex, "phone": phone(p.phone), "township": p.township_id, "village": p.village_id,
                "hukou": p.hukou, "disability_category": p.disability_category,
                "disability_grade": p.disability_grade, "date_of_death": day(p.date_of_death),
                "household": membership.household_id if membership else None,
                "created_at": moment(p.created_at), "updated_at": moment(p.updated_at),
            }  # fmt: skip

        return row


class PersonSerializer(serializers.ModelSerializer):
    township = TownshipField(allow_null=True, required=False)
    village = VillageField(allow_null=True, required=False)
    id_number = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, required=False)
    identity_unknown = serializers.BooleanField(write_only=True, default=False, help_text=_("身份不明时为真"))
    household = serializers.IntegerField(
        source="membership.household_id", read_only=True, default=None, allow_null=True,
        help_text=_("所在家庭编号；不属于任何家庭时为 null"),
    )  # fmt: skip
    birth_year = serializers.SerializerMethodField(help_text=_("出生年份（出生日期对无权查看完整信息的角色隐去）"))

    class Meta:
        model = Person
        fields = [
            "id", "name", "id_number", "identity_unknown", "id_note", "birth_date", "birth_year", "sex", "phone",
            "township", "village", "hukou", "disability_category", "disability_grade", "date_of_death",
            "household", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id_note", "birth_date", "sex", "created_at", "updated_at"]
        list_serializer_class = PersonRowsSerializer
        # The service decides validity (ID check digit, jurisdiction, uniqueness).
        extra_kwargs = {"name": {"validators": []}}

    def get_validators(self):
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        pd = personal(self.context)
        if not pd.full_name:
            data["name"] = pd.name(instance.name)
        if not pd.full_id_number:
            data["id_number"] = pd.id_number(instance.id_number)
        if not pd.full_phone:
            data["phone"] = pd.phone(instance.phone)
        if not pd.full_birth_date:
            # The mask hides exactly the ID number's birth-date digits: the year is all that shows.
            data["birth_date"] = None
        return data

    def get_birth_year(self, person) -> int | None:
        return person.birth_date.year if person.birth_date else None


class HouseholdMemberSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = HouseholdMember
        fields = ["person", "name", "id_number", "relation"]

    def get_name(self, member) -> str:
        return personal(self.context).name(member.person.name)

    def get_id_number(self, member) -> str:
        return personal(self.context).id_number(member.person.id_number)


class PersonInJurisdictionField(serializers.PrimaryKeyRelatedField):
    """A person the caller may see: another township's person answers exactly like a missing
    one, so its existence is not disclosed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Person.objects.all())  # the model, for the schema
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return Person.objects.for_user(request.user if request else None)


class HouseholdRowsSerializer(RowsSerializer):
    """The households list's rows (HouseholdSerializer's fields, its members HouseholdMemberSerializer's)."""

    def row_maker(self, pd):
        def row(h):
            return {
                "id": h.id, "head": h.head_id, "township": h.township_id, "village": h.village_id,
                "address": pd.address(h.address),
                "members": [
                    {"person": m.person_id, "name": pd.name(m.person.name), "id_number": pd.id_number(m.person.id_number),
                     "relation": m.relation}
                    for m in h.members.all()
                ],
                "created_at": moment(h.created_at), "updated_at": moment(h.updated_at),
            }  # fmt: skip

        return row


class HouseholdSerializer(serializers.ModelSerializer):
    head = PersonInJurisdictionField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    members = HouseholdMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "head", "township", "village", "address", "members", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
        list_serializer_class = HouseholdRowsSerializer

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["address"] = personal(self.context).address(instance.address)
        return data


class HouseholdMemberAddSerializer(serializers.Serializer):
    person = PersonInJurisdictionField()
    relation = serializers.ChoiceField(choices=Household.Relation.choices)


class ImportJobErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("表格中的行号（表头为第 1 行）"))
    column = serializers.CharField(allow_blank=True, help_text=_("列名；整行的问题为空"))
    message = serializers.CharField(
        allow_null=True, help_text=_("错误原因；会引用上传的单元格内容，对无权查看完整姓名和身份证号的用户为 null")
    )


#: An ID number (18 characters, or the old 15 digits) inside a system message.
_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job as its page shows it. Personal data, decided here for every reader:

    - `errors` (detail only) quote the uploaded cells: names, ID numbers, addresses, whatever was typed
      in the wrong column. Free text like that cannot be masked reliably (the names are not known),
      so a reader without the full view of both names and ID numbers (core.personal) gets each
      error's row and column with `message: null`: where the problems are, not what was typed.
    - `message` is written by the system (counts, the file's problem, the failure's reason); the reason
      of an unexpected failure can quote a database error with an ID number, which such a reader
      sees masked as everywhere else.
    """

    kind_label = serializers.SerializerMethodField(help_text=_("导入类型名称"))
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    created_by = serializers.StringRelatedField(help_text=_("上传人"))
    township = serializers.CharField(
        source="township_id",
        read_only=True,
        allow_null=True,
        help_text=_("上传人所属乡镇（街道）代码；市级用户上传的为 null"),
    )
    progress_percent = serializers.IntegerField(read_only=True, help_text=_("已检查行数占数据行数的百分比"))
    saved_percent = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "已写入行数占数据行数的百分比：分批导入边检查边写入，完成时为 100；有错误或失败时写入的行全部撤销，为 0"
        ),
    )
    error_count = serializers.IntegerField(read_only=True, help_text=_("错误条数"))

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "kind_label", "original_name", "state", "state_label", "total_rows", "processed_rows",
            "created_rows", "saved_rows", "progress_percent", "saved_percent", "error_count", "message", "created_by", "township", "created_at",
            "started_at", "heartbeat_at", "finished_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_kind_label(self, job) -> str:
        importer = REGISTRY.get(job.kind)
        return importer.label if importer else job.kind

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not personal(self.context).full_id_number:
            data["message"] = _ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), data["message"])
        return data


class ImportJobDetailSerializer(ImportJobSerializer):
    errors = serializers.SerializerMethodField(
        help_text=_("每一行的错误，按行号排列，最多前 500 条（总数见 error_count）")
    )

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "errors"]
        read_only_fields = fields

    @extend_schema_field(ImportJobErrorSerializer(many=True))
    def get_errors(self, job) -> list[dict]:
        shown = import_errors_shown(personal(self.context))
        return [
            {"row": e["row"], "column": e["column"], "message": e["message"] if shown else None}
            for e in job.errors[:ERRORS_SHOWN]
        ]
