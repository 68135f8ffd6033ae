"""The base import engine every registry uses: read a spreadsheet, validate every row through the
app's services, and save all rows in one transaction or none of them.

An importer names its columns (Chinese headers) and supplies two functions: `validate(rows)`
returns the rows ready to save and the errors (row number, column, reason); `save(prepared)`
writes them. A large importer also supplies the streamed form (`check`, `write`, `write_end`: the
engine then writes each clean chunk while it checks the next, see _stream). Every bad row is
reported; one bad row saves nothing. What an upload may be, and the
bounded read of its sheet, are core.spreadsheets'. The workbooks written here (the template, the
bad rows) write every text cell through core.exports.safe_cell: uploaded text goes back as typed.
"""

import contextlib
import contextvars
import datetime
import io
import logging
import posixpath
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exports import safe_cell
from core.jobs import Lease, LeaseLost, cap, enqueue, fail_lost, fail_unstarted, lease_minutes, queue_wait
from core.models import ImportJob
from core.spreadsheets import ImportFileError, sheet_rows

logger = logging.getLogger(__name__)

REASON_HEADER = "错误原因"
#: The errors a job's page and API list (all of them are in the bad-rows download).
ERRORS_SHOWN = 500


def import_errors_shown(pd) -> bool:
    """Whether an import's error messages and its rejected rows, which quote the uploaded cells
    (names, ID numbers, addresses), are shown to this reader (core.personal's policy, `pd`)."""
    return pd.full_name and pd.full_id_number


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    help: str = ""
    text: bool = False  # formatted as text in the template (ID numbers lose digits as numbers)


@dataclass
class RowError:
    row: int  # the spreadsheet's row number; the header is row 1
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class Row:
    number: int
    values: dict  # key -> cleaned cell text (or None)


@dataclass
class Importer:
    kind: str
    label: str
    columns: list[Column]
    permission: str
    validate: Callable  # (rows, *, user, progress) -> (prepared, errors)
    save: Callable  # (prepared, *, user) -> int created
    #: Example rows, shown on the template's instructions sheet only (never on the data sheet, so
    #: never imported); each must pass the importer's own checks.
    example: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The page listing what this importer saves (a URL name), linked from a finished import.
    done_url: str = ""
    #: A streamed import (optional; then validate and save are not used by the engine):
    #: `check(rows, *, user)` yields (rows checked so far, prepared, errors) a chunk of rows at a
    #: time and runs all its queries before its first chunk; `write(prepared, *, user, state)` saves
    #: one chunk of good rows and returns how many it saved; `write_end(*, user, state)` writes what
    #: had to wait for the whole file and returns how many more it saved. The engine writes each
    #: chunk while it checks the next (_Writer).
    check: Callable | None = None
    write: Callable | None = None
    write_end: Callable | None = None

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    REGISTRY[importer.kind] = importer
    return importer


def cell_text(value) -> str | None:
    """A cell as the text a clerk typed. Excel turns long digit strings into numbers: give them
    back as digits (an 18-digit ID typed as a number has already lost its last digits, and the
    ID check then says so)."""
    if value is None:
        return None
    if type(value) is str:  # most cells: the rest below
        return value.strip() or None
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(str(value)), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


class _Cells:
    """A row's cells are the attribute dict of one of these: CPython keeps one table of keys for
    the attribute dicts of a class's instances (PEP 412), so a sheet of 100,000 rows holds its cells
    in a third of the memory plain dicts take (they are plain dicts to every reader)."""


#: Cell texts up to this length are kept once for the whole sheet (a township's name, 户主, 农村).
SHORT_TEXT = 32


