"""The per-mentor table (issue 19, SPEC section 8, the seed's ``mentor_performance`` view): one
row per mentor, every figure grouped in SQL (six grouped queries whatever the number of
mentors, never one query per mentor).

Each figure, as README's "Figures" section defines it:

- **students**: live students assigned to the mentor, whatever their status; **active
  students**: those of them whose status is Active;
- **average completion rate**: the mean completion rate (``progress.completion_rate``) of the
  mentor's students who have progress rows; None when none has;
- **reviews**, **average review hours**: the decisions the mentor made (``reviewer_id``, status
  not pending, ``reviewed_at`` set) and the mean of ``reviewed_at - submitted_at`` in hours;
  **within SLA**: the share of them taking at most ``assignment_review_sla_hours``;
- **sessions held**: the mentor's sessions that were not cancelled and started before now;
  **attendance rate**: attended / (attended + no-show) over their attendees (excused and
  unrecorded count neither way);
- **average rating**: the mean of the ratings attendees gave the mentor's sessions that were
  not cancelled; **ratings**: how many;
- **graduated**: the mentor's students whose status is "Passed out / Completed" (with a
  period: those whose ``graduated_on`` falls in it);
- **at risk now**: the mentor's Active students breaking at least one at-risk rule
  (``StudentFigures.risk``, the rule the students list and dashboard use; counted as
  ``mentor_risk.at_risk_rule`` reads it).

A period (``Period``) narrows the dated figures: decisions by ``reviewed_at``, sessions and
ratings by ``starts_at``, graduations by ``graduated_on``; the student counts, completion and
at-risk are as of now. A figure with nothing to measure is None, never a made-up zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, require_admin
from mentor_tui.core.analytics.beside import beside
from mentor_tui.core.analytics.mentor_risk import at_risk_rule
from mentor_tui.core.analytics.shared_progress import REVIEW_SECONDS_SQL, SharedProgress
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import GRADUATED, RiskContext
from mentor_tui.db.models import (
    MentorshipSession,
    SessionAttendee,
    StudentProfile,
    Submission,
    User,
)
from mentor_tui.errors import AccessDenied, UserError


@dataclass(frozen=True)
class Period:
    """Days from ``first`` to ``last``, both included (UTC days); either end may be open."""

    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        if self.first and self.last and self.first > self.last:
            raise UserError(f"The period starts ({self.first}) after it ends ({self.last}).")

    @property
    def start(self) -> datetime | None:
        return clock.aware(datetime.combine(self.first, time())) if self.first else None

    @property
    def end(self) -> datetime | None:
        """The first moment after the period."""
        if self.last is None:
            return None
        return clock.aware(datetime.combine(self.last + timedelta(days=1), time()))

    def times(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions keeping a time column inside the period."""
        where: list[ColumnElement[bool]] = []
        if self.start is not None:
            where.append(column >= self.start)
        if self.end is not None:
            where.append(column < self.end)
        return where

    def days(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions keeping a date column inside the period."""
        where: list[ColumnElement[bool]] = []
        if self.first is not None:
            where.append(column >= self.first)
        if self.last is not None:
            where.append(column <= self.last)
        return where

    @property
    def bounded(self) -> bool:
        return self.first is not None or self.last is not None


EVERYTHING = Period()


def period_from_text(first: str, last: str) -> Period:
    """A period as typed in the app's from / to boxes: YYYY-MM-DD or empty for an open end,
    the same meaning as ``mentor-tui report --from --to``; a bad day or a period ending before
    it starts is one sentence (``UserError``)."""
    from mentor_tui.core.timezones import parse_day

    start = parse_day(first) if first.strip() else None
    end = parse_day(last) if last.strip() else None
    return Period(start, end)


@dataclass(frozen=True)
class MentorRow:
    mentor_id: str
    name: str
    email: str
    status: str
    students: int
    active_students: int
    average_completion_rate: float | None
    reviews: int
    average_review_hours: float | None
    reviews_within_sla_share: float | None
    sessions_held: int
    attendance_rate: float | None
    average_rating: float | None
    ratings: int
    graduated_students: int
    at_risk_students: int

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


FIELDS: tuple[str, ...] = tuple(MentorRow.__dataclass_fields__)

SORT_KEYS: tuple[str, ...] = tuple(f for f in FIELDS if f not in ("mentor_id", "email"))


def mentor_condition(actor: Actor, mentor_id: str | None = None) -> ColumnElement[bool]:
    """The mentors whose figures ``actor`` may see: every mentor for an admin, themself for a
    mentor; narrowed to ``mentor_id`` when given. Anyone else is refused."""
    if not actor.is_admin:
        if actor.role != "mentor":
            raise AccessDenied("Only an admin or a mentor can see mentor figures.")
        if mentor_id is not None and mentor_id != actor.id:
            require_admin(actor, "see another mentor's figures")
        mentor_id = actor.id
    where = and_(User.role == "mentor", progress.live(User))
    return and_(where, User.id == mentor_id) if mentor_id is not None else where


def review_seconds(sub: Any = Submission) -> ColumnElement[float]:
    """``reviewed_at - submitted_at`` in seconds, to the millisecond (julianday's float error
    rounded away, so 48 h is exactly 172800): ``REVIEW_SECONDS_SQL`` for SQLAlchemy."""
    days = func.julianday(sub.reviewed_at) - func.julianday(sub.submitted_at)
    return func.round(days * literal_column("86400.0"), literal_column("3"), type_=Float)


def _reviews_query(ids: list[str], sla_hours: int, period: Period) -> Any:
    """Per mentor: decisions, mean review seconds, decisions within the SLA, read from
    ``ix_submissions_review_time`` (named: with the store's statistics SQLite preferred a
    narrower index by reviewer, until revision 0026 dropped it, and parsed two times per
    decision)."""
    when = Submission.__table__.c.reviewed_at.type
    dated = ""
    params: list[Any] = [bindparam("ids", ids, expanding=True), bindparam("sla", sla_hours * 3600)]
    if period.start is not None:
        dated += " AND reviewed_at >= :start"
        params.append(bindparam("start", period.start, type_=when))
    if period.end is not None:
        dated += " AND reviewed_at < :end"
        params.append(bindparam("end", period.end, type_=when))
    seconds = REVIEW_SECONDS_SQL
    return text(
        f"SELECT reviewer_id, count(*), avg({seconds}),"
        f" sum(CASE WHEN {seconds} <= :sla THEN 1 ELSE 0 END)"
        " FROM submissions INDEXED BY ix_submissions_review_time"
        " WHERE reviewer_id IN :ids AND deleted_at IS NULL AND status != 'pending'"
        f" AND reviewed_at IS NOT NULL{dated} GROUP BY reviewer_id"
    ).bindparams(*params)


def mentor_table(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    period: Period = EVERYTHING,
    mentor_id: str | None = None,
    now: datetime | None = None,
    sort: str = "name",
    descending: bool = False,
) -> list[MentorRow]:
    """Every mentor ``actor`` may see (``mentor_condition``) with the module's figures."""
    if sort not in SORT_KEYS:
        raise UserError(f"Unknown sort key {sort!r}; use one of {', '.join(SORT_KEYS)}.")
    moment = clock.aware(now) if now else clock.now()
    db = session.connection()
    mentors, people = _mentors_and_students(db, actor, mentor_id)
    if not mentors:
        return []
    ids = [row[0] for row in mentors]
    reviews_query = _reviews_query(ids, config.assignment_review_sla_hours, period)
    sessions_query = _sessions_query(ids, period, moment)

    def apart(own: Session) -> tuple[Mapping[str, tuple[Any, ...]], ...]:
        return _by_mentor(own.connection(), reviews_query), _by_mentor(
            own.connection(), sessions_query
        )

    # the review and session figures are read on a second connection meanwhile
    with beside(session, apart) as side:
        students = _by_mentor(db, _student_figures(session, config, people, period, moment))
        reviews, sessions = side.result()

    rows = []
    for mid, name, email, status in mentors:
        students_, active, grads, average, risky = students.get(mid, (0, 0, 0, None, 0))
        decided, seconds_avg, within = reviews.get(mid, (0, None, 0))
        held, attended, no_show, rating, rated = sessions.get(mid, (0, 0, 0, None, 0))
        attended, no_show = int(attended or 0), int(no_show or 0)
        rows.append(
            MentorRow(
                mentor_id=mid,
                name=name,
                email=email,
                status=status,
                students=int(students_ or 0),
                active_students=int(active or 0),
                average_completion_rate=None if average is None else float(average),
                reviews=int(decided or 0),
                average_review_hours=None if seconds_avg is None else float(seconds_avg) / 3600,
                reviews_within_sla_share=int(within or 0) / decided if decided else None,
                sessions_held=int(held or 0),
                attendance_rate=attended / (attended + no_show) if attended + no_show else None,
                average_rating=None if rating is None else float(rating),
                ratings=int(rated or 0),
                graduated_students=int(grads or 0),
                at_risk_students=int(risky or 0),
            )
        )
    return sort_rows(rows, sort, descending=descending)


def _sessions_query(ids: list[str], period: Period, moment: datetime) -> Any:
    """Per mentor: sessions held, attended, no-shows, mean rating, ratings."""
    ses, att = MentorshipSession, SessionAttendee
    past = ses.starts_at < moment
    return (
        select(
            ses.mentor_id,
            func.count(func.distinct(case((past, ses.id)))),
            func.sum(case((and_(past, att.attendance == "attended"), 1), else_=0), type_=Integer),
            func.sum(case((and_(past, att.attendance == "no_show"), 1), else_=0), type_=Integer),
            func.avg(att.rating),
            func.count(att.rating),
        )
        .select_from(ses)
        .outerjoin(att, and_(att.session_id == ses.id, progress.live(att)))
        .where(
            ses.mentor_id.in_(ids),
            progress.live(ses),
            ses.status != "cancelled",
            *period.times(ses.starts_at),
        )
        .group_by(ses.mentor_id)
    )


def _mentors_and_students(db: Any, actor: Actor, mentor_id: str | None) -> tuple[Any, Any]:
    """The mentors ``actor`` may see (id, name, email, status) and their live students as a
    subquery ``people``."""
    mentors = db.execute(
        select(User.id, User.full_name, User.email, User.status).where(
            mentor_condition(actor, mentor_id)
        )
    ).all()
    ids = [row[0] for row in mentors]
    people = (
        select(User.id, User.full_name, User.email, User.status, User.mentor_id)
        .where(User.role == "student", progress.live(User), User.mentor_id.in_(ids))
        .subquery("people")
    )
    return mentors, people


def completion_by_mentor(
    session: Session,
    actor: Actor,
    *,
    period: Period = EVERYTHING,
    shared: SharedProgress | None = None,
) -> list[dict[str, Any]]:
    """The program report's completion by mentor: for each mentor (as ``mentor_table``, by
    name), their students, the mean completion and the graduates, the same expressions as the
    per-mentor table without its review, session and at-risk figures (the progress totals from
    ``shared``, the report's one pass, when given)."""
    db = session.connection()
    mentors, people = _mentors_and_students(db, actor, None)
    if not mentors:
        return []
    found = _by_mentor(
        db, _student_figures(session, None, people, period, clock.now(), shared=shared)
    )
    rows = []
    for mid, name, _email, _status in mentors:
        students, _active, grads, average, _risky = found.get(mid, (0, 0, 0, None, 0))
        rows.append(
            {
                "mentor_id": mid,
                "name": name,
                "students": int(students or 0),
                "average_completion_rate": None if average is None else float(average),
                "graduated_students": int(grads or 0),
            }
        )
    rows.sort(key=lambda r: (r["name"].casefold(), r["mentor_id"]))
    return rows


def _student_figures(
    session: Session,
    config: Config | None,
    people: Any,
    period: Period,
    moment: datetime,
    *,
    shared: SharedProgress | None = None,
) -> Any:
    """Per mentor, in one pass over their students and their figures: students, active,
    graduated, mean completion (students with progress rows), at risk now (``at_risk_rule``,
    the rule of ``StudentFigures``; 0 without a ``config``: then only the progress rows are
    joined)."""
    p = people.c
    ids = select(p.id)
    # the kept totals joined to ``people`` alone (no list of their ids made first)
    totals = shared.totals(ids) if shared is not None else progress.kept_totals(None)
    rate = progress.completion_rate(totals.c.modules, totals.c.completed)
    joined: Any = people.outerjoin(totals, totals.c.sid == p.id)
    risk: ColumnElement[int] = literal_column("0")
    if config is not None:
        ctx = RiskContext.build(session, config, moment)
        attendance, risky = at_risk_rule(people, totals, rate, ctx)
        joined = joined.outerjoin(attendance, attendance.c.sid == p.id)
        risk = func.sum(case((risky, 1), else_=0), type_=Integer)
    graduated: ColumnElement[int]
    if period.bounded:
        sp = StudentProfile
        graduated_in = (
            select(sp.user_id)
            .where(progress.live(sp), sp.graduated_on.is_not(None), *period.days(sp.graduated_on))
            .scalar_subquery()
        )
        graduated = func.sum(
            case((and_(p.status == GRADUATED, p.id.in_(graduated_in)), 1), else_=0), type_=Integer
        )
    else:
        graduated = func.sum(case((p.status == GRADUATED, 1), else_=0), type_=Integer)
    return (
        select(
            p.mentor_id,
            func.count(),
            func.sum(case((p.status == "Active", 1), else_=0), type_=Integer),
            graduated,
            func.avg(case((totals.c.sid.is_not(None), rate)), type_=Float),
            risk,
        )
        .select_from(joined)
        .group_by(p.mentor_id)
    )


def _by_mentor(db: Any, query: Any) -> Mapping[str, tuple[Any, ...]]:
    """Rows keyed by their first column (the mentor), the rest as a tuple."""
    return {row[0]: tuple(row[1:]) for row in db.execute(query).all()}


def sort_rows(rows: list[MentorRow], key: str, *, descending: bool = False) -> list[MentorRow]:
    """Rows by one figure; a missing figure (None) sorts last either way, ties by name."""
    if key not in SORT_KEYS:
        raise UserError(f"Unknown sort key {key!r}; use one of {', '.join(SORT_KEYS)}.")
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.mentor_id))
    present = [r for r in by_name if getattr(r, key) is not None]
    missing = [r for r in by_name if getattr(r, key) is None]

    def value(row: MentorRow) -> Any:
        v = getattr(row, key)
        return v.casefold() if isinstance(v, str) else v

    present.sort(key=value, reverse=descending)
    return present + missing


__all__ = [
    "EVERYTHING",
    "FIELDS",
    "REVIEW_SECONDS_SQL",
    "SORT_KEYS",
    "MentorRow",
    "Period",
    "completion_by_mentor",
    "mentor_condition",
    "mentor_table",
    "period_from_text",
    "review_seconds",
    "sort_rows",
]
