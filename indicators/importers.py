"""Base statistics from a spreadsheet, through the core import engine (all rows or none)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.imports import Column, Importer, RowError, register, validation_messages
from core.models import Division
from indicators.services.base_statistics import base_statistic_save

COLUMNS = [
    Column("年份", "year", required=True),
    Column("乡镇（街道）", "township", help="名称或9位代码；留空表示全市"),
    Column("常住人口", "resident_population"),
    Column("60岁及以上人口", "population_60_plus"),
    Column("户数", "households"),
    Column("数据来源", "source"),
]
_BY_KEY = {c.key: c for c in COLUMNS}
_NUMBERS = ("year", "resident_population", "population_60_plus", "households")


def validate(rows, *, user, progress):
    townships = {}
    for d in Division.objects.filter(level=Division.Level.TOWNSHIP):
        townships[d.code] = townships[d.name] = d
    prepared, errors, seen = [], [], {}
    for row in rows:
        v, row_errors = row.values, []
        data = {"source": v.get("source") or ""}
        for key in _NUMBERS:
            text = (v.get(key) or "").replace(",", "")
            if not text:
                continue
            if not text.isdigit():
                row_errors.append(RowError(row.number, _BY_KEY[key].header, _("应为整数：%(v)s") % {"v": v[key]}))
            else:
                data[key] = int(text)
        township = None
        if v.get("township"):
            township = townships.get(v["township"])
            if township is None:
                row_errors.append(
                    RowError(row.number, "乡镇（街道）", _("未知的乡镇（街道）：%(v)s") % {"v": v["township"]})
                )
        key = (data.get("year"), township.code if township else None)
        if key in seen:
            row_errors.append(RowError(row.number, "年份", _("与第 %(r)d 行重复。") % {"r": seen[key]}))
        seen.setdefault(key, row.number)
        if not row_errors:
            prepared.append((row.number, township, data))
        errors.extend(row_errors)
    if not errors:
        # The service's own checks (years, 60+ within population) on every row, in a savepoint
        # that is rolled back: nothing is written until every row has passed.
        try:
            with transaction.atomic():
                for number, township, data in prepared:
                    try:
                        base_statistic_save(user=user, township=township, **data)
                    except ValidationError as exc:
                        errors.extend(RowError(number, h, m) for h, m in validation_messages(exc, _BY_KEY))
                raise _Rollback
        except _Rollback:
            pass
    progress(len(rows))
    return prepared, errors


class _Rollback(Exception):
    pass


def save(prepared, *, user) -> int:
    for _number, township, data in prepared:
        base_statistic_save(user=user, township=township, **data)
    return len(prepared)


register(
    Importer(
        kind="base-statistics",
        label="基础统计数据",
        columns=COLUMNS,
        permission="indicators.add_basestatistic",
        done_url="indicators:dashboard",
        validate=validate,
        save=save,
        example=[[2024, "", 1520000, 230000, 480000, "统计年鉴"]],
        notes=["同一年份、同一乡镇（街道）再次导入时更新原有数据。示例行请删除后再填写。"],
    )
)