def read_rows(fileobj, importer: Importer, *, inspected: str = "") -> list[Row]:
    """Read the first sheet; the first row must hold the importer's headers (any order).
    `inspected`: the digest of the file as its upload's inspection passed it (core.spreadsheets)."""
    by_header = {c.header: c for c in importer.columns}
    headers: list[str] = []
    positions: list[tuple[int, Column]] | None = None
    rows, empty = [], True
    short: dict[str, str] = {}  # a township, a relation, a type: one string for every row that has it
    for number, raw in sheet_rows(fileobj, inspected=inspected):
        empty = False
        if number == 1:
            headers = [cell_text(h) or "" for h in raw]
            continue
        if positions is None:
            positions = _header_positions(headers, importer, by_header)
        # Only the importer's columns are turned into text (a text cell inline, the rare others
        # through cell_text); a row with none of them filled is kept if any other cell is.
        cells = _Cells().__dict__
        filled = False
        width = len(raw)
        for i, col in positions:
            value = raw[i] if i < width else None
            if value is None:
                text = None
            elif type(value) is str:
                text = value.strip() or None
            else:
                text = cell_text(value)
            if text is not None:
                filled = True
                if len(text) <= SHORT_TEXT:
                    text = short.setdefault(text, text)
            cells[col.key] = text
        if filled or any(cell_text(v) is not None for v in raw):
            rows.append(Row(number, cells))
    if empty:
        raise ImportFileError(_("文件是空的。"))
    if positions is None:
        _header_positions(headers, importer, by_header)  # a header row alone still names missing columns
    return rows


def _header_positions(headers: list[str], importer: Importer, by_header: dict) -> list[tuple[int, Column]]:
    missing = [c.header for c in importer.columns if c.required and c.header not in headers]
    if missing:
        raise ImportFileError(_("缺少必填列：%(cols)s。请下载模板，按模板的列名填写。") % {"cols": "、".join(missing)})
    return [(i, by_header[h]) for i, h in enumerate(headers) if h in by_header]


def validation_messages(exc: ValidationError, columns_by_key: dict[str, Column]) -> list[tuple[str, str]]:
    """(column header, message) pairs from a service's ValidationError."""
    out = []
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            col = columns_by_key.get(key)
            header = col.header if col else ("" if key == "__all__" else key)
            out.extend((header, m) for m in messages)
    else:
        out.extend(("", m) for m in exc.messages)
    return out


def import_job_run(job: ImportJob) -> ImportJob:
    """Validate every row, then save all or nothing. The job is run by whoever claims it
    (core.jobs.Lease): a finished job, or one running elsewhere under a live lease, is returned as
    it is, so a task delivered twice imports once."""
    lease = Lease.claim(ImportJob.objects.filter(pk=job.pk))
    if lease is None:
        job.refresh_from_db()
        return job
    importer = REGISTRY[job.kind]
    user = job.created_by
    try:
        with job.file.open("rb") as fh:
            rows = read_rows(io.BytesIO(fh.read()), importer, inspected=job.inspected_sha256)
        lease.beat(total_rows=len(rows), processed_rows=0)
        if not rows:  # only the header (an untouched template): nothing to validate
            errors = [RowError(2, "", _("文件中没有数据行：请从第 2 行起填写后再上传。"))]
        elif importer.check is not None:
            errors = _stream(importer, rows, user=user, job_id=job.pk, lease=lease)
        else:
            errors = _validate_then_save(importer, rows, user=user, lease=lease)
        if errors:
            errors.sort(key=lambda e: (e.row, e.column))
            message = _("%(bad)d 行有错误，全部 %(total)d 行均未导入。请下载错误行，改正后重新上传。") % {
                "bad": len({e.row for e in errors}),
                "total": len(rows),
            }
            lease.finish(
                state=ImportJob.State.REJECTED, errors=[e.as_dict() for e in errors], message=message,
                processed_rows=len(rows), saved_rows=0,  # what a streamed import wrote was rolled back
            )  # fmt: skip
    except ImportFileError as exc:
        with contextlib.suppress(LeaseLost):
            lease.finish(state=ImportJob.State.REJECTED, message=cap(str(exc), MESSAGE_MAX))
    except LeaseLost:
        pass  # failed after its lease, or claimed by a redelivery: nothing of this run was saved
    except IntegrityError:
        # Someone saved the same person, certificate or code between the check and the save. The
        # database's own text names the value (an ID number): it goes neither to the job nor to a log.
        with contextlib.suppress(LeaseLost):
            lease.fail(
                message=_(
                    "导入期间有人登记了相同的人员、编号或证件，没有导入任何数据。请重新导入，系统会指出重复的行。"
                ),
                saved_rows=0,
            )
    except Exception as exc:
        lease.fail(message=cap(_("导入失败，没有导入任何数据：%(e)s") % {"e": exc}, MESSAGE_MAX), saved_rows=0)
        raise
    job.refresh_from_db()
    return job


