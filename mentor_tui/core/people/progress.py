"""Progress figures as SQL, shared by the students list, the student view and the dashboard.

Definitions (the seed's SQL, SPEC section 8):

- **completion rate**: completed ``module_progress`` rows * 100 / all of the student's rows
  (0 when the student has none).
- **pending submissions**: submissions with status ``pending``; **overdue** when pending for
  longer than ``assignment_review_sla_hours``.
- **last activity**: the latest of ``module_progress.last_activity_at`` and
  ``submissions.submitted_at``.
- **recent attendance**: among the student's last five past sessions that were not cancelled,
  how many were no-shows.
- **cohort average**: the mean completion rate of every Active student with progress rows,
  program-wide, whoever asks (it is one number, not anyone's rows).

Each aggregate is a subquery keyed by ``sid`` over a selectable of student ids that the caller
builds from an access scope. The activity readers (a student's history, the dashboard's recent
activity) apply the access scopes themselves. ``memo`` keeps a costly figure until the store
changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    case,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.sql.expression import Subquery
from sqlmodel import Session
from sqlmodel.sql.sqltypes import UTCDateTime

from mentor_tui.core.access import Actor, student_scope, submission_scope
from mentor_tui.core.memo import memo
from mentor_tui.core.people import risk_rules
from mentor_tui.db.derived_tables import PROGRESS_TOTALS
from mentor_tui.db.models import (
    Assignment,
    Course,
    MentorshipSession,
    Module,
    ModuleProgress,
    SessionAttendee,
    Submission,
    Synced,
    User,
)

# the missed-sessions rule's numbers (``risk_rules``: a module that imports nothing)
RECENT_SESSIONS = risk_rules.RECENT_SESSIONS
NO_SHOW_LIMIT = risk_rules.NO_SHOW_LIMIT


def live(model: type[Synced]) -> ColumnElement[bool]:
    return model.deleted_at.is_(None)


def as_int(expr: ColumnElement[Any]) -> ColumnElement[int]:
    return func.coalesce(expr, 0, type_=Integer)


def progress_totals(ids: Select[str]) -> Subquery:
    """Per student: ``modules`` (rows), ``completed``, ``last_progress_at``."""
    mp = ModuleProgress
    return (
        select(
            mp.user_id.label("sid"),
            func.count().label("modules"),
            func.sum(case((mp.is_completed, 1), else_=0), type_=Integer).label("completed"),
            func.max(mp.last_activity_at).label("last_progress_at"),
        )
        .where(mp.user_id.in_(ids), live(mp))
        .group_by(mp.user_id)
        .subquery("progress_totals")
    )


def kept_totals(ids: Select[str] | None) -> Subquery:
    """``progress_totals(ids)`` as the store's triggers keep them (``student_progress_totals``,
    local stores only: ``core/people/progress_totals.py``): the same columns and values, one
    row looked up per student instead of their progress rows grouped. ``ids`` None: every
    student's, for a caller that joins them to the students it wants (the same rows joined,
    without a list of 50,000 ids made first to look each one up in)."""
    t = PROGRESS_TOTALS.c
    query = select(
        t.user_id.label("sid"),
        t.modules.label("modules"),
        t.completed.label("completed"),
        t.last_activity_at.label("last_progress_at"),
    )
    if ids is not None:
        query = query.where(t.user_id.in_(ids))
    return query.subquery("progress_totals")


def submission_totals(ids: Select[str], overdue_before: datetime) -> Subquery:
    """Per student: ``pending``, ``overdue`` (pending since before ``overdue_before``) and
    ``last_submitted_at``."""
    sub = Submission
    pending = sub.status == "pending"
    return (
        select(
            sub.student_id.label("sid"),
            func.sum(case((pending, 1), else_=0), type_=Integer).label("pending"),
            func.sum(
                case((and_(pending, sub.submitted_at < overdue_before), 1), else_=0), type_=Integer
            ).label("overdue"),
            func.max(sub.submitted_at).label("last_submitted_at"),
        )
        .where(sub.student_id.in_(ids), live(sub))
        .group_by(sub.student_id)
        .subquery("submission_totals")
    )


def recent_attendance(ids: Select[str], now: datetime | ColumnElement[Any]) -> Subquery:
    """Per student with at least ``NO_SHOW_LIMIT`` no-shows ever: ``no_shows`` among their last
    ``RECENT_SESSIONS`` past sessions (not cancelled) and ``past_sessions`` (how many of those
    there were). Students with fewer no-shows cannot break the rule and are left out, which
    keeps the ranking off the whole attendance table."""
    att, ses = SessionAttendee, MentorshipSession
    candidates = (
        select(att.student_id)
        .where(att.student_id.in_(ids), att.attendance == "no_show", live(att))
        .group_by(att.student_id)
        .having(func.count() >= NO_SHOW_LIMIT)
    )
    ranked = (
        select(
            att.student_id.label("sid"),
            att.attendance.label("attendance"),
            func.row_number()
            .over(partition_by=att.student_id, order_by=ses.starts_at.desc())
            .label("rn"),
        )
        .join(ses, ses.id == att.session_id)
        .where(
            att.student_id.in_(candidates),
            live(att),
            live(ses),
            ses.starts_at < now,
            ses.status != "cancelled",
        )
        .subquery("ranked_sessions")
    )
    return (
        select(
            ranked.c.sid,
            func.sum(case((ranked.c.attendance == "no_show", 1), else_=0), type_=Integer).label(
                "no_shows"
            ),
            func.count().label("past_sessions"),
        )
        .where(ranked.c.rn <= RECENT_SESSIONS)
        .group_by(ranked.c.sid)
        .subquery("recent_attendance")
    )


def completion_rate(
    modules: ColumnElement[Any], completed: ColumnElement[Any]
) -> ColumnElement[float]:
    """The seed's completion rate as SQL, 0 for a student without progress rows."""
    return case(
        (func.coalesce(modules, 0) == 0, literal(0.0, Float)),
        else_=func.coalesce(completed, 0) * 100.0 / modules,
    )


