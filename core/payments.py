"""The one payment-list engine (architecture note): assistance, child welfare and elder care each
register a programme that yields the month's entitlements; the engine builds the month's batch
from them, freezes it on approval and writes the bank file. It never pays a month twice: a batch is
unique per (programme, month), a draft is rebuilt in place, an approved batch is never rebuilt.

    from core.payments import Entitlement, register_program

    @register_program("assistance", _("社会救助"))
    def entitlements(month: date) -> Iterable[Entitlement]: ...
"""

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import PaymentBatch, PaymentLine

_CHUNK = 5000


@dataclass(frozen=True)
class Entitlement:
    source_type: str  # e.g. "assistance.case"
    source_id: int
    payee_id: int
    township_id: str
    village_id: str | None
    category: str
    members: int
    amount: Decimal
    bank_account: str = ""
    basis: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Program:
    code: str
    label: str
    entitlements: Callable[[date], Iterable[Entitlement]]
    #: called in the approving transaction, e.g. to close one-off payments that are now paid
    on_approved: Callable[[PaymentBatch], None] | None = None


PROGRAMS: dict[str, Program] = {}


def register_program(code: str, label, *, on_approved=None):
    def wrap(func):
        PROGRAMS[code] = Program(code, label, func, on_approved)
        return func

    return wrap


def month_start(value: date) -> date:
    return value.replace(day=1)


def _program(code: str) -> Program:
    try:
        return PROGRAMS[code]
    except KeyError:
        raise ApplicationError(_("未知的发放项目：%(code)s") % {"code": code}, code="unknown_program") from None


_COLUMNS = ["batch_id", "source_type", "source_id", "payee_id", "township_id", "village_id", "category", "members",
            "amount", "bank_account", "basis"]  # fmt: skip


def _copy_lines(batch: PaymentBatch, entitlements) -> tuple[Decimal, int]:
    """PostgreSQL: stream the lines through COPY (a month of 50,000 households took 8 s with
    bulk_create, most of it building objects and SQL, not writing)."""
    buffer, out = io.StringIO(), csv.writer
    rows, total, people = out(buffer), Decimal("0"), 0
    for ent in entitlements:
        total += ent.amount
        people += ent.members
        rows.writerow([batch.pk, ent.source_type, ent.source_id, ent.payee_id, ent.township_id,
                       ent.village_id if ent.village_id is not None else r"\N", ent.category, ent.members, ent.amount,
                       ent.bank_account, json.dumps(ent.basis, ensure_ascii=False, cls=DjangoJSONEncoder)])  # fmt: skip
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {PaymentLine._meta.db_table} ({', '.join(_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
    return total, people


def _bulk_create_lines(batch: PaymentBatch, entitlements) -> tuple[Decimal, int]:
    lines, total, people = [], Decimal("0"), 0
    for ent in entitlements:
        total += ent.amount
        people += ent.members
        lines.append(
            PaymentLine(
                batch=batch, source_type=ent.source_type, source_id=ent.source_id, payee_id=ent.payee_id,
                township_id=ent.township_id, village_id=ent.village_id, category=ent.category, members=ent.members,
                amount=ent.amount, bank_account=ent.bank_account, basis=ent.basis,
            )
        )  # fmt: skip
        if len(lines) >= _CHUNK:
            PaymentLine.objects.bulk_create(lines)
            lines = []
    PaymentLine.objects.bulk_create(lines)
    return total, people


@transaction.atomic
def payment_batch_build(*, program: str, month: date, user) -> PaymentBatch:
    """Build (or rebuild, while still a draft) the month's batch from the programme's entitlements."""
    prog = _program(program)
    month = month_start(month)
    batch, _created = PaymentBatch.objects.select_for_update().get_or_create(program=program, month=month)
    if batch.is_frozen:
        raise ApplicationError(
            _("%(month)s 的发放批次已审定，不能重新生成（同一月份不会重复发放）。") % {"month": f"{month:%Y-%m}"},
            code="batch_frozen",
        )
    batch.lines.all().delete()
    entitlements = (e for e in prog.entitlements(month) if e.amount > 0)
    writer = _copy_lines if connection.vendor == "postgresql" else _bulk_create_lines
    total, people = writer(batch, entitlements)
    batch.line_count = PaymentLine.objects.filter(batch=batch).count()
    batch.people_count, batch.total_amount = people, total
    batch.built_at, batch.built_by = timezone.now(), user
    batch.save()
    return batch


@transaction.atomic
def payment_batch_approve(*, batch: PaymentBatch, user) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_frozen:
        raise ApplicationError(_("该批次已审定。"), code="batch_frozen")
    if batch.built_at is None or batch.line_count == 0:
        raise ApplicationError(_("批次没有发放明细，不能审定。"), code="batch_empty")
    if batch.built_by_id == user.pk:
        raise ApplicationError(_("生成批次的人不能审定同一批次，请由另一位工作人员审定。"), code="maker_checker")
    batch.state, batch.approved_at, batch.approved_by = PaymentBatch.State.APPROVED, timezone.now(), user
    batch.save()
    prog = PROGRAMS.get(batch.program)
    if prog and prog.on_approved:
        prog.on_approved(batch)
    return batch


BANK_HEADERS = ["序号", "乡镇（街道）", "村（社区）", "收款人", "身份证号", "银行账号", "类别", "人数", "金额（元）"]


def bank_file(batch: PaymentBatch, lines, *, category_label=str) -> bytes:
    """The xlsx the bank pays from: full names, ID numbers and accounts (the caller logs the export)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(f"{batch.month:%Y-%m}")
    ws.append(BANK_HEADERS)
    rows = lines.select_related("payee", "township", "village").order_by("township_id", "village_id", "id")
    total = Decimal("0")
    for n, line in enumerate(rows.iterator(chunk_size=5000), start=1):
        total += line.amount
        ws.append(
            [
                n,
                line.township.name,
                line.village.name if line.village_id else "",
                line.payee.name,
                line.payee.id_number or "",
                line.bank_account,
                category_label(line.category),
                line.members,
                line.amount,
            ]
        )
    ws.append(["合计", "", "", "", "", "", "", "", total])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