def check_whole_file(check: Callable, rows: list[Row], *, user, progress) -> tuple[list, list[RowError]]:
    """A streamed importer's `check` over the whole file at once, as a `validate` returns it:
    (prepared, errors). For callers that want every row checked before anything is written."""
    prepared, errors = [], []
    for done, chunk_prepared, chunk_errors in check(rows, user=user):
        prepared += chunk_prepared
        errors += chunk_errors
        progress(done)
    return prepared, errors


def _finish_done(lease: Lease, created: int, *, checked: int) -> None:
    lease.finish(
        state=ImportJob.State.DONE, created_rows=created, saved_rows=created, processed_rows=checked,
        message=_("已导入 %(n)d 行。") % {"n": created},
    )  # fmt: skip


def _validate_then_save(importer: Importer, rows: list[Row], *, user, lease: Lease) -> list[RowError]:
    """Every row checked, then, if none is bad, all saved in one transaction with the job's "done".
    Returns the bad rows' errors (nothing saved)."""
    prepared, errors = importer.validate(rows, user=user, progress=lambda done: lease.beat(processed_rows=done))
    if errors:
        return errors
    lease.beat(processed_rows=len(rows))
    with transaction.atomic():  # the rows and the job's "done" together, or neither
        _finish_done(lease, importer.save(prepared, user=user), checked=len(rows))
    return []


class _Rejected(Exception):
    """A streamed import met a bad row: what was written is rolled back."""


def _stream(importer: Importer, rows: list[Row], *, user, job_id: int, lease: Lease) -> list[RowError]:
    """Check the rows a chunk at a time and hand each clean chunk to the writer, which saves it
    while the next is checked; all in one transaction with the job's "done", or nothing. From the
    first bad row on, nothing more is written, every row is still checked (every bad row is named),
    and what was written is rolled back. The progress (rows checked, rows written) and the lease's
    heartbeat go through the job's own connection (_SaveProgress): the transaction keeps the job's
    row to itself. Without that connection (SQLite, or none to be had) the page learns at the end."""
    errors: list[RowError] = []
    told = _SaveProgress(job_id, lease.token, total=len(rows))
    try:
        with transaction.atomic(), _Writer(told) as writer:
            state: dict = {}
            chunks = importer.check(rows, user=user)
            for done, prepared, chunk_errors in writer.checking(chunks):
                errors.extend(chunk_errors)
                if not errors:
                    writer.submit(importer.write, prepared, user=user, state=state)
                told(processed=done)
            if errors:
                raise _Rejected
            writer.submit(importer.write_end, user=user, state=state)
            created = writer.wait()
            told(processed=len(rows), saved=created, last=True)
            _finish_done(lease, created, checked=len(rows))
    except _Rejected:
        return errors
    finally:
        told.close()
    return []


