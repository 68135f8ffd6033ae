"""The abnormal-activity list (活动异常名录) and the serious dishonesty list (严重违法失信名单): entries
added by the bureau (or the 1 June check), confirmed (a proposed dishonesty entry) and removed, each
with its date and reason."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_date
from orgs.models import ListEntry, Organisation
from orgs.services._common import check_texts, check_township, clean_fields_into, strip


@transaction.atomic
def list_entry_add(*, user, organisation: Organisation, kind: str, listed_on, reason: str) -> ListEntry:
    org = Organisation.objects.get(pk=organisation.pk)
    entry = ListEntry(organisation=org, kind=kind, listed_on=listed_on, reason=strip(reason), recorded_by=user,
                      confirmed_on=listed_on if kind == ListEntry.Kind.DISHONEST else None)  # fmt: skip
    errors = FieldErrors()
    check_township(errors, user, "organisation", org.township_id)
    if not listed_on:
        errors.add("listed_on", _("请填写列入日期。"))
    else:
        check_date(errors, "listed_on", listed_on, earliest=org.registered_on, not_after_today=True)
    if not entry.reason:
        errors.add("reason", _("请写明列入事由。"))
    check_texts(errors, entry, ("reason",))
    clean_fields_into(errors, entry, exclude=["organisation", "recorded_by", "removal_reason"])
    if "kind" not in errors and ListEntry.objects.filter(organisation=org, kind=kind, removed_on__isnull=True).exists():
        errors.add("kind", _("该组织已在此名录中。"))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same entry added at the same moment by another request
        errors.add("kind", _("该组织已在此名录中。"))
        errors.raise_if_any()
    touch(Organisation, [org.pk])
    return entry


@transaction.atomic
def list_entry_confirm(*, user, entry: ListEntry, confirmed_on) -> ListEntry:
    """The bureau's decision on a proposed dishonesty entry: public from `confirmed_on`."""
    entry = ListEntry.objects.select_for_update().select_related("organisation").get(pk=entry.pk)
    errors = FieldErrors()
    check_township(errors, user, "confirmed_on", entry.organisation.township_id)
    if entry.kind != ListEntry.Kind.DISHONEST or entry.confirmed_on or entry.removed_on:
        errors.add("confirmed_on", _("只有待决定的严重违法失信名单记录可以决定列入。"))
    if not confirmed_on:
        errors.add("confirmed_on", _("请填写决定日期。"))
    else:
        check_date(errors, "confirmed_on", confirmed_on, earliest=entry.listed_on, not_after_today=True)
    errors.raise_if_any()
    entry.confirmed_on = confirmed_on
    entry.save(update_fields=["confirmed_on", "updated_at"])
    touch(Organisation, [entry.organisation_id])
    return entry


@transaction.atomic
def list_entry_remove(*, user, entry: ListEntry, removed_on, reason: str) -> ListEntry:
    entry = ListEntry.objects.select_for_update().select_related("organisation").get(pk=entry.pk)
    errors = FieldErrors()
    check_township(errors, user, "removed_on", entry.organisation.township_id)
    if entry.removed_on:
        errors.add("removed_on", _("该记录已于 %(d)s 移出。") % {"d": entry.removed_on.isoformat()})
    if not removed_on:
        errors.add("removed_on", _("请填写移出日期。"))
    else:
        check_date(errors, "removed_on", removed_on, earliest=entry.listed_on, not_after_today=True)
    entry.removal_reason = strip(reason)
    if not entry.removal_reason:
        errors.add("removal_reason", _("请写明移出事由。"))
    check_texts(errors, entry, ("removal_reason",))
    errors.raise_if_any()
    entry.removed_on = removed_on
    entry.save(update_fields=["removed_on", "removal_reason", "updated_at"])
    touch(Organisation, [entry.organisation_id])
    return entry
