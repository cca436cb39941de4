"""Pages of the students list read from statements built once, and read by keyset.

Building the list's statement (the page, the progress, submission and attendance figures of
its rows) took SQLAlchemy longer than SQLite took to run it. Each shape of statement (actor,
order, direction, with or without a filter, a keyset or not) is built once per process with
the call's values as bound parameters: a filter key only binds its text.

A page can start after (or, read backwards, before) a row already shown: its **anchor**, the
values it sorts by (the sort key, then name, then id, which every order ends with, so no two
rows tie). Reading from an anchor costs the same at row 90,000 as at row 100 — for the name
order SQLite seeks to it in the ``role, deleted_at, full_name, id`` index — where OFFSET steps
over every row before the page. ``skip`` rows past the start or the anchor are still stepped
over (a jump to a row far from any shown).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    type_coerce,
)
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from mentor_tui.config import Config
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.people.student_figures import (
    GRADUATED,
    PEOPLE_COLUMNS,
    RiskContext,
    StudentFigures,
    StudentRow,
    like_pattern,
    matches,
)
from mentor_tui.db.models import User
from mentor_tui.errors import UserError

SORT_KEYS: tuple[str, ...] = ("name", "status", "completion", "pending", "last_activity", "at_risk")

Anchor = tuple[Any, ...]
"""A row's place in its order: its sort key's value, name and id (name and id for `name`)."""


class _BoundTerms:
    """The at-risk moments and threshold as bound parameters (see ``RiskTerms``)."""

    now = bindparam("now", type_=UTCDateTime())
    idle_before = bindparam("idle_before", type_=UTCDateTime())
    overdue_before = bindparam("overdue_before", type_=UTCDateTime())

    def __init__(self, with_threshold: bool) -> None:
        self.behind_threshold = bindparam("behind", type_=Float()) if with_threshold else None


def _after(keys: list[tuple[Any, bool]], names: list[str]) -> ColumnElement[bool]:
    """Rows after the anchor bound as ``names`` in the order of ``keys`` (column, descending)."""
    values: list[Any] = [bindparam(name) for name in names]
    if len({descending for _, descending in keys}) == 1:  # one direction: a row value, which
        columns = tuple_(*(column for column, _ in keys))  # SQLite seeks to in an index
        return columns < tuple_(*values) if keys[0][1] else columns > tuple_(*values)
    (column, descending), value = keys[0], values[0]
    beyond: ColumnElement[bool] = column < value if descending else column > value
    if len(keys) == 1:
        return beyond
    return or_(beyond, and_(column == value, _after(keys[1:], names[1:])))


@lru_cache(maxsize=64)
def _statement(
    actor: Actor,
    sort: str,
    descending: bool,
    backwards: bool,
    filtered: bool,
    include_graduated: bool,
    keyset: bool,
    with_threshold: bool,
) -> tuple[Select[Any], StudentFigures, int]:
    """The page's statement, its figures (for ``make_row``) and how many anchor values end
    each row; the parameters are bound at each call (``read_page``)."""
    where: list[ColumnElement[bool]] = [student_scope(actor)]
    if not include_graduated:  # graduated students leave the working lists
        where.append(User.status != GRADUATED)
    if filtered:
        where.append(matches(bindparam("pattern", type_=String())))
    terms = _BoundTerms(with_threshold)
    # the placeholder context: make_row is always given the call's own
    placeholder = RiskContext(datetime.min, 0, None)
    reverse = descending != backwards
    if sort in ("name", "status"):  # the page from the users table, then its figures
        columns = (
            [User.full_name, User.id] if sort == "name" else [User.status, User.full_name, User.id]
        )
        page = select(*PEOPLE_COLUMNS).where(*where)
        if keyset:
            page = page.where(_after([(c, reverse) for c in columns], _names(len(columns))))
        page = page.order_by(*(c.desc() if reverse else c.asc() for c in columns))
        people = page.limit(bindparam("limit")).offset(bindparam("skip")).cte("page")
        figures = StudentFigures(people, placeholder, terms)
        p = people.c
        ordered = [p.full_name, p.id] if sort == "name" else [p.status, p.full_name, p.id]
        query = figures.rows_query().add_columns(*ordered)
        query = query.order_by(*(c.desc() if reverse else c.asc() for c in ordered))
        return query, figures, len(ordered)
    figures = StudentFigures(
        select(*PEOPLE_COLUMNS).where(*where).subquery("people"), placeholder, terms
    )
    p = figures.people.c
    key: ColumnElement[Any] = figures.sort_column(sort)
    if sort == "last_activity":  # never NULL, so that an anchor compares: '' sorts as NULL did
        key = func.coalesce(type_coerce(key, String()), literal_column("''"))
    # ties by name then id ascending (read backwards: descending)
    keys = [(key, reverse), (p.full_name, backwards), (p.id, backwards)]
    query = figures.rows_query().add_columns(*(column for column, _ in keys))
    if keyset:
        query = query.where(_after(keys, _names(len(keys))))
    query = query.order_by(*(c.desc() if d else c.asc() for c, d in keys))
    return query.limit(bindparam("limit")).offset(bindparam("skip")), figures, len(keys)


def _names(count: int) -> list[str]:
    return [f"anchor_{n}" for n in range(count)]


def read_page(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    sort: str = "name",
    descending: bool = False,
    include_graduated: bool = True,
    limit: int = 100,
    skip: int = 0,
    after: Anchor | None = None,
    backwards: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
    cohort_average: float | None = None,
) -> list[tuple[StudentRow, Anchor]]:
    """Up to ``limit`` students in the list's order with each one's anchor: those after the
    row anchored at ``after`` (from the start without one), ``skip`` of them stepped over.
    ``backwards``: read from the end of the list (or before ``after``) towards its start, the
    rows still returned in the list's order."""
    if sort not in SORT_KEYS:
        raise UserError(f"Unknown sort key {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    if skip < 0 or limit < 0:
        raise UserError("Offset and limit must be zero or more.")
    ctx = RiskContext.build(session, config, now, cohort_average)
    pattern = like_pattern(text_filter)
    threshold = ctx.behind_threshold
    statement, figures, width = _statement(
        actor,
        sort,
        descending,
        backwards,
        bool(pattern),
        include_graduated,
        after is not None,
        threshold is not None,
    )
    params: dict[str, Any] = {
        "limit": limit,
        "skip": skip,
        "now": ctx.now,
        "idle_before": ctx.idle_before,
        "overdue_before": ctx.overdue_before,
    }
    if pattern:
        params["pattern"] = pattern
    if threshold is not None:
        params["behind"] = threshold
    if after is not None:
        if len(after) != width:
            raise ValueError(f"An anchor of the {sort!r} order has {width} values.")
        params.update(zip(_names(width), after, strict=True))
    found = [
        (figures.make_row(values, ctx), tuple(values[-width:]))
        for values in session.execute(statement, params)
    ]
    return found[::-1] if backwards else found


__all__ = ["SORT_KEYS", "Anchor", "read_page"]
