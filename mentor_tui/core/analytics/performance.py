"""Mentor performance and the program overview: the dashboard's last card, a mentor's own
figures or, for an admin, the program-wide view.

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

from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, find_user, require_admin
from mentor_tui.core.analytics.dashboard_figures import (
    GRADUATED,
    TOP_MENTORS,
    MentorPerformance,
    ProgramOverview,
    overview_of,
)
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import people_query
from mentor_tui.db.models import MentorProfile, MentorshipSession, SessionAttendee, Submission, User
from mentor_tui.errors import UserError


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
    averages: dict[str, float] = {}
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
    return overview_of(
        (students, unassigned, graduated), (mentors, active, at_capacity), top, averages
    )


__all__ = ["MentorPerformance", "ProgramOverview", "mentor_performance", "program_overview"]
