"""收养登记 (Civil Code Arts. 1093–1105). Each legal check is a rule; a refusal names the rules that
failed (adopter_age, existing_children, age_gap, child_consent, ...) and nothing is saved."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childwelfare.models import Adoption, Child, ChildCategory
from childwelfare.models.adoption import EXISTING_CHILDREN_MAX, ONE_ADOPTION_PER_CHILD
from childwelfare.models.children import SUPPORTED, CategoryCode
from childwelfare.services._common import ADULT_AGE, age_on, birthday
from childwelfare.services.children import child_visit_schedule
from core.changes import touch
from core.exceptions import ApplicationError, FieldErrors, violated_constraint
from core.jurisdiction import user_can_act_in
from core.limits import check_date
from core.locks import hold_named
from core.models import Person

#: Art. 1098: the adopter has reached 30.
ADOPTER_MIN_AGE = 30
#: Art. 1102: a single adopter of a child of the other sex is at least 40 years older.
SINGLE_OTHER_SEX_GAP = 40
#: Art. 1104: a child of 8 or more must consent.
CONSENT_AGE = 8
#: Art. 1098 (1) and 1100: no child, or only one.
EXISTING_CHILDREN_ALLOWED = 1

ADD = "childwelfare.add_adoption"


def _exempt_from_child_count(child: Person, on: date) -> bool:
    """Art. 1100 ¶2: adopting an orphan, a disabled minor, or a child whose parents cannot be
    found and who is raised by a welfare institution is not limited by the adopter's children."""
    if child.disability_grade or child.disability_category:
        return True
    return (
        ChildCategory.objects.filter(child__person=child, code=CategoryCode.ORPHAN, start__lte=on)
        .exclude(end__lt=on)
        .exists()
    )


def adoption_check(
    *, adopters: list[Person], child: Person | None, child_consent: bool | None, existing_children, registered_on,
    assessment_result: str = "",
) -> FieldErrors:  # fmt: skip
    errors = FieldErrors()
    if registered_on is None:
        errors.add("registered_on", _("请填写登记日期。"))
    check_date(errors, "registered_on", registered_on, not_after_today=True)
    on = registered_on or timezone.localdate()
    if not 1 <= len(adopters) <= 2:
        errors.add("adopters", _("收养人为一人，或夫妻二人共同收养。"))
    if len({a.pk for a in adopters}) != len(adopters):
        errors.add("adopters", _("同一人不能重复填写为收养人。"))
    if child is None:
        errors.add("child", _("请填写被收养人。"))
        return errors
    if any(a.pk == child.pk for a in adopters):
        errors.add("adopters", _("收养人不能是被收养人本人。"))
    for person in [child, *adopters]:
        if person.date_of_death and person.date_of_death <= on:
            errors.add("child" if person is child else "adopters", _("%(n)s 已去世。") % {"n": person.name})
    if child.birth_date is None:
        errors.add("child", _("被收养人没有出生日期（请先补全身份证号）。"))
        return errors
    child_age = age_on(child.birth_date, on)
    if child.birth_date > on:
        errors.add("child", _("登记日期早于被收养人出生日期。"))
    elif child_age >= ADULT_AGE:
        errors.add(
            "child_age", _("被收养人应为未成年人（民法典第一千零九十三条），%(n)s 已满18周岁。") % {"n": child.name}
        )
    for adopter in adopters:
        if adopter.birth_date is None:
            errors.add("adopter_age", _("%(n)s 没有出生日期，无法核对年龄。") % {"n": adopter.name})
        elif age_on(adopter.birth_date, on) < ADOPTER_MIN_AGE:
            errors.add(
                "adopter_age",
                _("收养人应年满三十周岁（民法典第一千零九十八条）：%(n)s 登记时 %(a)d 周岁。")
                % {"n": adopter.name, "a": age_on(adopter.birth_date, on)},
            )
    try:
        existing = int(existing_children)
    except (TypeError, ValueError):
        errors.add("existing_children", _("请填写收养人现有子女数。"))
    else:
        if not 0 <= existing <= EXISTING_CHILDREN_MAX:
            errors.add("existing_children", _("现有子女数应在 0 至 %(n)d 之间。") % {"n": EXISTING_CHILDREN_MAX})
        elif existing > EXISTING_CHILDREN_ALLOWED and not _exempt_from_child_count(child, on):
            errors.add(
                "existing_children",
                _("收养人应无子女或者只有一名子女（民法典第一千零九十八条、第一千一百条）；"
                  "收养孤儿、残疾未成年人的不受此限。申报现有子女 %(n)d 名。") % {"n": existing},
            )  # fmt: skip
    single = adopters[0] if len(adopters) == 1 else None
    other_sex = single is not None and single.sex and child.sex and single.sex != child.sex and single.birth_date
    if other_sex and birthday(single.birth_date, SINGLE_OTHER_SEX_GAP) > child.birth_date:
        errors.add(
            "age_gap",
            _("无配偶者收养异性子女，收养人与被收养人的年龄应当相差四十周岁以上（民法典第一千一百零二条）。"),
        )
    if child_age >= CONSENT_AGE and child_consent is not True:
        errors.add(
            "child_consent",
            _("收养八周岁以上未成年人，应当征得被收养人的同意（民法典第一千一百零四条）。")
            if child_consent is False
            else _("被收养人已满八周岁，请填写其是否同意（民法典第一千一百零四条）。"),
        )
    if assessment_result == Adoption.Assessment.UNSUITABLE:
        errors.add("assessment", _("收养评估结论为不适宜收养，不能登记。"))
    elif assessment_result not in Adoption.Assessment.values:
        errors.add("assessment_result", _("未知的评估结论。"))
    return errors