def rate(modules: int, completed: int) -> float:
    """The same figure in Python (identical float arithmetic)."""
    return completed * 100.0 / modules if modules else 0.0


def latest_of(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    """The later of two nullable times in SQL (NULL only when both are)."""
    return type_coerce(case((a.is_(None), b), (b.is_(None), a), (a > b, a), else_=b), UTCDateTime())


def cohort_average(session: Session) -> float | None:
    """Mean completion rate of every Active student with progress rows, program-wide; None when
    no such student exists."""
    # each student's totals, kept by the store's triggers (progress_totals.py): one row per
    # student rather than a grouped pass over every progress row
    t = PROGRESS_TOTALS.c
    value = session.execute(
        select(func.avg(t.completed * 100.0 / t.modules))
        .select_from(User)
        .join(PROGRESS_TOTALS, t.user_id == User.id)
        .where(User.role == "student", User.status == "Active", live(User), t.modules > 0)
    ).scalar()
    return float(value) if value is not None else None


COHORT_AVERAGE_KEY = "cohort_average"
"""Where ``memo`` keeps the cohort average (the admin's dashboard keeps the one it counts)."""


def cohort_average_cached(session: Session) -> float | None:
    """``cohort_average``, recomputed only when the store has changed (see ``memo``)."""
    return memo(session, COHORT_AVERAGE_KEY, lambda: cohort_average(session))


@dataclass(frozen=True)
class ActivityItem:
    """One thing a student did (or had done to their work), for histories and the dashboard.

    ``kind`` is one of ``module_started``, ``module_completed``, ``submitted``, ``reviewed``.
    """

    at: datetime
    kind: str
    text: str
    student_id: str = ""
    student_name: str = ""


_REVIEW_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "sent back for changes",
}


KINDS = ("module_started", "module_completed", "submitted", "reviewed")


@dataclass(frozen=True)
class _Source:
    """One kind of activity: which rows, whose they are and when they happened."""

    kind: str
    model: type[Synced]
    owner: SQLColumnExpression[str]
    at: SQLColumnExpression[datetime | None]
    shape: tuple[SQLColumnExpression[bool], ...]  # which rows are this kind of activity
    scope: tuple[ColumnElement[bool], ...] = ()  # what the actor may see besides the student


def _sources(actor: Actor, kinds: tuple[str, ...]) -> list[_Source]:
    mp, sub = ModuleProgress, Submission
    # A row made after the work it records (an import, a sync) has not "started" later than
    # its own last activity.
    started = type_coerce(
        case(
            (
                and_(mp.last_activity_at.is_not(None), mp.last_activity_at < mp.created_at),
                mp.last_activity_at,
            ),
            else_=mp.created_at,
        ),
        UTCDateTime(),
    )
    reviewed = (live(sub), sub.reviewed_at.is_not(None), sub.status != "pending")
    seen = (submission_scope(actor),)
    every = [
        _Source("module_started", mp, mp.user_id, started, (live(mp),)),
        _Source(
            "module_completed",
            mp,
            mp.user_id,
            mp.completed_at,
            (live(mp), mp.is_completed, mp.completed_at.is_not(None)),
        ),
        _Source("submitted", sub, sub.student_id, sub.submitted_at, (live(sub),), seen),
        _Source("reviewed", sub, sub.student_id, sub.reviewed_at, reviewed, seen),
    ]
    return [source for source in every if source.kind in kinds]


