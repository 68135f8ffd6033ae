import datetime
import itertools

import factory

from core.identifiers import id_number_with_check_digit
from core.models import Division, Household, HouseholdMember, Person

HONGLAI = "350583113"  # 洪濑镇
SHUITOU = "350583119"  # 水头镇

_seq = itertools.count(1)


def region_for(year: int) -> str:
    return "352423" if year <= 1984 else "350523" if year <= 1992 else "350583"


def make_id_number(birth: datetime.date | None = None, male: bool = True) -> str:
    """A valid, unique ID number with the Nan'an region code in force in the birth year."""
    n = next(_seq)
    birth = birth or datetime.date(1960, 1, 1) + datetime.timedelta(days=n % 20000)
    sequence = (n % 500) * 2 + (1 if male else 0)
    return id_number_with_check_digit(f"{region_for(birth.year)}{birth:%Y%m%d}{sequence:03d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    name = factory.Iterator(["陈志明", "林秀英", "黄建国", "李美玲", "王伟强", "吴淑芬"])
    id_number = factory.LazyFunction(make_id_number)
    township = factory.LazyFunction(lambda: Division.objects.get(code=HONGLAI))
    hukou = Person.Hukou.RURAL

    @factory.post_generation
    def derive(obj, create, extracted, **kwargs):
        from core.identifiers import parse_id_number

        if obj.id_number:
            info = parse_id_number(obj.id_number)
            obj.birth_date, obj.sex, obj.id_note = info.birth_date, info.sex, info.note
            if create:
                obj.save(update_fields=["birth_date", "sex", "id_note"])


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    head = factory.SubFactory(PersonFactory)
    township = factory.SelfAttribute("head.township")

    @factory.post_generation
    def head_member(obj, create, extracted, **kwargs):
        if create:
            HouseholdMember.objects.create(household=obj, person=obj.head, relation=Household.Relation.HEAD)
