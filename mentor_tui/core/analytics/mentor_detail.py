"""One mentor drilled into (the analytics screen's `enter`): their row of the per-mentor table,
their students with their figures, and their review times week by week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, case, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, student_scope
from mentor_tui.core.analytics.mentors import (
    EVERYTHING,
    MentorRow,
    Period,
    mentor_table,
    review_seconds,
)
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import StudentRow, student_rows
from mentor_tui.db.models import Submission, User
from mentor_tui.errors import NotFound

WEEKS = 12


@dataclass(frozen=True)
class ReviewWeek:
    week: date
    """The Monday (UTC) the week starts on."""
    reviews: int
    average_hours: float
    within_sla_share: float


@dataclass(frozen=True)
class MentorDetail:
    row: MentorRow
    students: list[StudentRow]
    weeks: list[ReviewWeek]


def review_weeks(
    session: Session,
    mentor_id: str,
    sla_hours: int,
    *,
    since: datetime | None,
    until: datetime | None = None,
) -> list[ReviewWeek]:
    """The mentor's decisions made from ``since`` until before ``until`` (either open), by the
    week they were made in (weeks with none are left out): how many, their mean review time and
    the share within the SLA."""
    sub = Submission
    seconds = review_seconds()
    week = func.date(sub.reviewed_at, "-6 days", "weekday 1").label("week")
    rows = session.connection().execute(
        select(
            week,
            func.count(),
            func.avg(seconds),
            func.sum(case((seconds <= sla_hours * 3600, 1), else_=0), type_=Integer),
        )
        .where(
            sub.reviewer_id == mentor_id,
            progress.live(sub),
            sub.status != "pending",
            sub.reviewed_at.is_not(None),
            *([] if since is None else [sub.reviewed_at >= since]),
            *([] if until is None else [sub.reviewed_at < until]),
        )
        .group_by(week)
        .order_by(week)
    )
    return [
        ReviewWeek(date.fromisoformat(day), int(n), float(avg) / 3600, int(within) / n)
        for day, n, avg, within in rows.all()
    ]


def mentor_detail(
    session: Session,
    actor: Actor,
    config: Config,
    mentor_id: str,
    *,
    weeks: int = WEEKS,
    period: Period = EVERYTHING,
    now: datetime | None = None,
) -> MentorDetail:
    """One mentor as ``actor`` may see them (an admin any, a mentor themself). With a period,
    their figures and review weeks are those of the period; without, the weeks are the last
    ``weeks``."""
    moment = clock.aware(now) if now else clock.now()
    found = mentor_table(session, actor, config, mentor_id=mentor_id, period=period, now=moment)
    if not found:
        raise NotFound("No such mentor.")
    ids = list(
        session.execute(
            select(User.id).where(student_scope(actor), User.mentor_id == mentor_id)
        ).scalars()
    )
    students = student_rows(session, actor, ids, config=config, now=moment)
    sla = config.assignment_review_sla_hours
    if period.bounded:
        chosen = review_weeks(session, mentor_id, sla, since=period.start, until=period.end)
    else:
        chosen = review_weeks(session, mentor_id, sla, since=moment - timedelta(weeks=weeks))
    return MentorDetail(found[0], students, chosen)


__all__ = ["WEEKS", "MentorDetail", "ReviewWeek", "mentor_detail", "review_weeks"]
