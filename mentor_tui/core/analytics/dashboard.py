"""The dashboard (SPEC section 4.1): the actor's students at a glance, the review queue's
state against the SLA, recent activity, upcoming sessions, and a mentor's own performance or,
for an admin, the program-wide view.

Mentor performance (SPEC section 8, the seed's ``mentor_performance`` view and mentor report):

- students: live students assigned to the mentor, whatever their status;
- average completion rate: mean completion rate of those students who have progress rows;
- average review time: mean of ``reviewed_at - submitted_at`` in hours over the decisions the
  mentor made (``reviewer_id``); the share within the SLA counts those of at most
  ``assignment_review_sla_hours``;
- session attendance: attended / (attended + no-show) over the mentor's past sessions that were
  not cancelled (excused and unrecorded attendance count neither way);
- average rating: the mean of the ratings students gave the mentor's sessions;
- graduated: the mentor's students whose status is "Passed out / Completed".

A figure with nothing to measure is None rather than a made-up zero.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Integer, and_, case, func, select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock, dates
from mentor_tui.core.notes import notes
from mentor_tui.core.people import progress
from mentor_tui.core.access import (
    Actor,
    find_user,
    require_admin,
    session_scope,
    student_scope,
    submission_scope,
    visible_student_ids,
)
from mentor_tui.errors import UserError
from mentor_tui.core.memo import memo
from mentor_tui.core.notes.notes import NoteLine
from mentor_tui.core.people.progress import ActivityItem
from mentor_tui.core.people.students import (
    NO_SHOW_LIMIT,
    RiskContext,
    StudentFigures,
    StudentRow,
    people_query,
)
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipSession,
    ModuleProgress,
    SessionAttendee,
    Submission,
    User,
)

T = TypeVar("T")

GRADUATED = "Passed out / Completed"
ATTENTION_ROWS = 8
RECENT_ITEMS = 10
UPCOMING_SESSIONS = 5
ACTION_ITEM_ROWS = 5
TOP_MENTORS = 10
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
class MentorPerformance:
    students: int
    average_completion_rate: float
    average_review_hours: float | None
    reviews_within_sla_share: float | None
    session_attendance_rate: float | None
    average_rating: float | None
    graduated_students: int
    reviews: int = 0


@dataclass(frozen=True)
class ProgramOverview:
    mentors: int
    active_mentors: int
    students: int
    unassigned_students: int
    mentors_at_capacity: int
    completion_by_mentor: list[tuple[str, float, int]]
    graduated_students: int


@dataclass(frozen=True)
class StudentSummary:
    student_count: int
    active_students: int
    at_risk_count: int
    average_completion: float
    attention: list[StudentRow]


@dataclass(frozen=True)
class ReviewQueue:
    pending_reviews: int
    oldest_pending_at: datetime | None
    overdue_reviews: int


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
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> StudentSummary:
    """The students cards (how many, active, at risk, average completion) and the few
    students needing attention: the costliest part, every visible student's figures."""

    def compute(config: Config, moment: datetime) -> StudentSummary:
        return _student_summary(session, actor, RiskContext.build(session, config, moment))

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
            lambda config, moment: mentor_performance(session, actor, actor.id, config, now=moment),
        )  # fmt: skip
    if actor.is_admin:
        return _kept(
            session, actor, "overview", config, now,
            lambda config, moment: program_overview(session, actor, config),
        )  # fmt: skip
    return None


