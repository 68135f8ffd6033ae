"""Child directors (儿童主任, one per village) and child supervisors (儿童督导员, one per township)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from childwelfare.models import ChildWorker
from childwelfare.services._common import check_name, check_phone
from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_date
from core.models import Division

WORKER_FIELDS = ("kind", "name", "phone", "township", "village", "since", "until", "last_trained_on")


def worker_save(*, user, worker: ChildWorker | None = None, **data) -> ChildWorker:
    unknown = set(data) - set(WORKER_FIELDS)
    if unknown:
        raise TypeError(f"unknown worker fields: {sorted(unknown)}")
    worker = worker or ChildWorker()
    values = {f: getattr(worker, f, None) for f in ("kind", "name", "phone", "since", "until", "last_trained_on")}
    values["township"] = worker.township if worker.township_id else None
    values["village"] = worker.village if worker.village_id else None
    values.update(data)
    errors = FieldErrors()
    kind, township, village = values.get("kind"), values.get("township"), values.get("village")
    if kind not in ChildWorker.Kind.values:
        errors.add("kind", _("请选择类型：儿童主任或儿童督导员。"))
    if township is None or township.level != Division.Level.TOWNSHIP:
        errors.add("township", _("请选择乡镇（街道）。"))
    elif not user_can_act_in(user, township.code) or (worker.pk and not user_can_act_in(user, worker.township_id)):
        errors.add("township", _("您只能登记本乡镇（街道）的儿童主任和督导员。"))
    if kind == ChildWorker.Kind.DIRECTOR:
        if village is None:
            errors.add("village", _("儿童主任须填写所在村（社区）。"))
        elif township is not None and (village.level != Division.Level.VILLAGE or village.parent_id != township.code):
            errors.add("village", _("村（社区）应属于所选乡镇（街道）。"))
    elif kind == ChildWorker.Kind.SUPERVISOR and village is not None:
        errors.add("village", _("儿童督导员负责全乡镇（街道），不填村（社区）。"))
    check_name(errors, "name", (values.get("name") or "").strip(), required=True)
    check_phone(errors, "phone", values.get("phone") or "")
    since: date | None = values.get("since")
    until: date | None = values.get("until")
    if since is None:
        errors.add("since", _("请填写任职日期。"))
    check_date(errors, "since", since, not_after_today=True)
    check_date(errors, "until", until, not_after_today=True)
    if since and until and until < since:
        errors.add("until", _("离任日期不能早于任职日期。"))
    check_date(errors, "last_trained_on", values.get("last_trained_on"), not_after_today=True)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(worker, key, value.strip() if isinstance(value, str) else value)
    worker.phone = worker.phone or ""
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        key = "village" if kind == ChildWorker.Kind.DIRECTOR else "township"
        message = (
            _("该村（社区）已有在任的儿童主任，请先登记其离任。")
            if key == "village"
            else _("该乡镇（街道）已有在任的儿童督导员，请先登记其离任。")
        )
        raise ValidationError({key: [message]}) from None
    return worker
