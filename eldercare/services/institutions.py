"""Care institutions and their dated bed counts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors, clean_into
from core.identifiers import validate_credit_code
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from eldercare.models import BEDS_MAX, BedCount, Institution, InstitutionListing
from eldercare.services._common import check_place_fields, check_township, saved_once

INSTITUTION_FIELDS = (
    "name", "credit_code", "ownership", "township", "address", "opened_on", "closed_on", "status", "star_grade",
    "graded_on", "medical_care", "full_time_care", "day_care", "home_visits", "note",
)  # fmt: skip


def normalize_credit_code(value) -> str:
    return (value or "").strip().upper()


def institution_check(*, user, institution: Institution, errors: FieldErrors, check_unique: bool = True) -> None:
    """Every rule of an institution, collected into `errors` (the import calls it without the
    uniqueness queries, which it runs once for the whole file)."""
    institution.credit_code = normalize_credit_code(institution.credit_code)
    check_place_fields(errors, institution)
    check_township(errors, user, institution.township if institution.township_id else None)
    if not institution.credit_code:
        errors.add("credit_code", _("请填写统一社会信用代码。"))
    else:
        try:
            validate_credit_code(institution.credit_code)
        except ValidationError as exc:
            errors.add("credit_code", exc.messages[0])
    check_date(errors, "graded_on", institution.graded_on, not_after_today=True)
    if institution.star_grade is not None and not (1 <= institution.star_grade <= 5):
        errors.add("star_grade", _("等级应为 1 至 5 星。"))
    # Without the database checks (the import): the model's constraints are the rules above and
    # clean()'s, which full_clean still runs; uniqueness is checked once for the whole file.
    clean_into(
        errors, institution, exclude=["township"], validate_unique=check_unique, validate_constraints=check_unique
    )


def _institution_save(*, user, institution: Institution, data: dict) -> Institution:
    unknown = set(data) - set(INSTITUTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown institution fields: {sorted(unknown)}")
    for field, value in data.items():
        setattr(institution, field, value)
    errors = FieldErrors()
    if not user.is_city_level:
        errors.add("township", _("养老机构由民政局登记和维护。"))
    institution_check(user=user, institution=institution, errors=errors)
    errors.raise_if_any()

    def taken(found: FieldErrors) -> None:
        try:
            institution.validate_unique()  # the name or the credit code, taken meanwhile
        except ValidationError as exc:
            found.merge(exc)

    with saved_once(taken):
        institution.save()
    return institution


@transaction.atomic
def institution_create(*, user, **data) -> Institution:
    return _institution_save(user=user, institution=Institution(), data=data)


@transaction.atomic
def institution_update(*, user, institution: Institution, **data) -> Institution:
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    return _institution_save(user=user, institution=institution, data=data)


def bed_count_check(*, institution: Institution, count: BedCount, errors: FieldErrors) -> None:
    check_date(errors, "as_of", count.as_of, not_after_today=True)
    if count.as_of is None:
        errors.add("as_of", _("请填写统计日期。"))
    elif institution.opened_on and count.as_of < institution.opened_on and "as_of" not in errors:
        errors.add("as_of", _("统计日期不能早于机构开业日期（%(d)s）。") % {"d": institution.opened_on.isoformat()})
    for field in ("total_beds", "nursing_beds"):
        value = getattr(count, field)
        if value is None:
            errors.add(field, _("请填写床位数。"))
        elif not (0 <= value <= BEDS_MAX):
            errors.add(field, _("床位数应在 0 至 %(n)d 之间。") % {"n": BEDS_MAX})
    if "total_beds" not in errors and "nursing_beds" not in errors and count.nursing_beds > count.total_beds:
        errors.add(
            "nursing_beds",
            _("护理型床位（%(n)d 张）不能多于床位总数（%(t)d 张）。")
            % {"n": count.nursing_beds, "t": count.total_beds},
        )


@transaction.atomic
def bed_count_record(*, user, institution: Institution, as_of, total_beds: int, nursing_beds: int) -> BedCount:
    """A dated count of the institution's beds (a township officer records their township's)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)  # a double submit waits
    errors = FieldErrors()
    if not user_can_act_in(user, institution.township_id):
        errors.add("institution", _("只能登记本乡镇（街道）机构的床位。"))
    count = BedCount(institution=institution, as_of=as_of, total_beds=total_beds, nursing_beds=nursing_beds)
    bed_count_check(institution=institution, count=count, errors=errors)

    def counted(found: FieldErrors) -> None:
        if BedCount.objects.filter(institution=institution, as_of=as_of).exists():
            found.add("as_of", _("该机构 %(d)s 已有床位统计。") % {"d": as_of.isoformat()})

    if "as_of" not in errors:
        counted(errors)
    errors.raise_if_any()
    count.created_by = user
    with saved_once(counted, constraint="bedcount_one_per_day"):
        count.save()
    touch(Institution, [count.institution_id])  # the API shows today's beds on the institution
    return count


