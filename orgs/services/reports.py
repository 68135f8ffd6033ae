"""Annual work reports (年度工作报告) and the 1 June check that lists the organisations whose report
for the previous year is missing (活动异常名录), and proposes for the serious dishonesty list
(严重违法失信名单) those on the abnormal list for two full years."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_date, check_year
from orgs.models import REPORT_DUE, AnnualReport, AnnualReportCheck, ListEntry, Organisation
from orgs.services._common import check_texts, check_township, clean_fields_into, strip, today
from orgs.services.organisations import first_report_year

#: The bureau's review of a report (审查结论) is the registration authority's act, not the recorder's.
REVIEW_PERMISSION = "orgs.change_annualreport"


def due_date(year: int) -> datetime.date:
    return datetime.date(year + 1, *REPORT_DUE)


def organisations_owing(year: int, on: datetime.date):
    """Organisations that owe a report for `year`: registered by 30 June of it (under six months at
    the year's end skip the year) and still registered on `on`."""
    return Organisation.objects.filter(registered_on__lte=datetime.date(year, 6, 30)).standing_on(on)


@transaction.atomic
def annual_report_record(
    *, user, organisation: Organisation, year: int, submitted_on: datetime.date | None, result: str = "", note: str = ""
) -> AnnualReport:
    """Record an organisation's report for a year. A late report for the year that put it on the
    abnormal-activity list takes it off that list (移出, with the reason)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    report = AnnualReport(
        organisation=org,
        year=year,
        submitted_on=submitted_on,
        result=result or AnnualReport.Result.PENDING,
        note=strip(note),
        recorded_by=user,
    )
    errors = FieldErrors()
    check_township(errors, user, "organisation", org.township_id)
    if result and result != AnnualReport.Result.PENDING and not user.has_perm(REVIEW_PERMISSION):
        # Refused, not dropped: a caller who sent a conclusion must learn it was not recorded.
        errors.add("result", _("您无权填写审查结论，报告录入后由登记管理机关审查。"))
    check_year(errors, "year", year, earliest=2000, latest=today().year - 1)
    if "year" not in errors and year is not None and year < first_report_year(org):
        errors.add(
            "year",
            _("该组织 %(d)s 登记，%(y)d 年度无需报送（当年登记不满6个月的免报）。")
            % {"d": org.registered_on.isoformat(), "y": year},
        )
    ended = org.deregistered_on or org.revoked_on
    if "year" not in errors and year is not None and ended and ended <= datetime.date(year, 1, 1):
        # Not standing on any day of the year (Organisation.standing_on's rule): it owes no report
        # and takes none. The year it was deregistered or revoked in is still its own.
        errors.add(
            "year",
            _("该组织 %(d)s %(s)s，%(y)d 年度不在册，不能录入工作报告。")
            % {"d": ended.isoformat(), "s": org.get_status_display(), "y": year},
        )
    if not submitted_on:
        errors.add("submitted_on", _("请填写报送日期。"))
    elif "year" not in errors and year is not None:
        check_date(errors, "submitted_on", submitted_on, earliest=datetime.date(year + 1, 1, 1), not_after_today=True)
    check_texts(errors, report, ("note",))
    clean_fields_into(errors, report, exclude=["organisation", "recorded_by"])
    if "year" not in errors and AnnualReport.objects.filter(organisation=org, year=year).exists():
        errors.add("year", _("该组织 %(y)d 年度的工作报告已录入。") % {"y": year})
    errors.raise_if_any()
    report.save()
    ListEntry.objects.filter(
        organisation=org, kind=ListEntry.Kind.ABNORMAL, missing_report_year=year, removed_on__isnull=True
    ).update(
        removed_on=today(),
        removal_reason=_("已补报 %(y)d 年度工作报告（%(d)s）。") % {"y": year, "d": submitted_on},
        updated_at=timezone.now(),
    )
    touch(Organisation, [org.pk])
    return report


@transaction.atomic
def annual_report_review(*, user, report: AnnualReport, result: str, note: str | None = None) -> AnnualReport:
    """Record the review result (审查结论) of a submitted report."""
    report = AnnualReport.objects.select_for_update().select_related("organisation").get(pk=report.pk)
    errors = FieldErrors()
    if not user.has_perm(REVIEW_PERMISSION):
        raise ValidationError({"result": [_("您无权审查年度工作报告。")]})
    check_township(errors, user, "result", report.organisation.township_id)
    if not result:
        errors.add("result", _("请选择审查结论。"))
    report.result = result
    if note is not None:
        report.note = strip(note)
    check_texts(errors, report, ("note",))
    clean_fields_into(errors, report, exclude=["organisation", "recorded_by"])
    errors.raise_if_any()
    report.save(update_fields=["result", "note", "updated_at"])
    return report


class ReportCheckTooEarly(Exception):
    pass


@transaction.atomic
def annual_report_check(*, year: int, run_on: datetime.date) -> AnnualReportCheck:
    """The 1 June check for `year`'s reports, as of `run_on` (after 31 May of the next year). Every
    organisation owing a report for the year with none on file goes on the abnormal-activity list
    (unless it is on it already); every organisation on that list for two full years by `run_on` is
    proposed for the dishonesty list (the bureau confirms before it is public). Set-based: a fixed
    number of statements whatever the registry's size; running it again adds nothing."""
    if run_on <= due_date(year):
        raise ReportCheckTooEarly(f"reports for {year} are due on {due_date(year)}")
    missing = (
        organisations_owing(year, run_on)
        .exclude(Exists(AnnualReport.objects.filter(organisation=OuterRef("pk"), year=year)))
        .exclude(
            Exists(
                ListEntry.objects.filter(
                    organisation=OuterRef("pk"), kind=ListEntry.Kind.ABNORMAL, removed_on__isnull=True
                )
            )
        )
        .values_list("pk", flat=True)
    )
    reason = _("未按规定报送 %(y)d 年度工作报告（截止日期 %(d)s）。") % {"y": year, "d": due_date(year).isoformat()}
    listed = ListEntry.objects.bulk_create(
        [
            ListEntry(
                organisation_id=pk,
                kind=ListEntry.Kind.ABNORMAL,
                listed_on=run_on,
                reason=reason,
                missing_report_year=year,
            )
            for pk in missing
        ]
    )
    two_years_ago = _years_before(run_on, 2)
    long_listed = (
        ListEntry.objects.filter(kind=ListEntry.Kind.ABNORMAL, removed_on__isnull=True, listed_on__lte=two_years_ago)
        .filter(organisation__in=Organisation.objects.standing_on(run_on))
        .exclude(
            Exists(
                ListEntry.objects.filter(
                    organisation=OuterRef("organisation"), kind=ListEntry.Kind.DISHONEST, removed_on__isnull=True
                )
            )
        )
        .values_list("organisation_id", "listed_on")
    )
    flagged = ListEntry.objects.bulk_create(
        [
            ListEntry(
                organisation_id=pk,
                kind=ListEntry.Kind.DISHONEST,
                listed_on=run_on,
                reason=_("自 %(d)s 列入活动异常名录已满2年，拟列入严重违法失信名单。") % {"d": since.isoformat()},
            )
            for pk, since in long_listed
        ]
    )
    touch(Organisation, [entry.organisation_id for entry in [*listed, *flagged]])
    check, created = AnnualReportCheck.objects.get_or_create(
        year=year, defaults={"run_on": run_on, "listed": len(listed), "flagged": len(flagged)}
    )
    if not created:
        check.run_on = run_on
        check.listed += len(listed)
        check.flagged += len(flagged)
        check.save()
    return check


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