def _items(
    session: Session,
    source: _Source,
    where: list[ColumnElement[bool]],
    limit: int | None,
    with_names: bool,
) -> list[ActivityItem]:
    """The source's rows matching ``where`` as activity items, newest first."""
    mp, sub = ModuleProgress, Submission
    if source.model is ModuleProgress:
        query = (
            select(mp.user_id, User.full_name, Module.title, Course.title, source.at)
            .join(User, User.id == mp.user_id)
            .join(Module, Module.id == mp.module_id)
            .join(Course, Course.id == Module.course_id)
        )
    else:
        query = (
            select(sub.student_id, User.full_name, Assignment.title, sub.attempt, source.at)
            .add_columns(sub.status)
            .join(User, User.id == sub.student_id)
            .join(Assignment, Assignment.id == sub.assignment_id)
        )
    query = query.where(*source.shape, *source.scope, *where).order_by(source.at.desc())
    if limit is not None:
        query = query.limit(limit)
    items = []
    for sid, name, title, extra, at, *rest in session.execute(query):
        if source.kind == "module_started":
            phrase = f"started {title} ({extra})"
        elif source.kind == "module_completed":
            phrase = f"completed {title} ({extra})"
        elif source.kind == "submitted":
            again = f" (attempt {extra})" if extra > 1 else ""
            phrase = f"submitted {title}{again}"
        else:
            decision = _REVIEW_WORDS.get(rest[0], rest[0])
            text = f"{name}'s {title} {decision}" if with_names else f"{title} {decision}"
            items.append(ActivityItem(at, source.kind, text, sid, name))
            continue
        text = f"{name} {phrase}" if with_names else phrase[:1].upper() + phrase[1:]
        items.append(ActivityItem(at, source.kind, text, sid, name))
    return items


def _newest_first(items: list[ActivityItem], limit: int | None) -> list[ActivityItem]:
    # at the same moment a later step (completed after started) shows first
    items.sort(key=lambda item: (item.at, KINDS.index(item.kind)), reverse=True)
    return items[:limit] if limit is not None else items


def activity(
    session: Session,
    actor: Actor,
    ids: Select[str] | Sequence[str],
    *,
    limit: int | None = None,
    with_names: bool = False,
    kinds: tuple[str, ...] = KINDS,
) -> list[ActivityItem]:
    """Module starts and completions, submissions and review decisions of the students in
    ``ids`` (a query of ids or a list) that ``actor`` may see, newest first.

    The students are checked against the scope first, then each source is read through its
    student index: right for a few students (a history, a mentor's dashboard);
    ``recent_activity`` suits thousands."""
    chosen = ids if isinstance(ids, Select) else list(ids)
    visible = list(
        session.execute(select(User.id).where(User.id.in_(chosen), student_scope(actor))).scalars()
    )
    items: list[ActivityItem] = []
    if visible:
        for source in _sources(actor, kinds):
            items += _items(session, source, [source.owner.in_(visible)], limit, with_names)
    return _newest_first(items, limit)


def recent_activity(
    session: Session,
    actor: Actor,
    *,
    limit: int,
    with_names: bool = True,
    kinds: tuple[str, ...] = KINDS,
) -> list[ActivityItem]:
    """The newest ``limit`` items across every student the actor may see, for a program of
    thousands: each source's newest rows are taken by time alone (one pass over the table,
    no per-student lookups), then checked against the access scopes; when too few pass, more
    are taken, until ``limit`` pass or the table is exhausted."""
    items: list[ActivityItem] = []
    for source in _sources(actor, kinds):
        key = source.model.id
        fetch = max(4 * limit, 32)
        while True:
            candidates = list(
                session.execute(
                    select(key).where(live(source.model)).order_by(source.at.desc()).limit(fetch)
                ).scalars()
            )
            visible = list(
                session.execute(
                    select(key)
                    .join(User, User.id == source.owner)
                    .where(key.in_(candidates), student_scope(actor), *source.scope)
                ).scalars()
            )
            if len(visible) >= limit or len(candidates) < fetch:
                break
            fetch *= 8
        items += _items(session, source, [key.in_(visible)], limit, with_names)
    return _newest_first(items, limit)
