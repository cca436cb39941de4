"""Pages of the students list read from statements built once, and read by keyset.

Building the list's statement (the page, the progress, submission and attendance figures of
its rows) took SQLAlchemy longer than SQLite took to run it. Each shape of statement (actor,
order, direction, with or without a filter, a keyset or not) is built once per process with
the call's values as bound parameters: a filter key only binds its text.

A page can start after (or, read backwards, before) a row already shown: its **anchor**, the
values it sorts by (the sort key, then name, then id, which every order ends with, so no two
rows tie). Reading from an anchor costs the same at row 90,000 as at row 100 — for the name
order SQLite seeks to it in the ``role, deleted_at, full_name, id`` index, for completion,
pending and last activity in that figure's index of ``student_sort_keys`` (kept by triggers,
``sort_keys.py``) — where OFFSET steps over every row before the page. The at-risk score
depends on the moment: the order walks the scores kept as of an earlier moment
(``risk_keys.py``, its index of ``student_risk``) but for the few students whose score may
have changed since (a kept value passed by the clock, or rows written), counted afresh and
merged in. ``skip`` rows past the start or the anchor are still stepped over (a jump to a
row far from any shown).
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
    or_,
    select,
    tuple_,
    union_all,
)
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from mentor_tui.config import Config
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.student_figures import (
    GRADUATED,
    PEOPLE_COLUMNS,
    RiskContext,
    StudentFigures,
    StudentRow,
    like_pattern,
    matches,
)
from mentor_tui.db.derived_tables import SORT_KEYS as KEPT_KEYS
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
    # the first key's bound as well, which SQLite seeks to in an index led by that key
    within = column <= value if descending else column >= value
    return and_(within, or_(beyond, and_(column == value, _after(keys[1:], names[1:]))))


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
    # the statement is built once, with a stand-in context; make_row is given each call's own
    stand_in = RiskContext(datetime.min, 0, None)
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
        figures = StudentFigures(people, stand_in, terms)
        p = people.c
        ordered = [p.full_name, p.id] if sort == "name" else [p.status, p.full_name, p.id]
        query = figures.rows_query().add_columns(*ordered)
        query = query.order_by(*(c.desc() if reverse else c.asc() for c in ordered))
        return query, figures, len(ordered)
    if sort == "at_risk":  # the kept scores walked in their index, beside the few afresh
        return _risk_statement(where, terms, reverse, backwards, keyset)
    # the page walked in the order's index of the kept sort keys
    k = KEPT_KEYS.c
    key = k[sort]
    keys: list[tuple[Any, bool]] = [
        (key, reverse),
        (k.full_name, backwards),
        (k.user_id, backwards),
    ]
    page = select(*PEOPLE_COLUMNS, key.label("sort_key")).select_from(KEPT_KEYS)
    page = page.join(User, User.id == k.user_id)
    # every key's whole range (a rate, a count, a time's text: none below its floor), which
    # leads SQLite to walk the order's index a page long, where it would rather read every
    # student and sort them all; a mentor's few students are still read by mentor
    page = page.where(key >= _FLOORS[sort])
    page = page.where(*where)
    if keyset:
        page = page.where(_after(keys, _names(len(keys))))
    page = page.order_by(*(c.desc() if d else c.asc() for c, d in keys))
    people = page.limit(bindparam("limit")).offset(bindparam("skip")).cte("page")
    figures = StudentFigures(people, stand_in, terms)
    ends = [(people.c.sort_key, reverse), (people.c.full_name, backwards), (people.c.id, backwards)]
    query = figures.rows_query().add_columns(*(column for column, _ in ends))
    query = query.order_by(*(c.desc() if d else c.asc() for c, d in ends))
    return query, figures, len(ends)


_FLOORS: dict[str, Any] = {"completion": 0.0, "pending": 0, "last_activity": ""}
"""The least value of each kept sort key."""


def _risk_statement(
    where: list[ColumnElement[bool]],
    terms: _BoundTerms,
    reverse: bool,
    backwards: bool,
    keyset: bool,
) -> tuple[Select[Any], StudentFigures, int]:
    """The at-risk order's page: the students with a kept score, walked a page long in its
    index, and those counted afresh (``risk_keys.LIVE``), merged in the order."""
    branches: list[Select[Any]] = []
    for page, (key, name, sid) in (
        risk_keys.kept_rows(where),
        risk_keys.live_rows(terms, where),
    ):
        keys = [(key, reverse), (name, backwards), (sid, backwards)]
        if keyset:
            page = page.where(_after(keys, _names(len(keys))))
        page = page.order_by(*(c.desc() if d else c.asc() for c, d in keys))
        branches.append(select(page.limit(bindparam("reach")).subquery()))
    both = union_all(*branches).subquery("ranked")
    b = both.c
    ranked = [(b.sort_key, reverse), (b.full_name, backwards), (b.id, backwards)]
    people = (
        select(*(both.c[c.key] for c in PEOPLE_COLUMNS), b.sort_key)
        .order_by(*(c.desc() if d else c.asc() for c, d in ranked))
        .limit(bindparam("limit"))
        .offset(bindparam("skip"))
        .cte("page")
    )
    figures = StudentFigures(people, RiskContext(datetime.min, 0, None), terms)
    ends = [(people.c.sort_key, reverse), (people.c.full_name, backwards), (people.c.id, backwards)]
    query = figures.rows_query().add_columns(*(column for column, _ in ends))
    query = query.order_by(*(c.desc() if d else c.asc() for c, d in ends))
    return query, figures, len(ends)


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
    if sort == "at_risk":
        params["live"] = risk_keys.prepare(session, ctx)
        params["reach"] = limit + skip
    if after is not None:
        if len(after) != width:
            raise ValueError(f"An anchor of the {sort!r} order has {width} values.")
        params.update(zip(_names(width), after, strict=True))
    found = [
        (figures.make_row(values, ctx), tuple(values[-width:]))
        for values in session.execute(statement, params)
    ]
    return found[::-1] if backwards else found


def warm_up(
    session: Session, actor: Actor, *, config: Config | None = None, include_graduated: bool
) -> None:
    """Read one row at each end of the list in its first order (by name), the row next to
    each by keyset, and one row of a filtered list: the statements of the list's first page,
    of the first page read down from a row shown (the first `pagedown` past the first page),
    of its last page (`end`), of a page read up from a row shown (`pageup` from there) and of
    a filter's first page are built and compiled now. Cold, the first read of each took 15-20
    ms of CPU more (50,000 students), in the list's worker, with the key waiting for it. For
    the app's preload worker, once start-up is over."""
    options: dict[str, Any] = {"include_graduated": include_graduated, "config": config}
    for backwards in (False, True):
        end = read_page(session, actor, limit=1, backwards=backwards, **options)
        if end:
            read_page(session, actor, limit=1, after=end[0][1], backwards=backwards, **options)
    read_page(session, actor, text_filter="a", limit=1, **options)


__all__ = ["SORT_KEYS", "Anchor", "read_page", "warm_up"]
