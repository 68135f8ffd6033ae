"""Writing many new rows at the speed of the database: one COPY per table on PostgreSQL, ids taken
from the table's sequence beforehand (so nothing is read back), and for a model that keeps history
(simple_history) one creation row per object, written the same way in the same transaction, with
the user and the reason. Elsewhere (the SQLite quick start) Django's bulk_create does the same.

Only for objects the caller has already validated (the import engine's rows): no signal is sent
and no save() runs, exactly as bulk_create."""

import datetime
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

CHUNK = 50_000


def bulk_insert(model, objs: list, *, user=None, reason: str = "", progress=None) -> list:
    """Insert `objs` (unsaved instances of `model`) and their history rows; returns them with their
    primary keys set. `progress(n)` is told the number of rows sent as the COPY goes."""
    if not objs:
        return objs
    history = getattr(model, "history", None)
    if connection.vendor != "postgresql":
        if history is not None:
            from simple_history.utils import bulk_create_with_history

            return bulk_create_with_history(
                objs, model, batch_size=500, default_user=user, default_change_reason=reason
            )
        return model.objects.bulk_create(objs, batch_size=500)
    fields = model._meta.concrete_fields
    _assign_ids(model, [obj for obj in objs if obj.pk is None])  # some may hold ids from reserve_ids
    for obj in objs:
        for field in fields:  # auto_now / auto_now_add, as save() would
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                field.pre_save(obj, add=True)
        obj._state.adding, obj._state.db = False, connection.alias
    _copy(model._meta.db_table, fields, objs, progress)
    if history is not None:
        _copy_history(history.model, objs, user=user, reason=reason)
    return objs


def bulk_insert_values(
    model, fields: list[str], rows: list[tuple], *, user=None, reason: str = "", progress=None, ids=None
) -> list[int]:
    """Insert plain rows, each a tuple of values in the order of `fields` (attnames: township_id),
    and their history rows; returns the new primary keys in the rows' order. What bulk_insert does
    without a model instance a row: an import of 100,000 people spends more on building instances
    than the database spends on the COPY. Fields not named take their default; auto_now and
    auto_now_add fields take the present moment. Only for rows the caller has validated. `progress(n)`
    is told the number of rows sent as the COPY goes. `ids`: the rows' ids taken before (reserve_ids)."""
    if not rows:
        return []
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        bulk_insert(model, objs, user=user, reason=reason)
        return [obj.pk for obj in objs]
    given = set(fields)
    now = timezone.now()
    constants = {}
    for field in meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.column] = now
        else:
            constants[field.column] = field.get_default()
    ids = _next_ids(model, len(rows)) if ids is None else ids
    columns = [meta.pk.column] + [meta.get_field(name).column for name in fields]
    _copy_rows(meta.db_table, columns, ((pk, *row) for pk, row in zip(ids, rows, strict=True)), constants, progress)
    history = getattr(model, "history", None)
    if history is not None:
        _copy_history_ids(history.model, model, ids, user=user, reason=reason)
    return ids


