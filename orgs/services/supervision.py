"""Inspections and sanctions as dated records (双随机抽查, audits, interviews, warnings, fines)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.limits import check_date, check_money
from orgs.models import FINE_MAX, FINE_MIN, Organisation, Supervision
from orgs.services._common import check_texts, check_township, clean_fields_into, strip


@transaction.atomic
def supervision_record(*, user, organisation: Organisation, kind: str, done_on, result: str, fine=None, note: str = ""):
    org = Organisation.objects.get(pk=organisation.pk)
    record = Supervision(organisation=org, kind=kind, done_on=done_on, result=result, fine=fine, note=strip(note),
                         recorded_by=user)  # fmt: skip
    errors = FieldErrors()
    check_township(errors, user, "organisation", org.township_id)
    if not done_on:
        errors.add("done_on", _("请填写日期。"))
    else:
        check_date(errors, "done_on", done_on, earliest=org.registered_on, not_after_today=True)
    if kind == Supervision.Kind.FINE:
        if fine is None:
            errors.add("fine", _("罚款请填写金额。"))
        else:
            check_money(errors, "fine", fine, minimum=FINE_MIN, maximum=FINE_MAX)
    elif fine is not None:
        errors.add("fine", _("只有罚款填写金额。"))
    if kind in Supervision.SANCTIONS and not record.note and "note" not in errors:
        errors.add("note", _("行政处罚请写明违法事实和依据。"))
    check_texts(errors, record, ("note",))
    clean_fields_into(errors, record, exclude=["organisation", "recorded_by"])
    errors.raise_if_any()
    record.save()
    return record
