"""The dashboard (SPEC section 4.1): the actor's students at a glance, the review queue's
state against the SLA, recent activity, upcoming sessions, and a mentor's own performance or,
for an admin, the program-wide view.

Its parts come from three modules: this one (the parts, each kept, the review queue, recent
activity, upcoming sessions and action items), ``summary`` (the students cards and those needing
attention) and ``performance`` (a mentor's own figures or the program overview).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock, dates
from mentor_tui.core.access import (
    Actor,
    session_scope,
    student_scope,
    visible_student_ids,
)
from mentor_tui.core.analytics import dashboard_figures, performance
from mentor_tui.core.analytics.dashboard_figures import (
    MentorPerformance,
    ProgramOverview,
    ReviewQueue,
)
from mentor_tui.core.analytics.summary import StudentSummary, summarize_students
from mentor_tui.core.analytics.summary_counts import EarlyCounts
from mentor_tui.core.memo import memo
from mentor_tui.core.people import progress
from mentor_tui.core.people.progress import ActivityItem
from mentor_tui.core.people.students import RiskContext, StudentRow
from mentor_tui.db.models import MentorshipSession, SessionAttendee, User

if TYPE_CHECKING:  # a mentor's notes: imported by the one part that reads them (not an admin's)
    from mentor_tui.core.notes.notes import NoteLine

T = TypeVar("T")

RECENT_ITEMS = 10
UPCOMING_SESSIONS = 5
ACTION_ITEM_ROWS = 5
FEW_STUDENTS = 2000
"""Up to this many visible students, recent activity is read student by student; beyond it,
by time across the whole program."""
STUDENT_STEPS = ("module_started", "module_completed", "submitted")
PARTS = ("summary", "reviews", "activity", "sessions", "action_items", "overview")
"""The dashboard's parts, each read (and kept) on its own."""


@dataclass(frozen=True)
class UpcomingSession:
    id: str
    starts_at: datetime
    duration_minutes: int
    title: str
    kind: str
    student_names: list[str]


@dataclass(frozen=True)
class DashboardData:
    role: str
    student_count: int
    active_students: int
    at_risk_count: int
    average_completion: float
    pending_reviews: int
    oldest_pending_at: datetime | None
    overdue_reviews: int
    attention: list[StudentRow] = field(default_factory=list)
    recent_activity: list[ActivityItem] = field(default_factory=list)
    upcoming_sessions: list[UpcomingSession] = field(default_factory=list)
    action_items: list[NoteLine] = field(default_factory=list)  # a mentor's, overdue or due soon
    performance: MentorPerformance | None = None
    program: ProgramOverview | None = None