def bulk_update(model, objs: list, fields: list[str]) -> None:
    """Write `fields` of `objs` (saved instances of `model`) in one statement. On PostgreSQL an
    UPDATE ... FROM unnest() of one array per column: Django's bulk_update builds a CASE WHEN per
    row and field, a second of Python for 1,000 rows. Elsewhere Django's bulk_update. Like it, no
    signal is sent and auto_now is not applied (set updated_at yourself). For columns of scalar
    types (text, numbers, dates, times, booleans): each becomes an array of its type."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=500)
        return
    meta, quote = model._meta, connection.ops.quote_name
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    arrays += [[f.get_db_prep_value(getattr(obj, f.attname), connection) for obj in objs] for f in columns]
    types = [pk.rel_db_type(connection)] + [f.db_type(connection) for f in columns]
    names = [quote(pk.column)] + [quote(f.column) for f in columns]
    table = quote(meta.db_table)
    # Quoted names and types from the model; the values go as parameters.
    sets = ", ".join(f"{n} = v.{n}" for n in names[1:])
    arrays_sql = ", ".join(f"%s::{t}[]" for t in types)
    key = names[0]
    values = f"unnest({arrays_sql}) AS v({', '.join(names)})"
    sql = f"UPDATE {table} SET {sets} FROM {values} WHERE {table}.{key} = v.{key}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def bulk_history(model, objs: list, *, user=None, reason: str = "") -> None:
    """One change row ("~") per object of `model` (simple_history) with the values the objects hold
    now, as save() writes after an update: for rows changed with QuerySet.update() or bulk_update(),
    which send no signal. One COPY on PostgreSQL, one bulk_create elsewhere."""
    if not objs:
        return
    history = model.history
    if connection.vendor != "postgresql":
        history.bulk_history_create(objs, update=True, default_user=user, default_change_reason=reason)
        return
    _copy_history(history.model, objs, user=user, reason=reason, history_type="~")


def reserve_ids(model, count: int) -> range | list[int] | None:
    """Ids for `count` rows of `model` to be written by bulk_insert, taken now so that rows pointing
    at each other can be written in one pass (the foreign keys are checked at commit). None where
    ids cannot be taken before the insert (SQLite): the caller links the rows afterwards."""
    if connection.vendor != "postgresql" or not count:
        return None
    return _next_ids(model, count)


def check_keys_now() -> None:
    """Check the foreign keys of the rows written so far in this transaction now rather than at the
    commit (PostgreSQL: the deferred checks fire), so an import's writer spends the time while the
    next chunk is checked. All the portal's foreign keys are deferred (Django makes them so), and so
    they stay for the rest of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _next_ids(model, count: int) -> range | list[int]:
    """`count` new ids from the table's sequence: a range when they follow each other (no one else
    took one meanwhile, the usual case), so the database sends three numbers instead of a list. The
    sequence is looked up once (MATERIALIZED): inlined, the lookup ran again for every id and took
    four fifths of the time."""
    if not count:
        return range(0)
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH seq AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq), "
            "taken AS (SELECT nextval(seq.seq) AS id FROM seq, generate_series(1, %s)) "
            "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
            "ELSE array_agg(id ORDER BY id) END FROM taken",
            [model._meta.db_table, pk.column, count],
        )
        low, high, scattered = cursor.fetchone()
    return range(low, high + 1) if scattered is None else scattered


def _assign_ids(model, objs: list) -> None:
    attname = model._meta.pk.attname
    for obj, value in zip(objs, _next_ids(model, len(objs)), strict=True):
        setattr(obj, attname, value)


def _copy(table: str, fields, objs, progress=None) -> None:
    """COPY the objects' fields (by attname) into `table`."""
    attnames = [f.attname for f in fields]
    rows = ([obj.__dict__[a] for a in attnames] for obj in objs)
    _copy_rows(table, [f.column for f in fields], rows, progress=progress)


def _copy_rows(table: str, columns: list[str], rows, extra: dict | None = None, progress=None) -> None:
    """COPY `rows` (sequences of values in the order of `columns`) and `extra` constant columns into
    `table` (PostgreSQL's text format: a tab between cells, \\N for NULL, backslash escapes). The
    lines are made as the database reads them, so it files the first rows while the later ones are
    still being written out, and no whole copy of the table's text is held."""
    extra = extra or {}
    quote = connection.ops.quote_name  # a column named like a keyword ("end")
    names = ", ".join(quote(c) for c in [*columns, *extra])
    constants = "".join("\t" + _text(v) for v in extra.values())
    if progress is not None:
        rows = _told(rows, progress)
    lines = ("\t".join([_text(v) for v in row]) + constants + "\n" for row in rows)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN", _LineReader(lines), size=COPY_READ)


