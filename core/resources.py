"""Excel exports of people and households (django-import-export), with the same Chinese headers
as the import template. Personal data is shown as core.personal's policy lets the user see it."""

from import_export import fields, resources

from core.models import Household, Person
from core.personal import personal_data


class _MaskingResource(resources.ModelResource):
    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.pd = personal_data(user)


class PersonResource(_MaskingResource):
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name="身份证号")
    sex = fields.Field(column_name="性别")
    birth_date = fields.Field(attribute="birth_date", column_name="出生日期")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    township = fields.Field(attribute="township__name", column_name="乡镇（街道）")
    village = fields.Field(attribute="village__name", column_name="村（社区）")
    hukou = fields.Field(column_name="户籍类型")
    disability_category = fields.Field(column_name="残疾类别")
    disability_grade = fields.Field(attribute="disability_grade", column_name="残疾等级")
    date_of_death = fields.Field(attribute="date_of_death", column_name="死亡日期")

    class Meta:
        model = Person
        fields = (
            "name", "id_number", "sex", "birth_date", "phone", "township", "village", "hukou",
            "disability_category", "disability_grade", "date_of_death",
        )  # fmt: skip
        export_order = fields

    def dehydrate_name(self, person):
        return self.pd.name(person.name)

    def dehydrate_id_number(self, person):
        return self.pd.id_number(person.id_number)

    def dehydrate_birth_date(self, person):
        return self.pd.birth_date(person.birth_date)

    def dehydrate_phone(self, person):
        return self.pd.phone(person.phone)

    def dehydrate_sex(self, person):
        return person.get_sex_display()

    def dehydrate_hukou(self, person):
        return person.get_hukou_display()

    def dehydrate_disability_category(self, person):
        return person.get_disability_category_display() if person.disability_category else ""


class HouseholdResource(_MaskingResource):
    id = fields.Field(attribute="id", column_name="家庭编号")
    head = fields.Field(column_name="户主")
    head_id_number = fields.Field(column_name="户主身份证号")
    township = fields.Field(attribute="township__name", column_name="乡镇（街道）")
    village = fields.Field(attribute="village__name", column_name="村（社区）")
    address = fields.Field(attribute="address", column_name="住址")
    member_count = fields.Field(attribute="member_count", column_name="家庭人数")

    class Meta:
        model = Household
        fields = ("id", "head", "head_id_number", "township", "village", "address", "member_count")
        export_order = fields

    def dehydrate_head(self, household):
        return self.pd.name(household.head.name)

    def dehydrate_head_id_number(self, household):
        return self.pd.id_number(household.head.id_number)

    def dehydrate_address(self, household):
        return self.pd.address(household.address)