@transaction.atomic
def listing_add(*, user, institution: Institution, kind: str, reason: str, listed_on) -> InstitutionListing:
    """Put an institution on the red or black list (the bureau only; one list at a time)."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)  # a double submit waits
    errors = FieldErrors()
    if not user.is_city_level:
        errors.add("kind", _("红黑名单由民政局认定。"))
    if kind not in InstitutionListing.Kind.values:
        errors.add("kind", _("请选择红名单或黑名单。"))
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("请填写列入事由。"))
    check_text(errors, "reason", reason, max_length=500)
    if listed_on is None:
        errors.add("listed_on", _("请填写列入日期。"))
    check_date(errors, "listed_on", listed_on, not_after_today=True)
    if listed_on and "listed_on" not in errors and institution.opened_on and listed_on < institution.opened_on:
        errors.add("listed_on", _("列入日期不能早于机构开业日期（%(d)s）。") % {"d": institution.opened_on})

    def listed(found: FieldErrors) -> None:
        current = InstitutionListing.objects.filter(institution=institution, removed_on__isnull=True).first()
        if current is not None:
            found.add(
                "kind",
                _("该机构已在%(k)s（%(d)s 列入），请先移出。")
                % {"k": current.get_kind_display(), "d": current.listed_on},
            )

    if "kind" not in errors:
        listed(errors)
    errors.raise_if_any()
    with saved_once(listed, constraint="listing_one_open_per_institution"):
        return InstitutionListing.objects.create(
            institution=institution, kind=kind, reason=reason, listed_on=listed_on, created_by=user
        )


@transaction.atomic
def listing_remove(*, user, listing: InstitutionListing, removed_on, reason: str) -> InstitutionListing:
    listing = InstitutionListing.objects.select_for_update().get(pk=listing.pk)
    errors = FieldErrors()
    if not user.is_city_level:
        errors.add("removed_on", _("红黑名单由民政局认定。"))
    if listing.removed_on is not None:
        errors.add("removed_on", _("已于 %(d)s 移出。") % {"d": listing.removed_on})
    if removed_on is None:
        errors.add("removed_on", _("请填写移出日期。"))
    check_date(errors, "removed_on", removed_on, not_after_today=True)
    if removed_on and "removed_on" not in errors and removed_on < listing.listed_on:
        errors.add("removed_on", _("移出日期不能早于列入日期（%(d)s）。") % {"d": listing.listed_on})
    reason = (reason or "").strip()
    if not reason:
        errors.add("removal_reason", _("请填写移出事由。"))
    check_text(errors, "removal_reason", reason, max_length=500)
    errors.raise_if_any()
    listing.removed_on, listing.removal_reason = removed_on, reason
    listing.save(update_fields=["removed_on", "removal_reason", "updated_at"])
    return listing