class _Writer:
    """An import's writes, run one after another in a thread of their own on the import's own
    connection and transaction (PostgreSQL), so the database files one chunk (its indexes, its
    history rows, its foreign-key checks) on one core while Python checks the next chunk on the
    other. The checks may query only before their first chunk: while writes are in flight the
    connection is the writer's (a query from the checking thread raises). The writes run in the
    checking thread's language (a reason or a step text they store is translated as before).
    Elsewhere (SQLite) the writes run in line. The first write that fails stops the rest and the
    checks (its error is raised to the engine at the next chunk, or by wait()): the job fails, and
    a run again names the bad rows."""

    def __init__(self, told: "_SaveProgress"):
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.threaded = self.connection.vendor == "postgresql"
        self.told, self.saved, self.error, self.stopped = told, 0, None, False
        self.tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.checker = threading.get_ident()
        self.language = translation.get_language()
        self.handed = False  # writes are in flight: the checking thread may not query

    def __enter__(self):
        if self.threaded:
            self.connection.inc_thread_sharing()
            self.connection.execute_wrappers.append(self._refuse_checker)
            self.thread = threading.Thread(
                target=contextvars.copy_context().run, args=(self._work,), name="import-writer", daemon=True
            )
            self.thread.start()
        return self

    def __exit__(self, kind, exc, tb):
        self.stopped = kind is not None  # a bad row or a failure: the writes still queued are dropped
        if self.threaded:
            self.tasks.put(None)
            self.thread.join()
            self.connection.execute_wrappers.remove(self._refuse_checker)
            self.connection.dec_thread_sharing()
        if self.error is not None and exc is not self.error:
            # A write failed after a bad row was found: the file is rejected for the bad rows and
            # nothing is saved; the failure is logged by its kind only (a database's text names values).
            logger.warning("an import's write failed (%s) after its file was found bad", type(self.error).__name__)
        return False

    def checking(self, chunks):
        """The checks' chunks; a failed write is raised here, at the next chunk."""
        for chunk in chunks:
            self._raise_failure()
            yield chunk

    def _refuse_checker(self, execute, sql, params, many, context):
        if self.handed and threading.get_ident() == self.checker:
            raise RuntimeError("an import's checks queried after their first chunk; the connection is the writer's")
        return execute(sql, params, many, context)

    def submit(self, write, *args, **kwargs) -> None:
        if self.error is not None or self.stopped:
            return
        self.handed = True
        if self.threaded:
            self.tasks.put((write, args, kwargs))
        else:
            self._run(write, args, kwargs)
            self._raise_failure()

    def wait(self) -> int:
        """Every write handed over done; the rows they saved. Raises the first write's failure."""
        if self.threaded:
            self.tasks.put(None)
            self.thread.join()
        self.handed = False  # no write in flight: the connection is the checking thread's again
        self._raise_failure()
        return self.saved

    def _work(self) -> None:
        try:
            connections[DEFAULT_DB_ALIAS] = self.connection  # this thread's default connection is the import's
            translation.activate(self.language)
        except BaseException as exc:  # no write runs, and wait() raises
            self.error = exc
        while (task := self.tasks.get()) is not None:
            if not self.stopped and self.error is None:
                self._run(*task)

    def _run(self, write, args, kwargs) -> None:
        try:
            self.saved += write(*args, **kwargs)
            self.told(saved=self.saved)
        except BaseException as exc:  # raised to the engine in the checking thread
            self.error = exc

    def _raise_failure(self) -> None:
        if self.error is not None:
            self.stopped = True
            raise self.error


