"""Program-wide figures (the source's "Mentorship Effectiveness" and "Student Success
Correlation"), for admins: completion by mentor, time to course completion, retention by cohort
month, figures by verified specialization, satisfaction and the success correlations; each
grouped in SQL. README's "Figures" section defines them.

- **time to course completion**: a student's start on a course is their enrollment's
  ``enrolled_at`` (the platform's enrollments, or imported ones); without an enrollment, their
  first progress row on any of its modules (``created_at``); finished is the latest ``completed_at`` once every live module of the
  course has a completed row of theirs. The period keeps completions finished in it.
- **retention**: a student's first activity is their first progress row, their last the latest
  of progress and submissions (``progress.latest_of``); retained at D days when the last is D
  or more days after the first. Only students whose first activity is D or more days ago count
  for D. Cohorts are the months of the first activity (the period keeps cohorts starting in it).
- **by verified specialization**: for each specialization some mentor holds verified, the
  students of those mentors (a student counts under each of their mentor's), their mean
  completion (students with progress rows) and graduates.
- **satisfaction**: the session ratings (1-5) on sessions not cancelled, how many of each and
  their mean; the period keeps sessions starting in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Float, FromClause, Integer, and_, case, func, select, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor, require_admin
from mentor_tui.core.analytics.beside import beside
from mentor_tui.core.analytics.correlations import (
    Correlation,
    attended_counts,
    feedback_resubmission,
    review_hours,
    review_turnaround,
    session_frequency,
    student_rows,
)
from mentor_tui.core.analytics.early_reads import BY_SPECIALIZATION_SQL, EarlyReads
from mentor_tui.core.analytics.mentors import EVERYTHING, Period, completion_by_mentor
from mentor_tui.core.analytics.program_tables import RETENTION_DAYS, program_tables
from mentor_tui.core.analytics.report import Report
from mentor_tui.core.analytics.shared_progress import (
    SharedProgress,
    shared_progress,
)
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import GRADUATED
from mentor_tui.db.derived_tables import SORT_KEYS
from mentor_tui.db.learning_models import Enrollment
from mentor_tui.db.models import (
    Course,
    MentorshipSession,
    MentorSpecialization,
    Module,
    ModuleProgress,
    SessionAttendee,
    Submission,
    User,
)


class Early(NamedTuple):
    """Read on a second connection while the first makes its pass: the sessions each student
    attended (``attended_counts``), the satisfaction and the figures by specialization (on
    the kept progress totals; None where the early reads bring them: ``Apart``'s)."""

    attended: dict[str, int]
    satisfaction: list[dict[str, Any]]
    specializations: list[dict[str, Any]] | None


class Apart(NamedTuple):
    """Read on a third connection meanwhile: each student's mean review time
    (``review_hours``) and the feedback pairs; with the early reads, the figures by
    specialization too (None without)."""

    review_hours: dict[str, float]
    feedback: Correlation
    specializations: list[dict[str, Any]] | None


def _db(session: Session) -> Any:
    return session.connection()


def course_completion_times(
    session: Session, period: Period, shared: SharedProgress | None = None
) -> list[dict[str, Any]]:
    """Per course; ``shared`` (the report's one pass over the progress rows) gives the same
    figures as grouping the rows here."""
    mp = ModuleProgress
    modules = (
        select(Module.course_id.label("course_id"), func.count().label("n"))
        .where(progress.live(Module))
        .group_by(Module.course_id)
        .subquery("course_modules")
    )
    per = (
        _course_progress(shared)
        if shared is not None
        else select(
            mp.user_id.label("sid"),
            Module.course_id.label("course_id"),
            func.sum(case((mp.is_completed, 1), else_=0), type_=Integer).label("done"),
            func.min(mp.created_at).label("started"),
            func.max(mp.completed_at).label("finished"),
        )
        .join(Module, Module.id == mp.module_id)
        .join(User, User.id == mp.user_id)
        .where(
            progress.live(mp), progress.live(Module), User.role == "student", progress.live(User)
        )
        .group_by(mp.user_id, Module.course_id)
        .subquery("course_progress")
    )
    en = Enrollment
    enrolled = (
        select(en.user_id.label("sid"), en.course_id, func.min(en.enrolled_at).label("at"))
        .where(progress.live(en), en.enrolled_at.is_not(None))
        .group_by(en.user_id, en.course_id)
        .subquery("enrolled")
    )
    started = func.coalesce(enrolled.c.at, per.c.started)
    days = (func.julianday(per.c.finished) - func.julianday(started)).label("days")
    rows = _db(session).execute(
        select(Course.title, func.count(), func.avg(days), func.min(days), func.max(days))
        .select_from(per)
        .join(modules, modules.c.course_id == per.c.course_id)
        .join(Course, Course.id == per.c.course_id)
        .outerjoin(
            enrolled, and_(enrolled.c.sid == per.c.sid, enrolled.c.course_id == per.c.course_id)
        )
        .where(
            per.c.done == modules.c.n, per.c.finished.is_not(None), *period.times(per.c.finished)
        )
        .group_by(Course.id, Course.title)
        .order_by(Course.title)
    )
    return [
        {
            "course": title,
            "completions": int(n),
            "average_days": float(avg),
            "fastest_days": lo,
            "slowest_days": hi,
        }
        for title, n, avg, lo, hi in rows.all()
    ]


def _course_progress(shared: SharedProgress) -> Any:
    """The plain query's ``course_progress`` (per live student and course, live modules only)
    from the shared pass, where it counts: where ``done`` is the course's number of live
    modules (the pass keeps the completed rows alone, which there are all the rows)."""
    c = shared.courses.c
    return (
        select(
            c.sid.label("sid"),
            c.course_id.label("course_id"),
            c.completed.label("done"),
            c.started.label("started"),
            c.finished.label("finished"),
        )
        .join(User, User.id == c.sid)
        .where(User.role == "student", progress.live(User))
        .subquery("course_progress")
    )


def retention(
    session: Session,
    now: datetime,
    period: Period,
    shared: SharedProgress | None = None,
    submissions: FromClause | None = None,
    *,
    kept_keys: bool = False,
) -> list[dict[str, Any]]:
    """``shared`` (the progress pass) and ``submissions`` (``submission_pass``, or
    ``kept_last_submitted``: any ``sid``, ``last_submitted_at``) give the same figures as
    grouping the rows here; so do ``shared`` and ``kept_keys`` (``_kept_activity``)."""
    if shared is not None and kept_keys:
        return _retention_rows(session, now, period, *_kept_activity(shared))
    mp, sub = ModuleProgress, Submission
    students = (User.role == "student", progress.live(User))
    first = (
        select(
            shared.students.c.sid.label("sid"),
            shared.students.c.first_progress_at.label("first"),
            shared.students.c.last_progress_at.label("last_progress"),
        )
        .join(User, User.id == shared.students.c.sid)
        .where(*students)
        .subquery("first_activity")
        if shared is not None
        else select(
            mp.user_id.label("sid"),
            func.min(mp.created_at).label("first"),
            func.max(mp.last_activity_at).label("last_progress"),
        )
        # IN, not a join: the rows read in the index's student order, grouped as they come (a
        # join reads them in the students' name order and sorts 400,000 rows)
        .where(progress.live(mp), mp.user_id.in_(select(User.id).where(*students)))
        .group_by(mp.user_id)
        .subquery("first_activity")
    )
    submitted = (
        select(
            submissions.c.sid.label("sid"),
            submissions.c.last_submitted_at.label("last_submitted"),
        ).subquery("last_submitted")
        if submissions is not None
        else select(sub.student_id.label("sid"), func.max(sub.submitted_at).label("last_submitted"))
        .where(progress.live(sub))
        .group_by(sub.student_id)
        .subquery("last_submitted")
    )
    last = progress.latest_of(first.c.last_progress, submitted.c.last_submitted)
    joined = first.outerjoin(submitted, submitted.c.sid == first.c.sid)
    return _retention_rows(session, now, period, joined, first.c.first, last)


def _kept_activity(shared: SharedProgress) -> tuple[FromClause, Any, Any]:
    """Each live student's first progress (the pass) and last activity as the store's
    triggers keep it (``student_sort_keys.last_activity``, revision 0022: the later of their
    last progress and last submission, '' for none; one row per live student, so it also
    keeps the students alone): one lookup per student instead of their user row and their
    submission totals."""
    s, k = shared.students.c, SORT_KEYS.c
    joined = shared.students.join(SORT_KEYS, k.user_id == s.sid)
    return joined, s.first_progress_at, func.nullif(k.last_activity, "")


def _retention_rows(
    session: Session, now: datetime, period: Period, joined: FromClause, first: Any, last: Any
) -> list[dict[str, Any]]:
    """The retention table from each student's first and last activity (``joined``'s
    columns ``first`` and ``last``)."""
    # each student's ages worked out once (not once per column: 50,000 students, 15 times read
    # into dates each); LIMIT -1 keeps the subquery from being merged into the grouping
    per = (
        select(
            func.strftime("%Y-%m", first).label("cohort"),
            (func.julianday(now.strftime("%Y-%m-%d %H:%M:%S.%f")) - func.julianday(first)).label(
                "age"
            ),
            (func.julianday(last) - func.julianday(first)).label("span"),
        )
        .select_from(joined)
        .where(*period.times(first))
        .limit(-1)
        .subquery("ages")
    )
    age, span, cohort = per.c.age, per.c.span, per.c.cohort
    columns: list[Any] = [cohort, func.count()]
    for d in RETENTION_DAYS:
        columns.append(func.sum(case((age >= d, 1), else_=0), type_=Integer))
        columns.append(func.sum(case((and_(age >= d, span >= d), 1), else_=0), type_=Integer))
    rows = _db(session).execute(select(*columns).group_by(cohort).order_by(cohort))
    out = []
    for month, students, *pairs in rows.all():
        row: dict[str, Any] = {"cohort": month, "students": int(students)}
        for n, d in enumerate(RETENTION_DAYS):
            eligible, kept = int(pairs[2 * n] or 0), int(pairs[2 * n + 1] or 0)
            row[f"measured_{d}"] = eligible
            row[f"retained_{d}"] = kept / eligible if eligible else None
        out.append(row)
    return out


def by_specialization(
    session: Session, shared: SharedProgress | None = None, *, kept: bool = False
) -> list[dict[str, Any]]:
    """``shared`` (the progress pass) or ``kept`` (the kept totals, ``progress.kept_totals``)
    give the same figures as grouping the rows here."""
    spec = MentorSpecialization
    student = select(User.id).where(User.role == "student", progress.live(User))
    if shared is None and kept:  # the statement the early reads run (written there)
        return specialization_rows(_db(session).execute(text(BY_SPECIALIZATION_SQL)).all())
    if shared is not None:
        totals = shared.totals(student)
    else:
        totals = progress.progress_totals(student)
    rate = progress.completion_rate(totals.c.modules, totals.c.completed)
    rows = _db(session).execute(
        select(
            spec.specialization,
            func.count(func.distinct(spec.mentor_id)),
            func.count(func.distinct(User.id)),
            func.avg(case((totals.c.sid.is_not(None), rate)), type_=Float),
            func.count(func.distinct(case((User.status == GRADUATED, User.id)))),
        )
        .select_from(spec)
        .join(
            User,
            and_(User.mentor_id == spec.mentor_id, User.role == "student", progress.live(User)),
            isouter=True,
        )
        .outerjoin(totals, totals.c.sid == User.id)
        .where(progress.live(spec), spec.verified.is_(True))
        .group_by(spec.specialization)
        .order_by(spec.specialization)
    )
    return specialization_rows(rows.all())


def specialization_rows(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """``by_specialization``'s table from its statement's rows (or the early reads')."""
    return [
        {
            "specialization": name,
            "mentors": int(mentors),
            "students": int(students),
            "average_completion_rate": None if avg is None else float(avg),
            "graduated_students": int(grads),
        }
        for name, mentors, students, avg, grads in rows
    ]


def satisfaction(session: Session, period: Period) -> list[dict[str, Any]]:
    att, ses = SessionAttendee, MentorshipSession
    rows = dict(
        _db(session)
        .execute(
            select(att.rating, func.count())
            .join(ses, ses.id == att.session_id)
            .where(
                att.rating.is_not(None),
                progress.live(att),
                progress.live(ses),
                ses.status != "cancelled",
                *period.times(ses.starts_at),
            )
            .group_by(att.rating)
        )
        .all()
    )
    total = sum(rows.values())
    return [
        {
            "rating": value,
            "count": int(rows.get(value, 0)),
            "share": rows.get(value, 0) / total if total else None,
        }
        for value in range(1, 6)
    ]


@dataclass(frozen=True)
class ProgramFigures:
    """The program report and the correlations behind its last table (with their points, for
    the app's scatter plots)."""

    report: Report
    correlations: list[Correlation]


def program_report(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    period: Period = EVERYTHING,
    now: datetime | None = None,
    early_reads: EarlyReads | None = None,
) -> Report:
    return program_figures(
        session, actor, config, period=period, now=now, early_reads=early_reads
    ).report


def program_figures(
    session: Session,
    actor: Actor,
    config: Config,
    *,
    period: Period = EVERYTHING,
    now: datetime | None = None,
    early_reads: EarlyReads | None = None,
) -> ProgramFigures:
    """``early_reads`` (started before the report: the CLI) give the figures it reads the same
    as reading them here."""
    require_admin(actor, "see the program report")
    moment = clock.aware(now) if now else clock.now()

    def early(own: Session) -> Early:
        specializations = by_specialization(own, kept=True) if early_reads is None else None
        return Early(attended_counts(own, moment), satisfaction(own, period), specializations)

    def apart(own: Session) -> Apart:
        if early_reads is None:
            return Apart(review_hours(own), feedback_resubmission(own), None)
        found = early_reads.result()
        if found is None:  # they failed: what they would have brought is read here
            kept = by_specialization(own, kept=True)
            return Apart(review_hours(own), feedback_resubmission(own), kept)
        return Apart(  # read before the report began (the same statements)
            found.review_hours,
            feedback_resubmission(own, found.feedback_pairs),
            specialization_rows(found.specializations),
        )

    def kept_and_times(own: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        by_mentor = completion_by_mentor(own, actor, period=period)  # the kept totals
        with shared_progress(own, students=False) as courses:
            return by_mentor, course_completion_times(own, period, courses)

    # what needs no first progress is read on three more connections meanwhile (SQLite lets
    # go of the GIL while it reads; the kept totals stand in for the pass where they can):
    # this connection's part (the pass, retention and the two correlations) is the longest
    with (
        beside(session, apart) as late,
        beside(session, kept_and_times) as timed,
        beside(session, early) as first,
        shared_progress(session, courses=False) as shared,
    ):
        kept = retention(session, moment, period, shared, kept_keys=True)
        students = student_rows(session, shared)  # read once for both correlations
        found = [
            session_frequency(session, moment, shared, first.result().attended, students),
            review_turnaround(
                session,
                config.assignment_review_sla_hours,
                shared,
                late.result().review_hours,
                students,
            ),
            late.result().feedback,
        ]
        by_mentor, course_times = timed.result()
        tables = program_tables(
            by_mentor,
            course_times,
            kept,
            _either(first.result().specializations, late.result().specializations),
            first.result().satisfaction,
            [correlation_row(c) for c in found],
        )
    return ProgramFigures(Report("program", "Program analytics", moment, period, tables), found)


def _either(a: list[dict[str, Any]] | None, b: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The one of two reads that was made."""
    found = a if a is not None else b
    assert found is not None  # ``early`` reads them unless ``apart`` does
    return found


def correlation_row(c: Correlation) -> dict[str, Any]:
    return {"name": c.name, "n": c.n, "r": c.r, "reading": c.reading}


__all__ = [
    "RETENTION_DAYS",
    "ProgramFigures",
    "by_specialization",
    "course_completion_times",
    "program_figures",
    "program_report",
    "retention",
    "satisfaction",
    "specialization_rows",
]
