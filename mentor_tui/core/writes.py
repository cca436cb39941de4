"""The one write path: every create, update and delete bumps the version, is recorded in the
change journal (the sync outbox) and is audit-logged, inside the caller's transaction. Every
value written is checked first (``core/validation.py``, the same check the sync server runs).
Each row (the changed row, its journal and audit entries) is written at once by a statement of
its own, not left to the ORM's flush: ``core/write_rows.py``.

Where a change is recorded is the caller's choice (``use_change_log``): a local store's change
journal by default; a program that writes a sync server's database (the learning platform
bridge run by the server) installs the server's change log, so clients pull the change."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from sqlalchemy import DateTime
from sqlalchemy import insert as sql_insert
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from mentor_tui.core import clock
from mentor_tui.core.journal_sql import change_id_prefix, journal_insert_sql
from mentor_tui.core.validation import check_fields, check_row, check_rows
from mentor_tui.core.write_rows import (
    driver_mark,
    flushed_first,
    insert_sql,
    insert_values,
    settled,
    write_changes,
)
from mentor_tui.db.engine import sorting
from mentor_tui.db.models import AuditEntry, JournalEntry, Synced, new_id, new_ids

T = TypeVar("T", bound=Synced)

_BOOKKEEPING = {"id", "created_at", "updated_at", "version", "deleted_at"}
_CHANGE_LOG = "mentor_tui.change_log"


class ChangeLog(Protocol):
    """Where the changes of one session are recorded."""

    def record(
        self,
        session: Session,
        actor_id: str | None,
        row: Synced,
        op: str,
        base_version: int,
        fields: dict[str, Any],
        overrides: list[str] | None,
        previous: dict[str, Any],
    ) -> None:
        """One change: ``op`` insert / update / delete, ``fields`` as written, ``previous``
        the values the changed fields had (an update's; empty otherwise)."""

    def record_many(
        self, session: Session, actor_id: str | None, table: Any, rows: list[dict[str, Any]]
    ) -> None:
        """Many new rows of ``table`` (``insert_many``), each with all of its fields."""


class Journal:
    """The local store's change journal (the sync outbox): the default change log.

    ``record_many`` on SQLite has SQLite make the entries from the rows just written
    (``core/journal_sql.py``); ``made_by_sqlite`` off, or another database, makes them here."""

    made_by_sqlite = True

    def record(
        self,
        session: Session,
        actor_id: str | None,
        row: Synced,
        op: str,
        base_version: int,
        fields: dict[str, Any],
        overrides: list[str] | None,
        previous: dict[str, Any],
    ) -> None:
        entry = journal_entry(row.__tablename__, row.id, op, base_version, fields, actor_id,
                              clock.now())  # fmt: skip
        entry |= {"fields": to_json_value(fields), "overrides": overrides or None}
        insert_values(session, JournalEntry.__table__, entry)  # type: ignore[attr-defined]

    def record_many(
        self, session: Session, actor_id: str | None, table: Any, rows: list[dict[str, Any]]
    ) -> None:
        moment = clock.now()
        entity = str(table.name)  # a plain str: the driver adapts a str subclass value by value
        conn = session.connection()
        if self.made_by_sqlite and conn.dialect.name == "sqlite":
            journal_table = JournalEntry.__table__  # type: ignore[attr-defined]
            made_at = _processor(journal_table.c.made_at, conn.dialect)(moment)
            ids = _ENCODE([row["id"] for row in rows])
            sql = journal_insert_sql(table, list(rows[0]), conn.dialect.identifier_preparer.quote)
            prefix = change_id_prefix(moment)
            conn.exec_driver_sql(sql, (prefix, entity, actor_id, made_at, ids))
            return
        times = [c.name for c in table.columns if isinstance(c.type, DateTime | UTCDateTime)]
        journal = [
            journal_entry(entity, row["id"], "insert", 0, fields, actor_id, moment, change_id)
            for row, fields, change_id in zip(  # noqa: B905 - as many of each
                rows, json_texts(rows, times), new_ids(len(rows))
            )
        ]
        _bulk(session, JournalEntry.__table__, journal, texts=("fields",))  # type: ignore[attr-defined]


def journal_entry(
    entity: str,
    entity_id: str,
    op: str,
    base_version: int,
    fields: dict[str, Any] | str,
    actor_id: str | None,
    moment: datetime,
    change_id: str | None = None,
) -> dict[str, Any]:
    """One change journal row, the one way it is made (``fields`` as given; the caller makes
    them JSON values, or their JSON text for ``_bulk``'s ``texts``)."""
    return {
        "change_id": change_id or new_id(),
        "entity": entity,
        "entity_id": entity_id,
        "op": op,
        "base_version": base_version,
        "fields": fields,
        "actor_id": actor_id,
        "made_at": moment,
        "pushed_at": None,
    }


JOURNAL = Journal()


def use_change_log(session: Session, log: ChangeLog) -> None:
    """Record this session's changes in ``log`` instead of the local change journal."""
    session.info[_CHANGE_LOG] = log


def change_log(session: Session) -> ChangeLog:
    log: ChangeLog = session.info.get(_CHANGE_LOG, JOURNAL)
    return log


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_encoder(
    default: Callable[[Any], Any] | None = None, *, sort_keys: bool = False
) -> Callable[[Any], str]:
    """``json.JSONEncoder(default=default, sort_keys=sort_keys).encode``: the same text, from
    one C encoder made once instead of one made per call (``encode`` makes one each time), for
    a writer of a JSON text per row (the learning platform bridge: a journal entry and a link
    per row). Without circular-reference checks: what it encodes is rows' fields."""
    plain = json.JSONEncoder(sort_keys=sort_keys)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C speedups in this Python
        return json.JSONEncoder(default=default or plain.default, sort_keys=sort_keys).encode
    encode = make(None, default or plain.default, json.encoder.encode_basestring_ascii, None,
                  plain.key_separator, plain.item_separator, sort_keys, False, True)  # fmt: skip

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


_ENCODE = json_encoder(_json_default)  # json.dumps(value, default=...)


def json_text(value: Any) -> str:
    """``value`` as JSON text, the very text ``json.dumps(to_json_value(value))`` makes (what a
    JSON column stores), in one pass of the encoder instead of a copy first."""
    return _ENCODE(value)


def json_texts(rows: Sequence[dict[str, Any]], times: Sequence[str]) -> list[str]:
    """``json_text`` of each row, the same text; the times of the fields named in ``times``
    made ISO text once per distinct time (rows written together share their moments), not
    once per row by the encoder's fallback."""
    made: dict[tuple[datetime, Any], str] = {}
    texts = []
    for row in rows:
        fields = dict(row)
        for name in times:
            value = fields.get(name)
            if isinstance(value, datetime):
                key = (value, value.tzinfo)  # equal instants in other zones are other texts
                iso = made.get(key)
                if iso is None:
                    iso = made[key] = value.isoformat()
                fields[name] = iso
        texts.append(_ENCODE(fields))
    return texts


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    return value


def audit(
    session: Session,
    actor_id: str | None,
    action: str,
    entity: str,
    entity_id: str,
    detail: dict[str, Any] | None = None,
) -> None:
    moment = clock.now()
    entry = {"id": new_id(), "actor_id": actor_id, "action": action, "entity": entity,
             "entity_id": entity_id, "at": moment, "detail": to_json_value(detail or {})}  # fmt: skip
    insert_values(session, AuditEntry.__table__, entry)  # type: ignore[attr-defined]


def _journal(
    session: Session,
    actor_id: str | None,
    row: Synced,
    op: str,
    base_version: int,
    fields: dict[str, Any],
    overrides: list[str] | None = None,
    previous: dict[str, Any] | None = None,
) -> None:
    change_log(session).record(
        session, actor_id, row, op, base_version, fields, overrides, previous or {}
    )


def _columns(row: Synced) -> dict[str, Any]:
    return {name: getattr(row, name) for name in type(row).model_fields}


def insert(
    session: Session,
    actor_id: str | None,
    row: T,
    *,
    action: str = "create",
    detail: dict[str, Any] | None = None,
) -> T:
    check_row(row.__tablename__, _columns(row))
    moment = clock.now()
    row.created_at = getattr(row, "created_at", None) or moment
    row.updated_at = moment
    row.version = 1
    state, fields = flushed_first(session, row), _columns(row)
    if state.key is None:
        insert_values(session, row.__table__, fields)
        settled(session, state, new=True)
    else:  # a row the store has: what it changed goes at the next flush, as it always did
        session.add(row)
    _journal(session, actor_id, row, "insert", 0, fields)
    audit(session, actor_id, action, row.__tablename__, row.id, detail)
    return row


def insert_many(
    session: Session,
    actor_id: str | None,
    model: type[Synced],
    rows: Sequence[dict[str, Any]],
    *,
    action: str = "create",
    audit_each: bool = True,
    journal: bool = True,
) -> int:
    """New rows of one table, each as ``insert`` makes it (version 1, journaled, audited), in
    one statement per table: for a producer of many rows at once (the learning platform
    bridge's first pass). Each dict holds the row's fields, ``id`` included; ``created_at``
    is kept when given. Returns how many rows were written.

    ``audit_each=False``: no audit entry per row; the caller writes one for the whole batch
    with its count. ``journal=False``: no journal entries, in a store never joined to a server
    (its first login queues every row it holds: ``lms.bookkeeping.never_joined``)."""
    if not rows:
        return 0
    moment = clock.now()
    defaults = {
        name: info.get_default(call_default_factory=False)
        for name, info in model.model_fields.items()
        if not info.is_required() and info.default_factory is None
    }
    factories = {
        name: info.default_factory
        for name, info in model.model_fields.items()
        if info.default_factory is not None and name != "id"
    }
    values: list[dict[str, Any]] = []
    trail: list[dict[str, Any]] = []
    entity = str(model.__tablename__)
    for fields in rows:
        row = defaults | fields
        if factories:
            for name, make in factories.items():
                if name not in fields:
                    row[name] = make()  # type: ignore[call-arg]
        row.update(created_at=fields.get("created_at") or moment, updated_at=moment, version=1,
                   deleted_at=None)  # fmt: skip
        values.append(row)
        if audit_each:
            trail.append(
                {
                    "id": new_id(),
                    "actor_id": actor_id,
                    "action": action,
                    "entity": entity,
                    "entity_id": row["id"],
                    "at": moment,
                    "detail": {},
                }
            )
    check_rows(entity, values)
    _bulk(session, model.__table__, values)
    if journal:
        change_log(session).record_many(session, actor_id, model.__table__, values)
    if trail:
        _bulk(session, AuditEntry.__table__, trail)  # type: ignore[attr-defined]
    return len(values)


@contextmanager
def indexes_deferred(session: Session, model: type[Synced]) -> Iterator[None]:
    """Around filling an empty table with many rows on SQLite: its own indexes (not the
    primary key or a unique constraint's, which check what is written) are dropped first and
    made again at the end, each in one sort instead of a B-tree insert per row. Both in the
    caller's transaction, which rolls back on any error: the schema is then as it was."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (model.__tablename__,),
    ).all()
    if found:
        begin_for_ddl(conn)
    for name, _sql in found:
        conn.exec_driver_sql(f"DROP INDEX {conn.dialect.identifier_preparer.quote(name)}")
    yield  # an error rolls the transaction back (``session_scope``): the drops go with it
    with sorting(conn.connection.dbapi_connection):  # type: ignore[arg-type]
        for _name, sql in found:
            conn.exec_driver_sql(sql)


def begin_for_ddl(conn: Any) -> None:
    """Python's sqlite3 opens a transaction before a write, not before DDL: open it here
    (when none is open), or a schema change would be done at once, whatever became of the
    rest of the caller's transaction."""
    if not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")


def _processor(column: Any, dialect: Any) -> Any:
    """The column type's bind processor; for times, remembering what it made in this batch
    (rows written together share their moments: ``updated_at``, often ``created_at``). Equal
    aware times are the same instant, so they store as the same value."""
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None or not isinstance(column.type, DateTime | UTCDateTime):
        return proc
    made: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if value is None:
            return None  # what the processor makes of it
        if value.tzinfo is None:
            return proc(value)
        if value not in made:
            made[value] = proc(value)
        return made[value]

    return remembered


def _column_processor(column: Any, dialect: Any) -> Callable[[Sequence[Any]], Any] | None:
    """``_processor`` for a whole column of values at once; for times, each distinct value
    made once (``remembered``'s values: None stays None, equal aware times are one instant;
    a naive time never equals an aware one)."""
    proc = _processor(column, dialect)
    if proc is None:
        return None
    if not isinstance(column.type, DateTime | UTCDateTime):
        return lambda values: tuple(map(proc, values))

    def times(values: Sequence[Any]) -> Any:
        made = {v: proc(v) for v in set(values)}
        return tuple(map(made.__getitem__, values))

    return times


def _bulk(
    session: Session, table: Any, rows: list[dict[str, Any]], texts: tuple[str, ...] = ()
) -> None:
    """``INSERT`` of many rows with the same keys, each value through its column type's own
    bind processor, in one ``executemany`` of the driver: the same rows as SQLAlchemy's
    executemany writes without its per-row parameter compilation. Falls back to that when the
    driver's parameter style is another or a column left out has a Python-side default.

    ``texts``: JSON columns given as their JSON text (``json_text``), stored as given."""
    names = list(rows[0])
    conn = session.connection()
    dialect = conn.dialect
    mark = driver_mark(dialect)
    left_out = [c for c in table.columns if c.name not in rows[0]]
    if mark is None or any(c.default is not None or c.onupdate is not None for c in left_out):
        if texts:
            rows = [row | {c: json.loads(row[c]) for c in texts} for row in rows]
        session.execute(sql_insert(table), rows)
        return
    columns = [table.columns[name] for name in names]
    processors = [None if c.name in texts else _column_processor(c, dialect) for c in columns]
    sql = insert_sql(dialect, table, names, mark)
    # every value through its processor, None too (as SQLAlchemy does: JSON, say, decides),
    # a column at a time: the rows as tuples, turned into columns and back by zip
    get = itemgetter(*names)
    params: list[Any] = list(map(get, rows)) if len(names) > 1 else [(get(r),) for r in rows]
    if any(proc is not None for proc in processors):
        columns = list(zip(*params))  # noqa: B905 - rows of one length
        for i, proc in enumerate(processors):
            if proc is not None:
                columns[i] = proc(columns[i])
        params = list(zip(*columns))  # noqa: B905
    conn.exec_driver_sql(sql, params)


def update(
    session: Session,
    actor_id: str | None,
    row: T,
    changes: dict[str, Any],
    *,
    action: str = "update",
    detail: dict[str, Any] | None = None,
    overrides: list[str] | None = None,
) -> T:
    """Apply ``changes`` (field -> new value); fields that do not change are not journaled.
    ``overrides`` names a rule the change overrides on purpose (``["capacity"]``: an admin's
    forced assignment), journaled for the sync server."""
    unknown = set(changes) - set(type(row).model_fields) | (set(changes) & _BOOKKEEPING)
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)} on {type(row).__name__}")
    changed = {k: v for k, v in changes.items() if getattr(row, k) != v}
    if not changed:
        return row
    check_fields(row.__tablename__, changed)
    previous = {key: getattr(row, key) for key in changed}
    base = row.version
    write_changes(session, row, changed | {"version": base + 1, "updated_at": clock.now()})
    _journal(session, actor_id, row, "update", base, changed, overrides, previous)
    audit_detail = {"fields": sorted(changed)} | (detail or {})
    audit(session, actor_id, action, row.__tablename__, row.id, audit_detail)
    return row


def tombstone(
    session: Session,
    actor_id: str | None,
    row: T,
    *,
    action: str = "delete",
    detail: dict[str, Any] | None = None,
) -> T:
    if row.deleted_at is not None:
        return row
    base = row.version
    moment = clock.now()
    write_changes(session, row, {"deleted_at": moment, "version": base + 1, "updated_at": moment})
    _journal(session, actor_id, row, "delete", base, {"deleted_at": moment})
    audit(session, actor_id, action, row.__tablename__, row.id, detail)
    return row
