"""How the write path (``core/writes.py``) puts a row in the store: one statement of its own,
at once, instead of an object left to the ORM's unit of work for the next flush.

A flush of one row costs far more than the row's statement (the unit of work sorts, collects,
compiles and post-processes); a decision writes three rows (the submission, its journal entry,
its audit entry) plus the notification's three, and pays that six times. Here each statement's
SQL is made once per table, columns and database (``_made``), each value goes through its
column type's own bind processor (what SQLAlchemy binds, so the stored values are the same),
and the driver runs it.

The ORM object the caller holds is left as a flush leaves it (``settled``): persistent in the
session's identity map, its values committed (nothing dirty, nothing written twice), and
registered with the transaction, so a rollback expunges a new row and expires a changed one as
it did. What the caller added or changed through the session before the write is flushed first
(``flushed_first``), so rows reach the store in the order they were written (a row's parent
first: foreign keys are checked at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import insert as sql_insert
from sqlalchemy import inspect
from sqlalchemy import update as sql_update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
Made = tuple[str, tuple[Callable[[Any], Any] | None, ...]]
# per dialect (an engine's own: its JSON serializer is in its processors), per statement
_MADE: WeakKeyDictionary[Any, dict[tuple[Any, ...], Made | None]] = WeakKeyDictionary()


def driver_mark(dialect: Any) -> str | None:
    """The driver's positional parameter mark; None for a style that is not positional."""
    return _MARKS.get(dialect.paramstyle)


def insert_sql(dialect: Any, table: Any, names: Sequence[str], mark: str) -> str:
    """The driver's SQL of an ``INSERT`` of ``names`` into ``table`` (one row's parameters)."""
    quote = dialect.identifier_preparer.quote
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join(mark for _ in names)})"
    )


def _made(dialect: Any, table: Any, kind: str, names: tuple[str, ...]) -> Made | None:
    """The SQL of an ``insert`` of ``names`` into ``table`` or an ``update`` of ``names`` (the
    last one the id) and each parameter's bind processor; None for a driver whose parameter
    style is not positional (SQLAlchemy's own statement then)."""
    statements = _MADE.get(dialect)
    if statements is None:
        statements = _MADE[dialect] = {}
    key = (table, kind, names)
    if key in statements:
        return statements[key]
    mark = driver_mark(dialect)
    made: Made | None = None
    if mark is not None:
        quote = dialect.identifier_preparer.quote
        if kind == "insert":
            sql = insert_sql(dialect, table, names, mark)
        else:
            sets = ", ".join(f"{quote(n)} = {mark}" for n in names[:-1])
            sql = f"UPDATE {quote(table.name)} SET {sets} WHERE {quote(names[-1])} = {mark}"
        processors = tuple(
            table.columns[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
        )
        made = (sql, processors)
    statements[key] = made
    return made


def _params(made: Made, values: Any) -> tuple[Any, ...]:
    # every value through its processor, None too (as SQLAlchemy does: JSON, say, decides)
    return tuple(
        v if proc is None else proc(v)
        for proc, v in zip(made[1], values)  # noqa: B905 - one per name
    )


def insert_values(session: Session, table: Any, values: dict[str, Any]) -> None:
    """``INSERT`` one row of ``table`` with ``values`` (a value for every column to write)."""
    conn = session.connection()
    made = _made(conn.dialect, table, "insert", tuple(values))
    if made is None:
        conn.execute(sql_insert(table), values)
        return
    conn.exec_driver_sql(made[0], _params(made, values.values()))


def update_values(session: Session, table: Any, row_id: Any, values: dict[str, Any]) -> int:
    """``UPDATE`` the row of ``table`` whose id is ``row_id`` to ``values``; how many rows."""
    conn = session.connection()
    made = _made(conn.dialect, table, "update", (*values, "id"))
    if made is None:
        statement = sql_update(table).where(table.c.id == row_id).values(values)
        return int(conn.execute(statement).rowcount)
    result = conn.exec_driver_sql(made[0], _params(made, (*values.values(), row_id)))
    return int(result.rowcount)


def flushed_first(session: Session, row: Any) -> Any:
    """Before ``row`` is written: it in the session (a detached row attached, as ``add``
    does), and whatever the session holds unwritten flushed (nothing when it is clean), so
    earlier writes reach the store first. ``row``'s state; a row the store never had (no
    identity) is left out of the session and of the flush."""
    state = inspect(row)
    if state.key is None:
        if state.pending:  # added by the caller: it is written here, once
            session.expunge(row)
    else:
        session.add(row)
    session.flush()
    return state


def settled(session: Session, state: Any, *, new: bool) -> None:
    """``state``'s row as a flush leaves it once its statement ran: persistent, its values
    committed, and in the transaction's record (a rollback expunges a new row, expires a
    changed one). The unit of work's own step (``Session._register_persistent``)."""
    if new:
        session.add(state.obj())  # pending, so that the step below makes it persistent
    session._register_persistent({state})


def updated_one(count: int, table: Any, row_id: Any) -> None:
    """A flush's check that an ``UPDATE`` found its row."""
    if count != 1:
        raise StaleDataError(
            f"UPDATE statement on table '{table.name}' expected to update 1 row(s); "
            f"{count} were matched."
        )


def write_changes(session: Session, row: Any, values: dict[str, Any]) -> None:
    """``row`` given ``values`` in the store by one ``UPDATE`` and on the object, as a flush
    leaves it. A row the store never had is added, for the next flush to write."""
    state = flushed_first(session, row)
    for key, value in values.items():
        setattr(row, key, value)
    if state.key is None:
        session.add(row)
        return
    table = row.__table__
    updated_one(update_values(session, table, row.id, values), table, row.id)
    settled(session, state, new=False)
