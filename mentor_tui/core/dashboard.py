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

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock, progress
from mentor_tui.core.access import (
    Actor,
    find_user,
    require_admin,
    session_scope,
    student_scope,
    submission_scope,
    visible_student_ids,
)
from mentor_tui.core.errors import UserError
from mentor_tui.core.progress import ActivityItem
from mentor_tui.core.students import RiskContext, StudentFigures, StudentRow, people_query
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipSession,
    SessionAttendee,
    Submission,
    User,
)

GRADUATED = "Passed out / Completed"
ATTENTION_ROWS = 8
RECENT_ITEMS = 10
UPCOMING_SESSIONS = 5
TOP_MENTORS = 10
FEW_STUDENTS = 2000
"""Up to this many visible students, recent activity is read student by student; beyond it,
by time across the whole program."""
STUDENT_STEPS = ("module_started", "module_completed", "submitted")


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
    performance: MentorPerformance | None = None
    program: ProgramOverview | None = None


def dashboard(
    session: Session, actor: Actor, config: Config | None = None, *, now: datetime | None = None
) -> DashboardData:
    """Everything the dashboard shows for ``actor`` at ``now`` (default: this minute). The
    result is kept until the store changes or the minute is over (``progress.memo``), so going
    back to the dashboard is instant even for a program of 50,000 students."""
    config = config or load_config()
    moment = clock.aware(now) if now else clock.now().replace(second=0, microsecond=0)
    key = ("dashboard", actor, config, moment)
    return progress.memo(session, key, lambda: _dashboard(session, actor, config, moment))


def _dashboard(session: Session, actor: Actor, config: Config, moment: datetime) -> DashboardData:
    ctx = RiskContext.build(session, config, moment)
    student_count, active, at_risk, average, attention = _student_summary(session, actor, ctx)
    pending, oldest, overdue = _review_queue(session, actor, ctx.overdue_before)
    return DashboardData(
        role=actor.role,
        student_count=student_count,
        active_students=active,
        at_risk_count=at_risk,
        average_completion=average,
        pending_reviews=pending,
        oldest_pending_at=oldest,
        overdue_reviews=overdue,
        attention=attention,
        recent_activity=_recent_activity(session, actor, student_count),
        upcoming_sessions=upcoming_sessions(session, actor, now=moment),
        performance=(
            mentor_performance(session, actor, actor.id, config, now=moment)
            if actor.is_mentor
            else None
        ),
        program=program_overview(session, actor, config) if actor.is_admin else None,
    )


def _student_summary(
    session: Session, actor: Actor, ctx: RiskContext
) -> tuple[int, int, int, float, list[StudentRow]]:
    """Counts over every visible student and the few needing attention, in one pass."""
    figures = StudentFigures(people_query(actor).subquery("people"), ctx)
    p = figures.people.c
    stats = (
        func.count().over(),
        func.sum(case((p.status == "Active", 1), else_=0)).over(),
        func.sum(case((figures.risk > 0, 1), else_=0)).over(),
        func.avg(
            case((progress.as_int(figures.progress.c.modules) > 0, figures.rate), else_=None)
        ).over(),
    )
    query = (
        figures.rows_query()
        .add_columns(*stats)
        .order_by(figures.risk.desc(), figures.pending.desc(), p.full_name, p.id)
        .limit(ATTENTION_ROWS)
    )
    attention: list[StudentRow] = []
    counts: tuple[Any, ...] = (0, 0, 0, None)
    for values in session.execute(query):
        row = figures.make_row(values)
        counts = tuple(values[figures.ROW_WIDTH :])
        if row.at_risk or row.pending_submissions:
            attention.append(row)
    students, active, at_risk, average = counts
    return int(students or 0), int(active or 0), int(at_risk or 0), float(average or 0.0), attention


def _recent_activity(session: Session, actor: Actor, students: int) -> list[ActivityItem]:
    """What the actor's students did lately (their own steps; review decisions are the
    mentor's and show in each student's history)."""
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


def _review_queue(
    session: Session, actor: Actor, overdue_before: datetime
) -> tuple[int, datetime | None, int]:
    sub = Submission
    pending = sub.status == "pending"
    query = select(
        func.count(),
        func.min(sub.submitted_at),
        func.sum(case((sub.submitted_at < overdue_before, 1), else_=0)),
    ).where(submission_scope(actor), pending)
    count, oldest, overdue = session.execute(query).one()
    return int(count), oldest, int(overdue or 0)


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
    "ActivityItem",
    "DashboardData",
    "MentorPerformance",
    "ProgramOverview",
    "UpcomingSession",
    "dashboard",
    "mentor_performance",
    "program_overview",
    "upcoming_sessions",
]
