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
``role, full_name`` and ``mentor_id, full_name`` indexes) and aggregates figures for those rows
only; sorting by a figure aggregates every visible student once, in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, Join, Subquery
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.people import progress
from mentor_tui.db.models import User
from mentor_tui.errors import UserError

SORT_KEYS: tuple[str, ...] = ("name", "status", "completion", "pending", "last_activity", "at_risk")

IDLE_DAYS = 14
BEHIND_POINTS = 25.0
NO_SHOW_LIMIT = progress.NO_SHOW_LIMIT


@dataclass(frozen=True)
class StudentRow:
    id: str
    full_name: str
    email: str
    status: str
    mentor_id: str | None
    mentor_name: str | None
    completion_rate: float
    pending_submissions: int
    last_activity_at: datetime | None
    at_risk: bool
    at_risk_reasons: tuple[str, ...]
    modules_total: int = 0
    modules_completed: int = 0
    overdue_submissions: int = 0


@dataclass(frozen=True)
class RiskContext:
    """The moments and thresholds every at-risk decision in one call is made against."""

    now: datetime
    sla_hours: int
    cohort_average: float | None

    @property
    def idle_before(self) -> datetime:
        return self.now - timedelta(days=IDLE_DAYS)

    @property
    def overdue_before(self) -> datetime:
        return self.now - timedelta(hours=self.sla_hours)

    @property
    def behind_threshold(self) -> float | None:
        if self.cohort_average is None:
            return None
        return self.cohort_average - BEHIND_POINTS

    @classmethod
    def build(
        cls,
        session: Session,
        config: Config | None,
        now: datetime | None,
        cohort_average: float | None = None,
    ) -> RiskContext:
        config = config or load_config()
        if cohort_average is None:
            cohort_average = progress.cohort_average_cached(session)
        return cls(
            clock.aware(now) if now else clock.now(),
            config.assignment_review_sla_hours,
            cohort_average,
        )


def at_risk_reasons(
    ctx: RiskContext,
    *,
    status: str,
    last_activity_at: datetime | None,
    completion_rate: float,
    overdue_submissions: int,
    no_shows: int,
    past_sessions: int,
) -> tuple[str, ...]:
    """The sentences saying why a student is at risk; empty when they are not."""
    if status != "Active":
        return ()
    reasons: list[str] = []
    if last_activity_at is None:
        reasons.append("no activity recorded yet")
    elif last_activity_at < ctx.idle_before:
        reasons.append(f"no activity for {(ctx.now - last_activity_at).days} days")
    threshold = ctx.behind_threshold
    if threshold is not None and ctx.cohort_average is not None and completion_rate <= threshold:
        gap = ctx.cohort_average - completion_rate
        reasons.append(
            f"completion {completion_rate:.0f}% is {gap:.0f} points below the cohort average "
            f"of {ctx.cohort_average:.0f}%"
        )
    if overdue_submissions:
        noun = "submission" if overdue_submissions == 1 else "submissions"
        reasons.append(
            f"{overdue_submissions} {noun} waiting for review longer than {ctx.sla_hours} h"
        )
    if no_shows >= NO_SHOW_LIMIT:
        reasons.append(f"missed {no_shows} of the last {past_sessions} sessions")
    return tuple(reasons)


def filter_condition(text_filter: str) -> ColumnElement[bool] | None:
    """Name or email contains the text (case-insensitive for ASCII, wildcards taken literally)."""
    text = text_filter.strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(User.full_name.like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))


GRADUATED = "Passed out / Completed"


def _where(
    actor: Actor, text_filter: str, include_graduated: bool = True
) -> list[ColumnElement[bool]]:
    where = [student_scope(actor)]
    if not include_graduated:  # graduated students leave the working lists
        where.append(User.status != GRADUATED)
    matches = filter_condition(text_filter)
    if matches is not None:
        where.append(matches)
    return where


def count_students(
    session: Session, actor: Actor, *, text_filter: str = "", include_graduated: bool = True
) -> int:
    query = (
        select(func.count()).select_from(User).where(*_where(actor, text_filter, include_graduated))
    )
    return int(session.execute(query).scalar_one())


