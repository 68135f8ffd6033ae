"""`?updated_since=<ISO datetime>` on every list whose records carry `updated_at`: what changed after
that moment, oldest change first and then by id (a stable order a nightly pull can page through),
so a REST client keeping its own copy (the city's data-sharing platform, plan ch.7 §4) fetches only
what changed. Records that end (a closed file, a deregistered organisation, a stopped subsidy) are
changes like any other and come back with their end; the portal deletes no such record.

    GET /api/v1/people/?updated_since=2026-11-28T02:00:00%2B08:00&page=2

A value without an offset is read in the portal's time zone (Asia/Shanghai). A "+" sent unencoded
arrives as a space and is read as the "+" it was. A value that is not a date and time answers 400
naming `updated_since`."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from core.changes import FIELD, tracks_changes

PARAM = "updated_since"
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


def parse_updated_since(raw: str) -> datetime.datetime:
    text = raw.strip()
    if len(text) > 19 and text[-6] == " ":  # "…T10:00:00 08:00": the "+" of the offset, unencoded
        text = f"{text[:-6]}+{text[-5:]}"
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({PARAM: [_("请填写带时间的日期，如 2026-11-28T02:00:00+08:00。")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment < EARLIEST:
        moment = EARLIEST
    return moment


class UpdatedSinceFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(PARAM)
        if raw is None or not tracks_changes(queryset.model):
            return queryset
        since = parse_updated_since(raw)
        return queryset.filter(**{f"{FIELD}__gt": since}).order_by(FIELD, "pk")

    def get_schema_operation_parameters(self, view):
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:  # a view that builds its queryset per request: its serializer's model
            model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        if model is None or not tracks_changes(model):
            return []
        return [
            {
                "name": PARAM,
                "in": "query",
                "required": False,
                "description": "只返回此时刻之后更新的记录，按更新时间、编号排序（ISO 8601，如 2026-11-28T02:00:00+08:00）",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
