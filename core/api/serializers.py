"""Serializers check types and shapes only; every rule lives in core.services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Division, Household, HouseholdMember, Person
from core.personal import personal_data


class DivisionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "kind", "parent", "in_plan", "is_active"]


def personal(context):
    """core.personal's policy for the requesting user (masked everything without a request)."""
    request = context.get("request")
    return personal_data(request.user if request else None)


class PersonSerializer(serializers.ModelSerializer):
    township = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.filter(level=Division.Level.TOWNSHIP),
        allow_null=True,
        required=False,
    )
    village = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.filter(level=Division.Level.VILLAGE),
        allow_null=True,
        required=False,
    )
    id_number = serializers.CharField(max_length=32, allow_blank=True, allow_null=True, required=False)
    identity_unknown = serializers.BooleanField(write_only=True, default=False, help_text=_("身份不明时为真"))
    household = serializers.IntegerField(source="membership.household_id", read_only=True, default=None)
    birth_year = serializers.SerializerMethodField(help_text=_("出生年份（出生日期对无权查看完整信息的角色隐去）"))

    class Meta:
        model = Person
        fields = [
            "id", "name", "id_number", "identity_unknown", "id_note", "birth_date", "birth_year", "sex", "phone",
            "township", "village", "hukou", "disability_category", "disability_grade", "date_of_death",
            "household", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id_note", "birth_date", "sex", "created_at", "updated_at"]
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


class HouseholdSerializer(serializers.ModelSerializer):
    head = PersonInJurisdictionField()
    township = serializers.CharField(source="township_id", read_only=True)
    village = serializers.CharField(source="village_id", read_only=True, allow_null=True)
    members = HouseholdMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "head", "township", "village", "address", "members", "created_at"]
        read_only_fields = ["created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["address"] = personal(self.context).address(instance.address)
        return data


class HouseholdMemberAddSerializer(serializers.Serializer):
    person = PersonInJurisdictionField()
    relation = serializers.ChoiceField(choices=Household.Relation.choices)