def _student_summary(session: Session, actor: Actor, ctx: RiskContext) -> StudentSummary:
    """Counts over every visible student and the few needing attention.

    The at-risk rules (``StudentFigures.risk``) need, per student, their completion rate, whether
    anything happened since ``ctx.idle_before``, their overdue submissions and recent no-shows.
    Joining every student to a full aggregate of each table costs seconds on a program of
    50,000; here each is read once through a covering index, only as far as it has to go (the
    pending submissions, the submissions since the idle limit, the students with no-shows), and
    the rules are counted in Python. Only the students shown get their full row."""
    ids = visible_student_ids(actor)
    mp, sub = ModuleProgress, Submission
    # An admin sees every student: the rows of anyone else are left out below, in Python, which
    # keeps each read a plain pass over its index (for attendance, over the no-shows alone).
    mine: tuple[ColumnElement[bool], ...] = () if actor.is_admin else (mp.user_id.in_(ids),)
    theirs: tuple[ColumnElement[bool], ...] = () if actor.is_admin else (sub.student_id.in_(ids),)
    db = session.connection()  # plain rows: tens of thousands of them, no ORM entities
    idle_before = ctx.idle_before
    totals = (
        select(
            mp.user_id.label("sid"),
            func.count().label("modules"),
            func.sum(case((mp.is_completed, 1), else_=0), type_=Integer).label("completed"),
            func.max(case((mp.last_activity_at >= idle_before, 1), else_=0)).label("recent"),
        )
        .where(progress.live(mp), *mine)
        .group_by(mp.user_id)
        .subquery("totals")
    )
    t = totals.c
    people = db.execute(
        select(User.id, User.full_name, User.status, t.modules, t.completed, t.recent)
        .select_from(User)
        .outerjoin(totals, t.sid == User.id)
        .where(student_scope(actor))
    ).all()  # all at once: iterating a Core result fetches row by row
    if not people:
        return StudentSummary(0, 0, 0, 0.0, [])
    # Counted here rather than grouped in SQL: a GROUP BY would have SQLite walk the student
    # index over every submission instead of the queue's index over the pending ones alone.
    pending: dict[str, tuple[int, int]] = {}
    for sid, late in db.execute(
        select(sub.student_id, sub.submitted_at < ctx.overdue_before).where(
            sub.status == "pending", progress.live(sub), *theirs
        )
    ).all():
        waiting, overdue = pending.get(sid, (0, 0))
        pending[sid] = (waiting + 1, overdue + bool(late))
    submitted_lately = set(
        db.execute(
            select(sub.student_id).where(
                sub.submitted_at >= idle_before, progress.live(sub), *theirs
            )
        )
        .scalars()
        .all()  # not DISTINCT: SQLite would then walk the student index, not the time
    )
    att = SessionAttendee
    no_show = select(att.student_id).where(att.attendance == "no_show", progress.live(att))
    attendance = progress.recent_attendance(no_show if actor.is_admin else ids, ctx.now)
    no_shows = {
        sid: int(count or 0)
        for sid, count in db.execute(select(attendance.c.sid, attendance.c.no_shows)).all()
    }

    threshold = ctx.behind_threshold
    rates: list[float] = []
    active = at_risk = 0
    ranked: list[tuple[int, int, str, str]] = []
    for sid, name, status, modules, completed, recent in people:
        modules, completed = modules or 0, completed or 0
        rate = progress.rate(modules, completed)
        if modules:
            rates.append(rate)
        waiting, overdue = pending.get(sid, (0, 0))
        risk = 0
        if status == "Active":
            active += 1
            risk = (
                int(not recent and sid not in submitted_lately)
                + int(threshold is not None and rate <= threshold)
                + int(overdue > 0)
                + int((no_shows.get(sid) or 0) >= NO_SHOW_LIMIT)
            )
            at_risk += risk > 0
        if risk or waiting:
            ranked.append((-risk, -waiting, name, sid))
    chosen = [sid for *_, sid in heapq.nsmallest(ATTENTION_ROWS, ranked)]
    attention: list[StudentRow] = []
    if chosen:
        shown = people_query(actor).where(User.id.in_(chosen)).subquery("people")
        figures = StudentFigures(shown, ctx)
        rows = {row.id: row for row in figures.fetch(session, figures.rows_query())}
        attention = [rows[sid] for sid in chosen if sid in rows]
    average = math.fsum(rates) / len(rates) if rates else 0.0
    return StudentSummary(len(people), active, at_risk, average, attention)


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
    sub = Submission
    pending = sub.status == "pending"
    query = select(
        func.count(),
        func.min(sub.submitted_at),
        func.sum(case((sub.submitted_at < overdue_before, 1), else_=0)),
    ).where(submission_scope(actor), pending)
    count, oldest, overdue = session.execute(query).one()
    return ReviewQueue(int(count), oldest, int(overdue or 0))


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
    return [UpcomingSession(*row, student_names=names[row[0]]) for row in rows]


