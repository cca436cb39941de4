"""The figures of each student on the list: their row, the at-risk rules (see
``students.py``) as Python and as SQL, the filter's condition; shared by the list's
offset reads (``students.py``) and its keyset reads (``student_pages.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import CTE, Join, Subquery
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock
from mentor_tui.core.people import progress, risk_rules
from mentor_tui.db.models import User

IDLE_DAYS = risk_rules.IDLE_DAYS
BEHIND_POINTS = risk_rules.BEHIND_POINTS
NO_SHOW_LIMIT = risk_rules.NO_SHOW_LIMIT


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


class RiskTerms(Protocol):
    """What the at-risk SQL compares with: a ``RiskContext``'s values, or bound parameters."""

    @property
    def now(self) -> Any: ...

    @property
    def idle_before(self) -> Any: ...

    @property
    def overdue_before(self) -> Any: ...

    @property
    def behind_threshold(self) -> Any: ...


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


def like_pattern(text_filter: str) -> str:
    """The LIKE pattern of "contains the text", its wildcards taken literally ("" for none)."""
    text = text_filter.strip()
    if not text:
        return ""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(pattern: Any) -> ColumnElement[bool]:
    """Name or email LIKE ``pattern`` (a ``like_pattern``, or a bound parameter for one)."""
    return or_(User.full_name.like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))


def filter_condition(text_filter: str) -> ColumnElement[bool] | None:
    """Name or email contains the text (case-insensitive for ASCII, wildcards taken literally)."""
    pattern = like_pattern(text_filter)
    return matches(pattern) if pattern else None


GRADUATED = "Passed out / Completed"


class StudentFigures:
    """Visible students joined to their figures; every expression the list, the dashboard and
    the student view sort, filter or count by."""

    def __init__(
        self, people: Subquery | CTE, ctx: RiskContext, terms: RiskTerms | None = None
    ) -> None:
        """``terms``: the moments and threshold as the SQL uses them (bound parameters for a
        statement built once and run with each call's moments); ``ctx`` by default."""
        self.people = people
        self.ctx = ctx
        if terms is None:
            terms = ctx
        ids = select(people.c.id)
        self.progress = progress.progress_totals(ids)
        self.submissions = progress.submission_totals(ids, terms.overdue_before)
        self.attendance = progress.recent_attendance(ids, terms.now)
        self.mentor = aliased(User, name="mentor")
        prog, subs = self.progress.c, self.submissions.c
        self.rate = progress.completion_rate(prog.modules, prog.completed)
        self.pending = progress.as_int(subs.pending)
        self.last_activity = progress.latest_of(prog.last_progress_at, subs.last_submitted_at)
        threshold = terms.behind_threshold
        rules = [
            or_(self.last_activity.is_(None), self.last_activity < terms.idle_before),
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

    def make_row(self, values: Sequence[Any], ctx: RiskContext | None = None) -> StudentRow:
        """The row of ``rows_query``'s values, at risk as of ``ctx`` (this one's by default)."""
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
            ctx or self.ctx,
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


PEOPLE_COLUMNS = (User.id, User.full_name, User.email, User.status, User.mentor_id)
"""The columns ``StudentFigures`` expects of its people."""
