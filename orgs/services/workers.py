"""Social work professionals (社会工作专业人才) and the townships' social-work stations (社工站)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import bulk_update
from core.exceptions import FieldErrors
from core.limits import check_date, check_year
from core.models import Person
from orgs.models import SocialWorker, SocialWorkStation
from orgs.services._common import check_texts, check_township, clean_fields_into, save_unique, strip, today

#: The national social work vocational examinations began in 2008.
FIRST_CERTIFICATE_YEAR = 2008
WORKER_FIELDS = ("person", "level", "certificate_no", "certified_year", "employer", "township", "left_on")
STATION_FIELDS = ("township", "name", "status", "opened_on", "closed_on", "staff_count", "operator")


def _check_worker(errors: FieldErrors, user, worker: SocialWorker) -> None:
    worker.certificate_no = strip(worker.certificate_no).upper()
    worker.employer = strip(worker.employer)
    check_texts(errors, worker, ("certificate_no", "employer"))
    if not worker.certificate_no and "certificate_no" not in errors:
        errors.add("certificate_no", _("请填写证书编号。"))
    check_year(errors, "certified_year", worker.certified_year, earliest=FIRST_CERTIFICATE_YEAR, latest=today().year)
    if worker.certified_year is None:
        errors.add("certified_year", _("请填写取得证书年份。"))
    check_date(errors, "left_on", worker.left_on, not_after_today=True)
    if (
        worker.left_on
        and worker.certified_year
        and "left_on" not in errors
        and worker.left_on.year < worker.certified_year
    ):
        errors.add("left_on", _("调离或注销日期不能早于取得证书的年份。"))
    if not worker.township_id:
        errors.add("township", _("请选择所在乡镇（街道）。"))
    check_township(errors, user, "township", worker.township_id)
    clean_fields_into(errors, worker, exclude=["person", "township"])
    others = SocialWorker.objects.exclude(pk=worker.pk)
    if "certificate_no" not in errors and others.filter(certificate_no=worker.certificate_no).exists():
        errors.add("certificate_no", _("证书编号 %(n)s 已登记。") % {"n": worker.certificate_no})
    if "level" not in errors and others.filter(person_id=worker.person_id, level=worker.level).exists():
        errors.add("level", _("此人已有该等级的记录。"))


@transaction.atomic
def social_worker_create(*, user, person: Person, **data) -> SocialWorker:
    worker = SocialWorker(person=person, **data)
    errors = FieldErrors()
    if person.date_of_death and not worker.left_on:
        errors.add(
            "person",
            _("%(name)s 已于 %(d)s 去世，不能登记为在册社会工作者。")
            % {"name": person.name, "d": person.date_of_death},
        )
    _check_worker(errors, user, worker)
    errors.raise_if_any()
    save_unique(worker, errors, "certificate_no", _("证书编号或此人的该等级记录已登记（刚被其他用户录入）。"))
    return worker


@transaction.atomic
def social_worker_update(*, user, worker: SocialWorker, **data) -> SocialWorker:
    worker = SocialWorker.objects.select_for_update().select_related("person").get(pk=worker.pk)
    data.pop("person", None)  # a record belongs to one person
    errors = FieldErrors()
    check_township(errors, user, "township", worker.township_id)
    for key, value in data.items():
        if key not in WORKER_FIELDS:
            raise TypeError(f"unknown social worker field: {key}")
        setattr(worker, key, value)
    _check_worker(errors, user, worker)
    errors.raise_if_any()
    worker.save()
    return worker


def social_workers_leave_on_death(*, deaths, **kwargs) -> None:
    """core.events.people_died: a social worker who died is no longer on record from that day (two
    queries for any number of deaths)."""
    died = {person.pk: day for person, day in deaths if day is not None}
    if not died:
        return
    workers, now = [], timezone.now()
    for worker in SocialWorker.objects.filter(person_id__in=list(died)).only("id", "person_id", "left_on"):
        day = died[worker.person_id]
        if worker.left_on is None or worker.left_on > day:
            worker.left_on, worker.updated_at = day, now  # a REST client's next pull hears of it
            workers.append(worker)
    bulk_update(SocialWorker, workers, ["left_on", "updated_at"])


def _check_station(errors: FieldErrors, user, station: SocialWorkStation) -> None:
    station.name = strip(station.name)
    station.operator = strip(station.operator)
    check_texts(errors, station, ("name", "operator"))
    if not station.name and "name" not in errors:
        errors.add("name", _("请填写名称。"))
    if not station.township_id:
        errors.add("township", _("请选择乡镇（街道）。"))
    check_township(errors, user, "township", station.township_id)
    planned = station.status == SocialWorkStation.Status.PLANNED
    check_date(errors, "opened_on", station.opened_on, not_after_today=not planned)
    check_date(errors, "closed_on", station.closed_on, not_after_today=True)
    if station.status == SocialWorkStation.Status.OPERATING and not station.opened_on and "opened_on" not in errors:
        errors.add("opened_on", _("运营中的社工站请填写启用日期。"))
    if station.status != SocialWorkStation.Status.CLOSED and station.closed_on:
        errors.add("closed_on", _("未停止运营的社工站不填停止运营日期。"))
    if station.status == SocialWorkStation.Status.CLOSED and not station.closed_on and "closed_on" not in errors:
        errors.add("closed_on", _("已停止运营的社工站请填写停止运营日期。"))
    if (
        station.closed_on
        and "closed_on" not in errors
        and (not station.opened_on or station.closed_on < station.opened_on)
    ):
        errors.add("closed_on", _("停止运营日期应晚于启用日期。"))
    if station.staff_count is not None and station.staff_count > 500:
        errors.add("staff_count", _("驻站社工人数应在 0 至 500 之间。"))
    clean_fields_into(errors, station, exclude=["township"])
    if "name" not in errors and SocialWorkStation.objects.exclude(pk=station.pk).filter(name=station.name).exists():
        errors.add("name", _("名称“%(n)s”已被使用。") % {"n": station.name})


@transaction.atomic
def station_create(*, user, **data) -> SocialWorkStation:
    station = SocialWorkStation(**data)
    errors = FieldErrors()
    _check_station(errors, user, station)
    errors.raise_if_any()
    save_unique(station, errors, "name", _("名称已被使用（刚被其他用户录入）。"))
    return station


@transaction.atomic
def station_update(*, user, station: SocialWorkStation, **data) -> SocialWorkStation:
    station = SocialWorkStation.objects.select_for_update().get(pk=station.pk)
    errors = FieldErrors()
    check_township(errors, user, "township", station.township_id)
    for key, value in data.items():
        if key not in STATION_FIELDS:
            raise TypeError(f"unknown station field: {key}")
        setattr(station, key, value)
    _check_station(errors, user, station)
    errors.raise_if_any()
    station.save()
    return station