#: How often a COPY tells its progress, in rows.
PROGRESS_EVERY = 5_000


def _told(rows, progress):
    count = 0
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_EVERY == 0:
            progress(count)
    progress(count)


#: What the database driver asks of the lines at a time.
COPY_READ = 256 * 1024


class _LineReader:
    """A file for COPY to read: text pulled from an iterator of lines as it is asked for."""

    def __init__(self, lines):
        self.lines, self.rest = lines, ""

    def read(self, size: int = -1) -> str:
        parts, length = [self.rest], len(self.rest)
        while size < 0 or length < size:
            line = next(self.lines, None)
            if line is None:
                break
            parts.append(line)
            length += len(line)
        text = "".join(parts)
        if size < 0 or len(text) <= size:
            self.rest = ""
            return text
        self.rest = text[size:]
        return text[:size]


def _copy_history(history_model, objs, *, user, reason: str, history_type: str = "+") -> None:
    _copy_history_ids(
        history_model, type(objs[0]), [obj.pk for obj in objs], user=user, reason=reason, history_type=history_type
    )


def _copy_history_ids(history_model, model, ids, *, user, reason: str, history_type: str = "+") -> None:
    """One creation row ("+", or a change "~") per row of `model` named by `ids`, as simple_history
    writes on save: the tracked fields copied from the row as it now is in the table, the time, the
    user and the reason. The database copies them (INSERT ... SELECT over the ids): no value of the
    rows goes through Python a second time."""
    tracked = [
        f for f in history_model._meta.concrete_fields if not f.name.startswith("history_") and f.name != "history_id"
    ]
    source = {f.name: f for f in model._meta.concrete_fields}
    pairs = [(h, source[h.name]) for h in tracked if h.name in source]
    qn = connection.ops.quote_name
    # Only table and column names (from the models' metadata, quoted) are formatted in; every value
    # is a parameter.
    sql = (
        f"INSERT INTO {qn(history_model._meta.db_table)} "  # noqa: S608
        f"({', '.join(qn(h.column) for h, _s in pairs)}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {', '.join(qn(s.column) for _h, s in pairs)}, %s, %s, %s, %s "
        f"FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} = ANY(%s)"
    )
    now, user_id = timezone.now(), user.pk if user is not None else None
    with connection.cursor() as cursor:
        if isinstance(ids, range) and ids.step == 1:  # ids just taken in one block: the block's bounds
            sql = sql.replace("= ANY(%s)", "BETWEEN %s AND %s")
            if ids:
                cursor.execute(sql, [now, reason or None, history_type, user_id, ids[0], ids[-1]])
            return
        for start in range(0, len(ids), CHUNK):
            cursor.execute(sql, [now, reason or None, history_type, user_id, list(ids[start : start + CHUNK])])


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One cell of COPY's text format. An empty string stays empty; only None is NULL. Most cells
    are text with nothing to escape: they go out as they are, with no new string made."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if value is None:
        return "\\N"
    if kind is int or kind is Decimal or kind is float:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.date or kind is datetime.datetime:
        return value.isoformat()
    if isinstance(value, str):  # the TextChoices members: their plain text, escaped as above
        return _text(str.__str__(value))
    if isinstance(value, dict | list):
        # JSON writes every control character as an escape, so only its backslashes need doubling
        # (str.translate walks a long text of Chinese a character at a time: a case's snapshot).
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder).replace("\\", "\\\\")
    return str(value).translate(_ESCAPES)


class given_timestamps:
    """`with given_timestamps(Model): Model.objects.bulk_create(rows)` keeps the created/updated
    times the rows carry (demo data dated in the past): without it auto_now and auto_now_add fields
    take the present moment on the bulk_create path (SQLite), while COPY keeps them."""

    def __init__(self, model):
        self.fields = [
            f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False
        return self

    def __exit__(self, *exc):
        for f, auto_now, auto_now_add in self.saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
        return False
