"""Everything the student view shows about one student (SPEC section 4.2), read through the
access scopes: courses and modules, learning history, submission timeline, sessions, messages,
the actor's own notes (an admin gets only their number), milestones and a progress series.

Milestones are derived, never stored: each module completed, each course completed (its last
module done), the first approved submission, and the 25 / 50 / 75 / 100 % completion crossings
taken from the order in which modules were completed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import (
    Actor,
    find_student,
    message_scope,
    note_count_scope,
    note_scope,
    session_scope,
    submission_scope,
)
from mentor_tui.core.people import progress
from mentor_tui.core.people.progress import ActivityItem
from mentor_tui.core.people.students import StudentRow, student_rows
from mentor_tui.db.learning_models import Enrollment
from mentor_tui.db.models import (
    Assignment,
    Course,
    MentorshipNote,
    MentorshipSession,
    Message,
    Module,
    ModuleProgress,
    SessionAttendee,
    StudentProfile,
    Submission,
    User,
)

ENGAGEMENT_DAYS = 14
COMPLETION_MARKS = (25, 50, 75, 100)


@dataclass(frozen=True)
class ModuleLine:
    title: str
    percent: float
    is_completed: bool
    quiz_score: float | None
    time_spent_minutes: int
    last_activity_at: datetime | None
    module_id: str = ""
    completed_at: datetime | None = None


@dataclass(frozen=True)
class CourseProgress:
    """A course the student has started; ``modules`` lists all of its modules in order,
    untouched ones at 0 %."""

    course_id: str
    title: str
    modules_total: int
    modules_completed: int
    percent: float
    modules: list[ModuleLine]


@dataclass(frozen=True)
class SubmissionLine:
    id: str
    assignment_title: str
    submitted_at: datetime
    status: str
    reviewed_at: datetime | None
    feedback: str | None
    attempt: int


@dataclass(frozen=True)
class SessionLine:
    id: str
    starts_at: datetime
    duration_minutes: int
    status: str
    title: str
    kind: str
    attendance: str | None
    rating: int | None


@dataclass(frozen=True)
class MessageLine:
    at: datetime
    sender_name: str
    kind: str
    body: str
    sender_id: str = ""


@dataclass(frozen=True)
class NoteLine:
    id: str
    kind: str
    note: str
    added_at: datetime
    due_date: date | None
    done: bool


@dataclass(frozen=True)
class Milestone:
    at: datetime
    text: str


@dataclass(frozen=True)
class StudentDetail:
    row: StudentRow
    mentor_name: str | None
    learning_style: str
    needed_skills: list[str]
    goals: str
    timezone: str
    time_spent_minutes: int
    quiz_average: float | None
    engagement_14d: int
    courses: list[CourseProgress] = field(default_factory=list)
    history: list[ActivityItem] = field(default_factory=list)
    submissions: list[SubmissionLine] = field(default_factory=list)
    sessions: list[SessionLine] = field(default_factory=list)
    messages: list[MessageLine] = field(default_factory=list)
    notes: list[NoteLine] = field(default_factory=list)
    note_count: int = 0
    milestones: list[Milestone] = field(default_factory=list)
    progress_series: list[tuple[date, float]] = field(default_factory=list)


def student_detail(
    session: Session,
    actor: Actor,
    student_key: str,
    config: Config | None = None,
    *,
    now: datetime | None = None,
) -> StudentDetail:
    """The student view of ``student_key`` (id or email); AccessDenied when it is not the
    actor's student, NotFound when there is no such student."""
    student = find_student(session, actor, student_key)
    moment = clock.aware(now) if now else clock.now()
    (row,) = student_rows(session, actor, [student.id], config=config, now=moment)
    profile = session.execute(
        select(StudentProfile).where(
            StudentProfile.user_id == student.id, StudentProfile.deleted_at.is_(None)
        )
    ).scalar_one_or_none()
    modules = _module_progress(session, student.id)
    notes = _notes(session, actor, student.id)
    submissions = _submissions(session, actor, student.id)
    return StudentDetail(
        row=row,
        mentor_name=row.mentor_name,
        learning_style=profile.learning_style if profile else "",
        needed_skills=list(profile.needed_skills) if profile else [],
        goals=profile.goals if profile else "",
        timezone=student.timezone,
        time_spent_minutes=sum(m.line.time_spent_minutes for m in modules),
        quiz_average=_quiz_average(modules),
        engagement_14d=_engagement(session, actor, student.id, moment),
        courses=_courses(modules),
        history=progress.activity(session, actor, [student.id]),
        submissions=submissions,
        sessions=_sessions(session, actor, student.id),
        messages=_messages(session, actor, student),
        notes=notes,
        note_count=_note_count(session, actor, student.id),
        milestones=_milestones(modules, submissions),
        progress_series=_series(modules),
    )


