"""The core's rules, run on a pushed change before the server writes it.

The same functions the app's own writes call (``core/validation.py`` for each value; the
domains' rules across rows: ``sessions.rules.check_booking`` for double booking,
``assignment.seats.check_seat`` for a mentor's capacity); a change they refuse is rejected with
their sentence, which the client keeps in its conflicts centre. (One decision per submission is
a conflict, not a rejection: ``push_apply`` keeps it as a lost review.)
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session

from mentor_tui.core.access import Actor
from mentor_tui.core.assignment.seats import check_seat
from mentor_tui.core.sessions.rules import NOT_BOOKED, check_booking
from mentor_tui.core.validation import check_fields, check_row, what
from mentor_tui.db.models import User
from mentor_tui.errors import UserError
from mentor_tui.server.push_change import Rejected, parse
from mentor_tui.server.schema import is_postgres
from mentor_tui.sync.protocol import table_specs

_BOOKING_FIELDS = frozenset({"starts_at", "duration_minutes", "mentor_id"})


def check_values(table: str, values: dict[str, Any], *, whole_row: bool) -> None:
    try:
        (check_row if whole_row else check_fields)(table, values)
    except UserError as exc:
        raise Rejected(str(exc)) from None


def check_across_rows(
    conn: Connection,
    actor: Actor,
    table: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    overrides: Iterable[str] = (),
) -> None:
    """The rules that read other rows, for a row about to become ``after`` (from ``before``,
    None for a new row)."""
    changed = set(after) if before is None else {f for f in after if after[f] != before.get(f)}
    # a session takes its time anew when made, moved, given to another mentor or un-cancelled
    # (marking one completed, or retitling it, books nothing)
    booking = (
        before is None
        or bool(changed & _BOOKING_FIELDS)
        or ("status" in changed and before.get("status") in NOT_BOOKED)
    )
    if table == "mentorship_sessions" and booking:
        _lock_user(conn, after.get("mentor_id"))
        _run(conn, lambda s: check_booking(s, actor, SimpleNamespace(**after)))
    elif (
        table == "users"
        and after.get("role") == "student"
        and after.get("deleted_at") is None
        and after.get("mentor_id") is not None
        and (before is None or before.get("mentor_id") != after["mentor_id"])
    ):
        force = actor.is_admin and "capacity" in set(overrides)
        _lock_user(conn, after["mentor_id"])

        def seat(s: Session) -> None:
            mentor = s.get(User, after["mentor_id"])
            if mentor is not None:
                check_seat(s, mentor, force=force)

        _run(conn, seat)


def missing_reference(conn: Connection, raw: dict[str, Any], change_id: str) -> str | None:
    """Why a change the database refused for a foreign key was refused, in words: the row it
    points at is not on the server (its own push was refused, or it was deleted for good)."""
    try:
        change = parse(raw, change_id)
    except Rejected:
        return None
    for column, ref_table in change.spec.ref_columns:
        value = change.values.get(column)
        if value is None:
            continue
        ref = table_specs()[ref_table].table if ref_table in table_specs() else None
        if ref is None:
            continue
        if conn.execute(select(ref.c.id).where(ref.c.id == value)).first() is None:
            label = what(change.spec.name, column.removesuffix("_id"))
            return f"{label} is not on the server (its own change was refused, or it is gone)."
    return None


def _lock_user(conn: Connection, user_id: str | None) -> None:
    """Hold the mentor's row until the push commits: two pushes booking the same mentor (or
    filling the same seats) at once take turns, so the second sees the first's row. (SQLite
    takes the whole database's write lock at the start of a push already.)"""
    if user_id is not None and is_postgres(conn.engine):
        conn.execute(select(User.id).where(User.id == user_id).with_for_update())


def _run(conn: Connection, rule: Any) -> None:
    """Run a core rule on a Session over the push's own connection and transaction (it sees
    the push's earlier changes; it only reads)."""
    session = Session(bind=conn, join_transaction_mode="rollback_only")
    try:
        rule(session)
    except UserError as exc:
        raise Rejected(str(exc)) from None
    finally:
        session.close()


__all__ = ["check_across_rows", "check_values", "missing_reference"]