class _SaveProgress:
    """The rows checked and written so far, written to the job's row through a second connection of
    its own (autocommitted): the import's transaction keeps its rows to itself until it commits, so
    progress written through it would show nothing until the end. At most twice a second (the last
    rows always); a job row held by another transaction is skipped (SKIP LOCKED), never waited for.
    Told from the checking thread and from the writer's (_Writer), one at a time. PostgreSQL only:
    SQLite (the quick start) has one writer at a time, and its page learns at the end."""

    EVERY_SECONDS = 0.5

    def __init__(self, job_id: int, token, *, total: int):
        self.job_id, self.token, self.total, self.last, self.connection = job_id, token, total, 0.0, None
        self.broken = False
        self.progress = {}  # the job's fields: saved_rows, processed_rows
        self.lock = threading.Lock()

    def __call__(self, *, saved: int | None = None, processed: int | None = None, last: bool = False) -> None:
        if self.broken or connection.vendor != "postgresql":
            return
        with self.lock:
            if saved is not None:
                self.progress["saved_rows"] = saved
            if processed is not None:
                self.progress["processed_rows"] = processed
            now = time.monotonic()
            if now - self.last < self.EVERY_SECONDS and not last and (saved or 0) < self.total:
                return  # the last rows are always told: what follows them (the commit) can take seconds
            self.last = now
            self._write()

    def _write(self) -> None:
        try:
            if self.connection is None:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
                self.connection.inc_thread_sharing()  # told by the checking thread and the writer's, in turn
            table = self.connection.ops.quote_name(ImportJob._meta.db_table)
            fields = "".join(f", {self.connection.ops.quote_name(f)} = %s" for f in self.progress)
            stamp_now = timezone.now()
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET heartbeat_at = %s, updated_at = %s{fields} WHERE id = ("  # noqa: S608
                    f"SELECT id FROM {table} WHERE id = %s AND state = %s AND started_at = %s FOR UPDATE SKIP LOCKED)",
                    [stamp_now, stamp_now, *self.progress.values(), self.job_id, ImportJob.State.RUNNING, self.token],
                )
        except DatabaseError:
            # No second connection (the server's or a pool's limit, a blip): the page learns at the
            # end, and the import, which is told from inside its COPY, goes on.
            logger.warning("import %s: the write's progress cannot be told (no second connection)", self.job_id)
            self.broken = True
            self._close()

    def close(self) -> None:
        with self.lock:
            self._close()

    def _close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(DatabaseError):
                self.connection.close()
            self.connection = None


MESSAGE_MAX = ImportJob._meta.get_field("message").max_length
NAME_MAX = ImportJob._meta.get_field("original_name").max_length


def import_file_name(name: str) -> str:
    """The uploaded file's name as the job records it. The name is a label (the file is stored under
    a name of its own), so a name longer than the job holds is not refused: it keeps its start and
    its extension, with "…" where the rest was cut, and the upload page says so (the name as uploaded
    stays in the access log of the import)."""
    if len(name) <= NAME_MAX:
        return name
    stem, extension = posixpath.splitext(name)
    if len(extension) > 20:  # not an extension: a long name with a dot in it
        stem, extension = name, ""
    return stem[: NAME_MAX - len(extension) - 1] + "…" + extension


def import_job_start(job: ImportJob) -> bool:
    """Run the job here (a small file) or hand it to the worker (returns True). With the queue
    down the job is marked failed with the reason and core.jobs.QueueUnavailable is raised."""
    if job.total_rows <= settings.IMPORT_BACKGROUND_ROWS:
        import_job_run(job)
        return False
    from core.tasks import run_import_job

    enqueue(run_import_job, job.pk, on_failure=lambda reason: import_job_queue_failed(job, reason))
    return True


def import_job_queue_failed(job: ImportJob, reason: str) -> None:
    message = _("任务队列不可用，未能转入后台导入，没有导入任何数据（%(reason)s）。可稍后点击“重新导入”。") % {
        "reason": reason
    }
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.FAILED, finished_at=now, message=cap(message, MESSAGE_MAX), updated_at=now
    )


def import_jobs_expire(queryset) -> int:
    """Fail the jobs whose worker died (running past the lease) or that never started (queued past
    core.jobs.queue_wait()), saying so; they can be run again."""
    lost = _(
        "导入中断：后台进程超过 %(m)d 分钟没有响应（可能已重启或被终止），没有导入任何数据。可点击“重新导入”再次运行。"
    )
    unstarted = _(
        "排队超过 %(m)d 分钟仍未开始（后台进程可能没有运行，或任务消息已丢失），没有导入任何数据。可点击“重新导入”。"
    )
    return fail_lost(queryset, message=cap(lost % {"m": lease_minutes()}, MESSAGE_MAX)) + fail_unstarted(
        queryset,
        since=("heartbeat_at", "created_at"),  # a job queued again: from when it was (import_job_retry)
        message=cap(unstarted % {"m": round(queue_wait().total_seconds() / 60)}, MESSAGE_MAX),
    )