@dataclass(frozen=True)
class _Touched:
    """One module of a course the student has touched, with their progress on it if any."""

    course_id: str
    course_title: str
    position: int
    line: ModuleLine
    has_progress: bool


def _module_progress(session: Session, student_id: str) -> list[_Touched]:
    """Every module of every course the student is enrolled in or has progress in, in course
    and module order."""
    mp = ModuleProgress
    started = (
        select(Module.course_id)
        .join(mp, and_(mp.module_id == Module.id, mp.user_id == student_id, progress.live(mp)))
        .where(progress.live(Module))
        .union(
            select(Enrollment.course_id).where(
                Enrollment.user_id == student_id, progress.live(Enrollment)
            )
        )
    )
    query = (
        select(Course.id, Course.title, Module.id, Module.title, Module.position, mp)
        .join(Module, Module.course_id == Course.id)
        .outerjoin(mp, and_(mp.module_id == Module.id, mp.user_id == student_id, progress.live(mp)))
        .where(Course.id.in_(started), progress.live(Course), progress.live(Module))
        .order_by(Course.title, Course.id, Module.position, Module.title)
    )
    touched = []
    for course_id, course_title, module_id, title, position, row in session.execute(query):
        if row is None:
            line = ModuleLine(title, 0.0, False, None, 0, None, module_id)
        else:
            done_at = row.completed_at or row.last_activity_at or row.updated_at
            line = ModuleLine(
                title=title,
                percent=100.0 if row.is_completed else float(row.percent),
                is_completed=row.is_completed,
                quiz_score=row.quiz_score,
                time_spent_minutes=row.time_spent_minutes,
                last_activity_at=row.last_activity_at,
                module_id=module_id,
                completed_at=done_at if row.is_completed else None,
            )
        touched.append(_Touched(course_id, course_title, position, line, row is not None))
    return touched


def _quiz_average(modules: list[_Touched]) -> float | None:
    scores = [m.line.quiz_score for m in modules if m.line.quiz_score is not None]
    return sum(scores) / len(scores) if scores else None


def _courses(modules: list[_Touched]) -> list[CourseProgress]:
    by_course: dict[str, list[_Touched]] = defaultdict(list)
    titles: dict[str, str] = {}
    for m in modules:
        by_course[m.course_id].append(m)
        titles[m.course_id] = m.course_title
    courses = []
    for course_id, parts in by_course.items():
        done = sum(1 for p in parts if p.line.is_completed)
        courses.append(
            CourseProgress(
                course_id=course_id,
                title=titles[course_id],
                modules_total=len(parts),
                modules_completed=done,
                percent=done * 100.0 / len(parts) if parts else 0.0,
                modules=[p.line for p in parts],
            )
        )
    return courses


def _engagement(session: Session, actor: Actor, student_id: str, now: datetime) -> int:
    """Modules touched plus submissions made in the last 14 days."""
    since = now - timedelta(days=ENGAGEMENT_DAYS)
    mp, sub = ModuleProgress, Submission
    modules = session.execute(
        select(func.count())
        .select_from(mp)
        .where(mp.user_id == student_id, progress.live(mp), mp.last_activity_at >= since)
    ).scalar_one()
    submitted = session.execute(
        select(func.count())
        .select_from(sub)
        .where(sub.student_id == student_id, submission_scope(actor), sub.submitted_at >= since)
    ).scalar_one()
    return int(modules) + int(submitted)


def _submissions(session: Session, actor: Actor, student_id: str) -> list[SubmissionLine]:
    sub = Submission
    query = (
        select(
            sub.id,
            Assignment.title,
            sub.submitted_at,
            sub.status,
            sub.reviewed_at,
            sub.feedback,
            sub.attempt,
        )
        .join(Assignment, Assignment.id == sub.assignment_id)
        .where(sub.student_id == student_id, submission_scope(actor))
        .order_by(sub.submitted_at.desc(), sub.id)
    )
    return [SubmissionLine(*row) for row in session.execute(query)]