def dashboard(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> DashboardData:
    """Everything the dashboard shows for ``actor`` at ``now`` (default: this minute): its
    parts (``PARTS``) put together. The screen reads the parts one by one instead, each in its
    own worker, so that the cheap ones are painted while the costly ones are still read."""
    return _kept(session, actor, "all", config, now, lambda c, m: _dashboard(session, actor, c, m))


def _dashboard(session: Session, actor: Actor, config: Config, now: datetime) -> DashboardData:
    summary = student_summary(session, actor, config, now=now)
    reviews = review_queue(session, actor, config, now=now)
    overview = overview_figures(session, actor, config, now=now)
    return DashboardData(
        role=actor.role,
        student_count=summary.student_count,
        active_students=summary.active_students,
        at_risk_count=summary.at_risk_count,
        average_completion=summary.average_completion,
        pending_reviews=reviews.pending_reviews,
        oldest_pending_at=reviews.oldest_pending_at,
        overdue_reviews=reviews.overdue_reviews,
        attention=summary.attention,
        recent_activity=recent_activity(session, actor, config, now=now),
        upcoming_sessions=dashboard_sessions(session, actor, config, now=now),
        action_items=action_items(session, actor, config, now=now),
        performance=overview if isinstance(overview, MentorPerformance) else None,
        program=overview if isinstance(overview, ProgramOverview) else None,
    )


def _kept(
    session: Session,
    actor: Actor,
    part: str,
    config: Config | None,
    now: datetime | None,
    compute: Callable[[Config, datetime], T],
) -> T:
    """``compute(config, moment)`` for one part of the dashboard at ``now`` (default: this
    minute), kept until the store changes or the minute is over (``core/memo.py``), so going
    back to the dashboard is instant even for a program of 50,000 students."""
    config = config or load_config()
    moment = clock.aware(now) if now else clock.now().replace(second=0, microsecond=0)
    key = ("dashboard", part, actor, config, moment)
    return memo(session, key, lambda: compute(config, moment))


def student_summary(
    session: Session,
    actor: Actor,
    config: Config | None = None,
    *,
    now: datetime | None = None,
    early: EarlyCounts | None = None,
) -> StudentSummary:
    """The students cards (how many, active, at risk, average completion) and the few
    students needing attention: the costliest part, every visible student's figures. An
    admin's or a mentor's counts may come from ``early`` (``summary_counts.EarlyCounts``,
    started while the app imported the ORM), when they were counted against the same moment
    (and cohort average)."""

    def compute(config: Config, moment: datetime) -> StudentSummary:
        if actor.is_admin:  # the cohort average comes from the summary's own rows
            ctx = RiskContext(moment, config.assignment_review_sla_hours, None)
            return summarize_students(session, actor, ctx, early.result() if early else None)
        ctx = RiskContext.build(session, config, moment)
        return summarize_students(session, actor, ctx, early.result() if early else None)

    return _kept(session, actor, "summary", config, now, compute)


def review_queue(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> ReviewQueue:
    """The pending reviews card: how many wait, the oldest, how many are over the SLA."""

    def compute(config: Config, moment: datetime) -> ReviewQueue:
        overdue_before = moment - timedelta(hours=config.assignment_review_sla_hours)
        return _review_queue(session, actor, overdue_before)

    return _kept(session, actor, "reviews", config, now, compute)


def recent_activity(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> list[ActivityItem]:
    """What the actor's students did lately (their own steps; review decisions are the
    mentor's and show in each student's history)."""

    def compute(config: Config, moment: datetime) -> list[ActivityItem]:
        students = session.execute(select(func.count()).where(student_scope(actor))).scalar()
        return _recent_activity(session, actor, int(students or 0))

    return _kept(session, actor, "activity", config, now, compute)


def dashboard_sessions(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> list[UpcomingSession]:
    """``upcoming_sessions`` from this minute on, kept like the other parts."""
    return _kept(
        session, actor, "sessions", config, now,
        lambda config, moment: upcoming_sessions(session, actor, now=moment),
    )  # fmt: skip


def action_items(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> list[NoteLine]:
    """A mentor's open action items, overdue or due within a week of their own today."""
    if not actor.is_mentor:
        return []

    def compute(config: Config, moment: datetime) -> list[NoteLine]:
        from mentor_tui.core.notes import notes

        today = dates.today_in(actor.timezone, moment)
        return notes.action_items_due(session, actor, today, limit=ACTION_ITEM_ROWS)

    return _kept(session, actor, "action_items", config, now, compute)


def overview_figures(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> MentorPerformance | ProgramOverview | None:
    """A mentor's own performance, the program overview for an admin, nothing for a student."""
    if actor.is_mentor:
        return _kept(
            session, actor, "overview", config, now,
            lambda config, moment: performance.mentor_performance(
                session, actor, actor.id, config, now=moment
            ),
        )  # fmt: skip
    if actor.is_admin:
        return _kept(
            session, actor, "overview", config, now,
            lambda config, moment: performance.program_overview(session, actor, config),
        )  # fmt: skip
    return None


def _recent_activity(session: Session, actor: Actor, students: int) -> list[ActivityItem]:
    if students <= FEW_STUDENTS:
        return progress.activity(
            session,
            actor,
            visible_student_ids(actor),
            limit=RECENT_ITEMS,
            with_names=True,
            kinds=STUDENT_STEPS,
        )
    return progress.recent_activity(session, actor, limit=RECENT_ITEMS, kinds=STUDENT_STEPS)


def _review_queue(session: Session, actor: Actor, overdue_before: datetime) -> ReviewQueue:
    """``dashboard_figures``'s statement for the actor's students, the early read's."""
    return dashboard_figures.read_review_queue(
        performance.store_connection(session),
        dashboard_figures.stored_time(overdue_before),
        mentor=actor.id if actor.is_mentor else None,
        student=actor.id if actor.is_student else None,
    )


def upcoming_session_count(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """How many scheduled sessions the actor may see are still to come (the dashboard shows
    the first few and says how many more)."""
    ses = MentorshipSession
    moment = now or clock.now()
    query = select(func.count()).where(
        session_scope(actor), ses.status == "scheduled", ses.starts_at >= moment
    )
    return int(session.execute(query.select_from(ses)).scalar_one())


def upcoming_sessions(
    session: Session, actor: Actor, *, now: datetime | None = None, limit: int = UPCOMING_SESSIONS
) -> list[UpcomingSession]:
    """The next scheduled sessions the actor may see, with the names of the attendees the
    actor may see (a student sees only themself in a group session)."""
    ses, att = MentorshipSession, SessionAttendee
    moment = now or clock.now()
    rows = session.execute(
        select(ses.id, ses.starts_at, ses.duration_minutes, ses.title, ses.kind)
        .where(session_scope(actor), ses.status == "scheduled", ses.starts_at >= moment)
        .order_by(ses.starts_at, ses.id)
        .limit(limit)
    ).all()
    names: dict[str, list[str]] = {row[0]: [] for row in rows}
    if names:
        attendees = session.execute(
            select(att.session_id, User.full_name)
            .join(User, User.id == att.student_id)
            .where(att.session_id.in_(list(names)), progress.live(att), student_scope(actor))
            .order_by(User.full_name)
        )
        for session_id, name in attendees:
            names[session_id].append(name)
    return [
        UpcomingSession(sid, starts_at, minutes, title, kind, student_names=names[sid])
        for sid, starts_at, minutes, title, kind in rows
    ]


__all__ = [
    "PARTS",
    "ActivityItem",
    "DashboardData",
    "MentorPerformance",
    "ProgramOverview",
    "ReviewQueue",
    "StudentSummary",
    "UpcomingSession",
    "action_items",
    "dashboard",
    "dashboard_sessions",
    "overview_figures",
    "recent_activity",
    "review_queue",
    "student_summary",
    "upcoming_session_count",
    "upcoming_sessions",
]
