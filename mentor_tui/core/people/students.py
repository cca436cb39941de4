"""The students list: one row per student the actor may see, with progress figures and the
at-risk early warning (SPEC sections 4.2 and 8).

At-risk rules. Only an Active student can be at risk (an Inactive or graduated one is not
studying); each rule that holds adds one human sentence to the reasons:

1. **No activity for 14 days, or never**: the latest of module progress activity and
   submissions is older than 14 days, or there is none at all.
2. **Completion well below the cohort**: the student's completion rate is at least 25 points
   below the cohort average, the mean completion rate of every Active student with progress
   rows, program-wide and independent of who asks. It is computed at most once per call and
   kept until the store changes (``core/memo.py``), so paging and filtering as the user types
   do not recompute it; a caller may also pass it in.
3. **Overdue submissions**: one or more submissions pending for longer than
   ``assignment_review_sla_hours``.
4. **Missed sessions**: two or more no-shows among the student's last five past sessions that
   were not cancelled.

Speed: sorting by name or status picks the page from the users table first (the
``role, deleted_at, full_name`` and ``role, deleted_at, status, full_name`` indexes) and
aggregates figures for those rows only; sorting by completion, pending or last activity walks
that figure's index of the sort keys the store's triggers keep (``sort_keys.py``), a page
long; sorting by at-risk (which depends on the moment) ranks every visible student from the
kept totals and their recent attendance. Pages are read by
``student_pages.read_page`` (statements built once; a page after a row already read by
keyset); the rows, figures and rules are in ``student_figures.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.people.student_figures import (
    BEHIND_POINTS,
    GRADUATED,
    IDLE_DAYS,
    NO_SHOW_LIMIT,
    PEOPLE_COLUMNS,
    RiskContext,
    RiskTerms,
    StudentFigures,
    StudentRow,
    at_risk_reasons,
    filter_condition,
    like_pattern,
    matches,
)
from mentor_tui.core.people.student_pages import SORT_KEYS, Anchor, read_page
from mentor_tui.db.models import User


def _where(
    actor: Actor, text_filter: str, include_graduated: bool = True
) -> list[ColumnElement[bool]]:
    where = [student_scope(actor)]
    if not include_graduated:  # graduated students leave the working lists
        where.append(User.status != GRADUATED)
    matched = filter_condition(text_filter)
    if matched is not None:
        where.append(matched)
    return where


def count_students(
    session: Session, actor: Actor, *, text_filter: str = "", include_graduated: bool = True
) -> int:
    query = (
        select(func.count()).select_from(User).where(*_where(actor, text_filter, include_graduated))
    )
    return int(session.execute(query).scalar_one())


def people_query(
    actor: Actor, text_filter: str = "", include_graduated: bool = True
) -> Select[*tuple[Any, ...]]:
    """The students ``actor`` may see (name or email containing ``text_filter``), the columns
    ``StudentFigures`` expects."""
    return select(*PEOPLE_COLUMNS).where(*_where(actor, text_filter, include_graduated))


def list_students(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
    config: Config | None = None,
    now: datetime | None = None,
    cohort_average: float | None = None,
    include_graduated: bool = True,
    from_end: bool = False,
) -> list[StudentRow]:
    """One page of the students ``actor`` may see, name or email containing ``text_filter``
    (without the graduated ones unless ``include_graduated``).

    Ties sort by name then id, so pages never overlap or skip a row. ``from_end``: ``offset``
    counts from the end of the list (the rows ``offset`` .. ``offset + limit`` of the list read
    backwards), still returned in the list's order: SQLite steps over skipped rows one by one,
    so a page near the end (`end` on 100,000 students) is read backwards from it, not past
    every row before it. A list read page after page reads faster by keyset (``read_page``)."""
    found = read_page(
        session,
        actor,
        text_filter=text_filter,
        sort=sort,
        descending=descending,
        include_graduated=include_graduated,
        limit=limit,
        skip=offset,
        backwards=from_end,
        config=config,
        now=now,
        cohort_average=cohort_average,
    )
    return [row for row, _ in found]


def student_rows(
    session: Session,
    actor: Actor,
    student_ids: list[str],
    *,
    config: Config | None = None,
    now: datetime | None = None,
    cohort_average: float | None = None,
) -> list[StudentRow]:
    """Rows for the given students, as far as ``actor`` may see them (others are left out)."""
    ctx = RiskContext.build(session, config, now, cohort_average)
    people = (
        select(*PEOPLE_COLUMNS).where(student_scope(actor), User.id.in_(student_ids)).cte("chosen")
    )
    figures = StudentFigures(people, ctx)
    return figures.fetch(session, figures.rows_query().order_by(people.c.full_name, people.c.id))


__all__ = [
    "BEHIND_POINTS",
    "GRADUATED",
    "IDLE_DAYS",
    "NO_SHOW_LIMIT",
    "SORT_KEYS",
    "Anchor",
    "RiskContext",
    "RiskTerms",
    "StudentFigures",
    "StudentRow",
    "at_risk_reasons",
    "count_students",
    "filter_condition",
    "like_pattern",
    "list_students",
    "matches",
    "people_query",
    "read_page",
    "student_rows",
]