def mentor_performance(
    session: Session,
    actor: Actor,
    mentor_key: str,
    config: Config,
    *,
    now: datetime | None = None,
) -> MentorPerformance:
    """One mentor's figures as the module docstring defines them, for the mentor themself or
    an admin."""
    mentor = find_user(session, actor, mentor_key)
    if mentor.id != actor.id:
        require_admin(actor, "see another mentor's performance")
    if mentor.role != "mentor":
        raise UserError(f"{mentor.email} is not a mentor.")
    mentor_id = mentor.id
    moment = now or clock.now()
    students = select(User.id).where(
        User.role == "student", progress.live(User), User.mentor_id == mentor_id
    )
    count, graduated = session.execute(
        select(func.count(), func.sum(case((User.status == GRADUATED, 1), else_=0))).where(
            User.role == "student", progress.live(User), User.mentor_id == mentor_id
        )
    ).one()
    totals = progress.progress_totals(students)
    average = session.execute(
        select(func.avg(progress.completion_rate(totals.c.modules, totals.c.completed)))
    ).scalar()

    review_hours = [
        (clock.aware(reviewed) - clock.aware(submitted)).total_seconds() / 3600
        for submitted, reviewed in session.execute(
            select(Submission.submitted_at, Submission.reviewed_at).where(
                Submission.reviewer_id == mentor_id,
                progress.live(Submission),
                Submission.reviewed_at.is_not(None),
                Submission.status != "pending",
            )
        )
    ]
    within = sum(1 for hours in review_hours if hours <= config.assignment_review_sla_hours)

    ses, att = MentorshipSession, SessionAttendee
    past = ses.starts_at < moment
    attended, no_show, rating = session.execute(
        select(
            func.sum(case((and_(past, att.attendance == "attended"), 1), else_=0)),
            func.sum(case((and_(past, att.attendance == "no_show"), 1), else_=0)),
            func.avg(att.rating),
        )
        .join(ses, ses.id == att.session_id)
        .where(
            ses.mentor_id == mentor_id,
            progress.live(ses),
            progress.live(att),
            ses.status != "cancelled",
        )
    ).one()
    attended, no_show = int(attended or 0), int(no_show or 0)
    return MentorPerformance(
        students=int(count),
        average_completion_rate=float(average or 0.0),
        average_review_hours=sum(review_hours) / len(review_hours) if review_hours else None,
        reviews_within_sla_share=within / len(review_hours) if review_hours else None,
        session_attendance_rate=attended / (attended + no_show) if attended + no_show else None,
        average_rating=float(rating) if rating is not None else None,
        graduated_students=int(graduated or 0),
        reviews=len(review_hours),
    )


def program_overview(session: Session, actor: Actor, config: Config) -> ProgramOverview:
    """Program-wide figures, for admins."""
    require_admin(actor, "see the program overview")
    people = people_query(actor).subquery("people")
    students, unassigned, graduated = session.execute(
        select(
            func.count(),
            func.sum(
                case((and_(people.c.mentor_id.is_(None), people.c.status == "Active"), 1), else_=0)
            ),
            func.sum(case((people.c.status == GRADUATED, 1), else_=0)),
        )
    ).one()

    mentor = User
    loads = (
        select(people.c.mentor_id.label("mentor_id"), func.count().label("students"))
        .where(people.c.mentor_id.is_not(None))
        .group_by(people.c.mentor_id)
        .subquery("loads")
    )
    capacity = func.coalesce(MentorProfile.capacity, config.max_students_per_mentor)
    load = func.coalesce(loads.c.students, 0)
    mentors, active, at_capacity = session.execute(
        select(
            func.count(),
            func.sum(case((mentor.status == "Active", 1), else_=0)),
            func.sum(case((and_(mentor.status == "Active", load >= capacity), 1), else_=0)),
        )
        .select_from(mentor)
        .outerjoin(
            MentorProfile,
            and_(MentorProfile.user_id == mentor.id, progress.live(MentorProfile)),
        )
        .outerjoin(loads, loads.c.mentor_id == mentor.id)
        .where(mentor.role == "mentor", progress.live(mentor))
    ).one()

    top = session.execute(
        select(loads.c.mentor_id, mentor.full_name, loads.c.students)
        .join(mentor, mentor.id == loads.c.mentor_id)
        .order_by(loads.c.students.desc(), mentor.full_name, mentor.id)
        .limit(TOP_MENTORS)
    ).all()
    completion_by_mentor = []
    if top:
        ids = select(people.c.id).where(people.c.mentor_id.in_([row[0] for row in top]))
        totals = progress.progress_totals(ids)
        averages = dict(
            session.execute(
                select(
                    User.mentor_id,
                    func.avg(progress.completion_rate(totals.c.modules, totals.c.completed)),
                )
                .join(User, User.id == totals.c.sid)
                .group_by(User.mentor_id)
            ).all()
        )
        completion_by_mentor = [
            (name, float(averages.get(mentor_id) or 0.0), int(count))
            for mentor_id, name, count in top
        ]
    return ProgramOverview(
        mentors=int(mentors or 0),
        active_mentors=int(active or 0),
        students=int(students or 0),
        unassigned_students=int(unassigned or 0),
        mentors_at_capacity=int(at_capacity or 0),
        completion_by_mentor=completion_by_mentor,
        graduated_students=int(graduated or 0),
    )


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
    "mentor_performance",
    "overview_figures",
    "program_overview",
    "recent_activity",
    "review_queue",
    "student_summary",
    "upcoming_sessions",
]