def _sessions(session: Session, actor: Actor, student_id: str) -> list[SessionLine]:
    # an alias, so the student's session scope (an EXISTS over attendees) stays its own query
    ses, att = MentorshipSession, aliased(SessionAttendee, name="attending")
    query = (
        select(
            ses.id,
            ses.starts_at,
            ses.duration_minutes,
            ses.status,
            ses.title,
            ses.kind,
            att.attendance,
            att.rating,
        )
        .join(att, and_(att.session_id == ses.id, att.student_id == student_id, progress.live(att)))
        .where(session_scope(actor))
        .order_by(ses.starts_at.desc(), ses.id)
    )
    return [SessionLine(*row) for row in session.execute(query)]


def _messages(session: Session, actor: Actor, student: User) -> list[MessageLine]:
    """Direct messages to or from the student and announcements their mentor made, as far as
    the actor may read them, newest first."""
    sender = aliased(User, name="sender")
    about = or_(Message.sender_id == student.id, Message.recipient_id == student.id)
    if student.mentor_id is not None:
        about = or_(
            about, and_(Message.kind == "announcement", Message.sender_id == student.mentor_id)
        )
    query = (
        select(Message.created_at, sender.full_name, Message.kind, Message.body, Message.sender_id)
        .join(sender, sender.id == Message.sender_id)
        .where(message_scope(actor), about)
        .order_by(Message.created_at.desc(), Message.id)
    )
    return [MessageLine(*row) for row in session.execute(query)]


def _notes(session: Session, actor: Actor, student_id: str) -> list[NoteLine]:
    note = MentorshipNote
    query = (
        select(note.id, note.kind, note.note, note.added_at, note.due_date, note.done)
        .where(note_scope(actor), note.student_id == student_id)
        .order_by(note.added_at.desc(), note.id)
    )
    return [NoteLine(*row) for row in session.execute(query)]


def _note_count(session: Session, actor: Actor, student_id: str) -> int:
    """How many notes about the student the actor may count (an admin: every mentor's)."""
    query = (
        select(func.count())
        .select_from(MentorshipNote)
        .where(note_count_scope(actor), MentorshipNote.student_id == student_id)
    )
    return int(session.execute(query).scalar_one())


def _completion_order(modules: list[_Touched]) -> list[ModuleLine]:
    done = [m.line for m in modules if m.has_progress and m.line.completed_at is not None]
    return sorted(done, key=lambda line: cast(datetime, line.completed_at))  # None left out above


def _milestones(modules: list[_Touched], submissions: list[SubmissionLine]) -> list[Milestone]:
    events: list[Milestone] = []
    rows = sum(1 for m in modules if m.has_progress)
    for count, line in enumerate(_completion_order(modules), start=1):
        assert line.completed_at is not None
        events.append(Milestone(line.completed_at, f"Completed module {line.title}"))
        before, after = (count - 1) * 100.0 / rows, count * 100.0 / rows
        for mark in COMPLETION_MARKS:
            if before < mark <= after:
                events.append(Milestone(line.completed_at, f"Reached {mark}% completion"))
    by_course: dict[str, list[_Touched]] = defaultdict(list)
    for m in modules:
        by_course[m.course_id].append(m)
    for parts in by_course.values():
        if parts and all(p.line.is_completed and p.line.completed_at for p in parts):
            finished = max(cast(datetime, p.line.completed_at) for p in parts)  # all set: above
            events.append(Milestone(finished, f"Completed the course {parts[0].course_title}"))
    approved = [s.reviewed_at for s in submissions if s.status == "approved" and s.reviewed_at]
    if approved:
        first = min(approved)
        title = next(s.assignment_title for s in submissions if s.reviewed_at == first)
        events.append(Milestone(first, f"First submission approved: {title}"))
    events.sort(key=lambda m: m.at)
    return events


def _series(modules: list[_Touched]) -> list[tuple[date, float]]:
    """Cumulative completion % (of the student's progress rows) on each day a module was
    completed, in UTC days."""
    rows = sum(1 for m in modules if m.has_progress)
    per_day: dict[date, int] = defaultdict(int)
    for line in _completion_order(modules):
        assert line.completed_at is not None
        per_day[clock.aware(line.completed_at).date()] += 1
    series, total = [], 0
    for day in sorted(per_day):
        total += per_day[day]
        series.append((day, total * 100.0 / rows))
    return series


__all__ = [
    "ActivityItem",
    "CourseProgress",
    "MessageLine",
    "Milestone",
    "ModuleLine",
    "NoteLine",
    "SessionLine",
    "StudentDetail",
    "SubmissionLine",
    "student_detail",
]