#: The bureau's certificate number: 南收登字（2026）第0001号, numbered within the registration year.
NUMBER_PREFIX = "南收登字（{year}）第"
_SERIAL = re.compile(r"(\d+)号")


def _lock_numbering(year: int) -> None:
    """Registrations of one year are numbered in turn (held to the end of the transaction): two at
    once would otherwise both read the same highest number."""
    hold_named(f"childwelfare.adoption_no:{year}")


def _next_number(on: date) -> str:
    """The year's highest number + 1 (not its count + 1): a number typed by hand, out of order,
    is never handed out again. Called under `_lock_numbering(on.year)`."""
    prefix = NUMBER_PREFIX.format(year=on.year)
    taken = Adoption.objects.filter(registration_no__startswith=prefix).values_list("registration_no", flat=True)
    numbers = [int(m.group(1)) for no in taken if (m := _SERIAL.fullmatch(no[len(prefix) :]))]
    return f"{prefix}{max(numbers, default=0) + 1:04d}号"


def _adopted_already(errors: FieldErrors, child: Person) -> None:
    """One registration per child: the register records no dissolution (解除收养关系, Civil Code
    Arts. 1114–1118), so every registration stays in force."""
    existing = Adoption.objects.filter(child=child).first()
    if existing is not None:
        errors.add(
            "child",
            _("%(n)s 已于 %(d)s 办理收养登记（%(no)s），不能重复登记。")
            % {"n": child.name, "d": existing.registered_on.isoformat(), "no": existing.registration_no},
        )


@transaction.atomic
def adoption_register(
    *, user, adopters: list[Person], child: Person, existing_children, registered_on: date | None,
    child_consent: bool | None = None, assessment_result: str = "", assessed_on: date | None = None,
    registration_no: str = "",
) -> Adoption:  # fmt: skip
    """Register an adoption after every legal check passes; the child's orphan or de-facto
    unsupported category (and so the allowance) ends on the registration date."""
    if not user.has_perm(ADD):
        raise ApplicationError(_("收养登记由市民政局办理。"), code="forbidden", extra={"status": 403})
    errors = adoption_check(
        adopters=adopters, child=child, child_consent=child_consent, existing_children=existing_children,
        registered_on=registered_on, assessment_result=assessment_result,
    )  # fmt: skip
    if child is not None and (child.township_id is None or not user_can_act_in(user, child.township_id)):
        errors.add("child", _("被收养人不在您的辖区，或没有户籍乡镇（街道）。"))
    check_date(errors, "assessed_on", assessed_on, not_after_today=True)
    if assessed_on and registered_on and assessed_on > registered_on:
        errors.add("assessed_on", _("评估日期不能晚于登记日期。"))
    if child is not None:
        _adopted_already(errors, child)
    registration_no = (registration_no or "").strip()
    if len(registration_no) > 40:
        errors.add("registration_no", _("登记证号不能超过40个字。"))
    errors.raise_if_any()
    first, second = adopters[0], adopters[1] if len(adopters) > 1 else None
    # Typed numbers take their turn too, so an automatic number read meanwhile sees them.
    _lock_numbering(registered_on.year)
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                child=child, adopter=first, second_adopter=second, township_id=child.township_id,
                child_consent=child_consent, existing_children=int(existing_children),
                assessment_result=assessment_result, assessed_on=assessed_on,
                registration_no=registration_no or _next_number(registered_on), registered_on=registered_on,
                created_by=user,
            )  # fmt: skip
    except IntegrityError as exc:
        if violated_constraint(exc) != ONE_ADOPTION_PER_CHILD:
            raise ValidationError({"registration_no": [_("登记证号已被使用。")]}) from None
        # The same child registered twice at the same moment (a double submit): the other one
        # has committed, so it is found and named like any earlier registration.
        raced = FieldErrors()
        _adopted_already(raced, child)
        raise ValidationError(dict(raced)) from None
    file = Child.objects.filter(person=child, closed_on__isnull=True).first()
    if file is not None:
        for category in file.categories.filter(code__in=SUPPORTED, end__isnull=True):
            category.end, category.end_reason = max(registered_on, category.start), str(_("被收养"))
            category.save(update_fields=["end", "end_reason"])
        touch(Child, [file.pk])
        child_visit_schedule([file.pk])
    return adoption