def import_job_retry(job: ImportJob) -> bool:
    """Run a failed job again from its stored file (nothing of a failed job was saved). Returns
    whether it went to the worker; False with nothing done if the job is not failed."""
    again = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.FAILED).update(
        state=ImportJob.State.QUEUED, message="", errors=[], processed_rows=0, created_rows=0, saved_rows=0,
        started_at=None, heartbeat_at=timezone.now(), finished_at=None,  # queued again now: the wait starts now
        updated_at=timezone.now(),
    )  # fmt: skip
    if not again:
        return False
    job.refresh_from_db()
    return import_job_start(job)


def _styled_sheet(ws, headers: list[str], text_columns: Iterable[int] = ()):
    _append(ws, headers)
    for i, _h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(headers[i - 1]) * 2 + 4)
    for i in text_columns:
        ws.column_dimensions[get_column_letter(i)].number_format = "@"  # the whole column, as typed
        for row in range(2, 2001):  # and the cells, for readers that ignore a column's format
            ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"


def _append(ws, values) -> None:
    """A row whose text cells are text, never formulas: the bad rows are what was uploaded (a name
    typed as =HYPERLINK(...) goes back as those characters), and the template follows the same rule."""
    ws.append([safe_cell(ws, value) for value in values])


NOTES_SHEET = "填写说明"


def template_workbook(importer: Importer) -> bytes:
    """The data sheet (headers, text columns formatted as text, no values below the header) and the
    instructions sheet: every column explained, the importer's notes, then its examples. Examples
    never go on the data sheet: a clerk fills rows from row 2 and uploads nothing they did not write."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = importer.label[:31]
    text_cols = [i for i, c in enumerate(importer.columns, start=1) if c.text]
    _styled_sheet(ws, importer.headers, text_cols)
    notes = wb.create_sheet(NOTES_SHEET)
    _append(notes, ["列名", "必填", "说明"])
    for c in importer.columns:
        _append(notes, [c.header, "是" if c.required else "", c.help])
    for line in importer.notes:
        _append(notes, ["", "", line])
    if importer.example:
        _append(notes, [])
        _append(
            notes, [_("示例（仅说明填写方式，不会导入；请在“%(sheet)s”工作表第 2 行起填写）") % {"sheet": ws.title}]
        )
        notes.cell(row=notes.max_row, column=1).font = Font(bold=True)
        _append(notes, importer.headers)
        header_row = notes.max_row
        for i in range(1, len(importer.headers) + 1):
            notes.cell(row=header_row, column=i).font = Font(bold=True)
        for example in importer.example:
            _append(notes, example)
            for i in text_cols:
                notes.cell(row=notes.max_row, column=i).number_format = "@"
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def reason_text(column: str, message: str) -> str:
    """A reason in the bad-rows file names its column once: not again when the message already
    starts with it (统一社会信用代码校验位错误…)."""
    if not column or message.startswith(column):
        return message
    return f"{column}：{message}"


def bad_rows_workbook(job: ImportJob) -> bytes:
    """The rejected rows as they were uploaded, with a reason column, to fix and upload again."""
    importer = REGISTRY[job.kind]
    reasons: dict[int, list[str]] = {}
    for e in job.errors:
        reasons.setdefault(e["row"], []).append(reason_text(e["column"], e["message"]))
    headers: list[str] = []
    uploaded: dict[int, list] = {}
    with job.file.open("rb") as fh:
        for number, raw in sheet_rows(io.BytesIO(fh.read()), inspected=job.inspected_sha256):
            if number == 1:
                headers = [cell_text(h) or "" for h in raw]
            elif number in reasons:
                uploaded[number] = raw
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = importer.label[:31]
    text_cols = [i for i, h in enumerate(headers, start=1) if h in {c.header for c in importer.columns if c.text}]
    _styled_sheet(ws, [*headers, REASON_HEADER], ())
    for row_number in sorted(reasons):
        raw = uploaded.get(row_number, [])
        values = [cell_text(v) for v in raw] + [None] * (len(headers) - len(raw))
        _append(ws, [*values[: len(headers)], "；".join(reasons[row_number])])
    for i in text_cols:
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=i).number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