class StudentFigures:
    """Visible students joined to their figures; every expression the list, the dashboard and
    the student view sort, filter or count by."""

    def __init__(self, people: Subquery | CTE, ctx: RiskContext) -> None:
        self.people = people
        self.ctx = ctx
        ids = select(people.c.id)
        self.progress = progress.progress_totals(ids)
        self.submissions = progress.submission_totals(ids, ctx.overdue_before)
        self.attendance = progress.recent_attendance(ids, ctx.now)
        self.mentor = aliased(User, name="mentor")
        prog, subs = self.progress.c, self.submissions.c
        self.rate = progress.completion_rate(prog.modules, prog.completed)
        self.pending = progress.as_int(subs.pending)
        self.last_activity = progress.latest_of(prog.last_progress_at, subs.last_submitted_at)
        threshold = ctx.behind_threshold
        rules = [
            or_(self.last_activity.is_(None), self.last_activity < ctx.idle_before),
            self.rate <= threshold if threshold is not None else false(),
            progress.as_int(subs.overdue) > 0,
            progress.as_int(self.attendance.c.no_shows) >= NO_SHOW_LIMIT,
        ]
        self.risk = case(
            (people.c.status == "Active", sum((case((r, 1), else_=0) for r in rules), start=0)),
            else_=0,
        )

    def joined(self) -> Join:
        people = self.people
        return (
            people.outerjoin(
                self.mentor, and_(self.mentor.id == people.c.mentor_id, progress.live(self.mentor))
            )
            .outerjoin(self.progress, self.progress.c.sid == people.c.id)
            .outerjoin(self.submissions, self.submissions.c.sid == people.c.id)
            .outerjoin(self.attendance, self.attendance.c.sid == people.c.id)
        )

    def sort_column(self, key: str) -> ColumnElement[Any]:
        columns: dict[str, ColumnElement[Any]] = {
            "name": self.people.c.full_name,
            "status": self.people.c.status,
            "completion": self.rate,
            "pending": self.pending,
            "last_activity": self.last_activity,
            "at_risk": self.risk,
        }
        return columns[key]

    def rows_query(self) -> Select[*tuple[Any, ...]]:
        p, prog, subs, att = self.people.c, self.progress.c, self.submissions.c, self.attendance.c
        return select(
            p.id,
            p.full_name,
            p.email,
            p.status,
            p.mentor_id,
            self.mentor.full_name,
            progress.as_int(prog.modules),
            progress.as_int(prog.completed),
            self.pending,
            progress.as_int(subs.overdue),
            self.last_activity,
            progress.as_int(att.no_shows),
            progress.as_int(att.past_sessions),
        ).select_from(self.joined())

    ROW_WIDTH = 13
    """How many leading columns of ``rows_query`` make one StudentRow."""

    def make_row(self, values: Sequence[Any]) -> StudentRow:
        (
            sid,
            name,
            email,
            status,
            mentor_id,
            mentor_name,
            modules,
            completed,
            pending,
            overdue,
            last_activity,
            no_shows,
            past_sessions,
        ) = values[: self.ROW_WIDTH]
        completion = progress.rate(modules, completed)
        reasons = at_risk_reasons(
            self.ctx,
            status=status,
            last_activity_at=last_activity,
            completion_rate=completion,
            overdue_submissions=overdue,
            no_shows=no_shows,
            past_sessions=past_sessions,
        )
        return StudentRow(
            id=sid,
            full_name=name,
            email=email,
            status=status,
            mentor_id=mentor_id,
            mentor_name=mentor_name,
            completion_rate=completion,
            pending_submissions=pending,
            last_activity_at=last_activity,
            at_risk=bool(reasons),
            at_risk_reasons=reasons,
            modules_total=modules,
            modules_completed=completed,
            overdue_submissions=overdue,
        )

    def fetch(self, session: Session, query: Select[*tuple[Any, ...]]) -> list[StudentRow]:
        return [self.make_row(values) for values in session.execute(query)]


_PEOPLE_COLUMNS = (User.id, User.full_name, User.email, User.status, User.mentor_id)
_USER_COLUMN_SORTS = {"name": (User.full_name,), "status": (User.status, User.full_name)}


def people_query(
    actor: Actor, text_filter: str = "", include_graduated: bool = True
) -> Select[*tuple[Any, ...]]:
    """The students ``actor`` may see (name or email containing ``text_filter``), the columns
    ``StudentFigures`` expects."""
    return select(*_PEOPLE_COLUMNS).where(*_where(actor, text_filter, include_graduated))


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
    every row before it."""
    if sort not in SORT_KEYS:
        raise UserError(f"Unknown sort key {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    if offset < 0 or limit < 0:
        raise UserError("Offset and limit must be zero or more.")
    ctx = RiskContext.build(session, config, now, cohort_average)
    base = people_query(actor, text_filter, include_graduated)

    def ordered(
        columns: tuple[SQLColumnExpression[Any], ...],
        tie: SQLColumnExpression[Any],
        backwards: bool = False,
    ) -> list[ColumnElement[Any]]:
        keys = [*columns, tie]
        return [k.desc() if descending != backwards else k.asc() for k in keys]

    if sort in _USER_COLUMN_SORTS:
        page = base.order_by(*ordered(_USER_COLUMN_SORTS[sort], User.id, from_end))
        figures = StudentFigures(page.offset(offset).limit(limit).cte("page"), ctx)
        p = figures.people.c
        final_keys = [p.status, p.full_name] if sort == "status" else [p.full_name]
        query = figures.rows_query().order_by(*ordered(tuple(final_keys), p.id))
        return figures.fetch(session, query)
    figures = StudentFigures(base.subquery("people"), ctx)
    p = figures.people.c
    key = figures.sort_column(sort)
    keys = [key.desc() if descending != from_end else key.asc()]
    keys += [c.desc() if from_end else c.asc() for c in (p.full_name, p.id)]
    found = figures.fetch(session, figures.rows_query().order_by(*keys).offset(offset).limit(limit))
    return found[::-1] if from_end else found


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
        select(*_PEOPLE_COLUMNS).where(student_scope(actor), User.id.in_(student_ids)).cte("chosen")
    )
    figures = StudentFigures(people, ctx)
    return figures.fetch(session, figures.rows_query().order_by(people.c.full_name, people.c.id))


__all__ = [
    "SORT_KEYS",
    "RiskContext",
    "StudentFigures",
    "StudentRow",
    "at_risk_reasons",
    "count_students",
    "filter_condition",
    "list_students",
    "people_query",
    "student_rows",
]
