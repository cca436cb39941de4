"""The review workflow: the queue of pending submissions, the preview of one, decisions (one or
many), reminders against the review SLA, and the review-time figures analytics needs.

Every query starts from ``submission_scope``: a mentor's queue holds only their students'
work, an admin's holds everyone's. Decisions go through ``writes.update`` (journal, audit,
version) and tell the student their feedback is available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Exists,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import (
    Actor,
    live,
    student_scope,
    submission_scope,
    visible_student_ids,
)
from mentor_tui.core.comment_bank import (
    add_snippet,
    delete_snippet,
    find_snippet,
    list_snippets,
    update_snippet,
)
from mentor_tui.core.errors import AccessDenied, NotFound, UserError
from mentor_tui.core.notifications import notify
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.db.review_models import ReviewReminder

Decision = Literal["approve", "reject", "request_changes"]

STATUS_FOR: dict[str, str] = {
    "approve": "approved",
    "reject": "rejected",
    "request_changes": "changes_requested",
}
_VERB_FOR = {"approve": "approve", "reject": "reject", "request_changes": "request changes on"}
_STATUS_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "sent back for changes",
}


def sla(config: Config) -> timedelta:
    return timedelta(hours=config.assignment_review_sla_hours)


# --- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """One pending submission as the queue shows it. Names and titles are user text."""

    id: str
    student_id: str
    student_name: str
    student_email: str
    assignment_id: str
    assignment_title: str
    submitted_at: datetime
    due_by: datetime
    overdue: bool
    time_left: timedelta  # negative when overdue
    attempt: int


_ITEM_COLUMNS = (
    Submission.id,
    Submission.student_id,
    User.full_name,
    User.email,
    Submission.assignment_id,
    Assignment.title,
    Submission.submitted_at,
    Submission.attempt,
)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Up to this many visible students, the queue is read student by student.
FEW_STUDENTS = 1000


def _reads_student_by_student(session: Session, actor: Actor) -> bool:
    """Which way SQLite should find the actor's pending items. A few students' items (a
    mentor's twenty) are found fastest student by student through
    ix_submissions_student_status and sorted; everyone's (an admin's 100,000) by walking
    ix_submissions_queue in order, which also counts them without reading the table. Without
    statistics SQLite walks the queue index for both, so the choice is made here, from the
    number of students the actor sees (counted up to the limit only)."""
    visible = select(User.id).where(student_scope(actor)).limit(FEW_STUDENTS + 1).subquery()
    return session.execute(select(func.count()).select_from(visible)).scalar_one() <= FEW_STUDENTS


def _unindexed(column: Any) -> ColumnElement[Any]:
    """SQLite's unary ``+``: the same value, but the term no longer picks an index."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _queue_conditions(
    session: Session,
    actor: Actor,
    *,
    text_filter: str,
    overdue_only: bool,
    config: Config,
    now: datetime,
) -> list[ColumnElement[bool]]:
    """The WHERE of the queue, on ``submissions`` alone so that counting and paging read an
    index and only the rows of the page are joined."""
    conditions: list[ColumnElement[bool]] = [submission_scope(actor)]
    if _reads_student_by_student(session, actor):
        # the visible students drive the per-student index (a mentor's scope already says
        # so; an admin's does not), and status stays out of index choice
        conditions += [
            Submission.student_id.in_(visible_student_ids(actor)),
            _unindexed(Submission.status) == "pending",
        ]
    else:
        conditions.append(Submission.status == "pending")
    if overdue_only:
        conditions.append(Submission.submitted_at < now - sla(config))
    for word in text_filter.split():
        pattern = _like_pattern(word)
        students = select(User.id).where(
            student_scope(actor),  # a mentor's filter reads their own students, not everyone
            or_(User.full_name.like(pattern, escape="\\"), User.email.like(pattern, escape="\\")),
        )
        assignments = select(Assignment.id).where(Assignment.title.like(pattern, escape="\\"))
        conditions.append(
            or_(Submission.student_id.in_(students), Submission.assignment_id.in_(assignments))
        )
    return conditions


def _joined(query: Select[Any]) -> Select[Any]:
    return query.join(User, User.id == Submission.student_id).join(
        Assignment, Assignment.id == Submission.assignment_id
    )


def _items(session: Session, ids: Select[Any], config: Config, now: datetime) -> list[QueueItem]:
    """The queue items for a page of submission ids (a subquery already ordered and limited):
    the page is found in the index first and only its rows are read and joined."""
    query = (
        _joined(select(*_ITEM_COLUMNS))
        .where(Submission.id.in_(ids))
        .order_by(Submission.submitted_at, Submission.id)
    )
    return [_item(row, config, now) for row in session.execute(query)]


def _item(row: Any, config: Config, now: datetime) -> QueueItem:
    submitted = clock.aware(row[6])
    due = submitted + sla(config)
    return QueueItem(
        id=row[0],
        student_id=row[1],
        student_name=row[2],
        student_email=row[3],
        assignment_id=row[4],
        assignment_title=row[5],
        submitted_at=submitted,
        due_by=due,
        overdue=due < now,
        time_left=due - now,
        attempt=row[7],
    )


def count_queue(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> int:
    """How many pending submissions the queue holds (with the same filters as ``list_queue``)."""
    config = config or load_config()
    conditions = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=overdue_only,
        config=config,
        now=now or clock.now(),
    )
    query = select(func.count()).select_from(Submission).where(*conditions)
    return int(session.execute(query).scalar_one())


def list_queue(
    session: Session,
    actor: Actor,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    offset: int = 0,
    limit: int = 100,
    config: Config | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """Pending submissions of the actor's students, oldest first (ties by id, so pages are
    stable). ``text_filter`` matches every word against student name, email or assignment."""
    config = config or load_config()
    now = now or clock.now()
    conditions = _queue_conditions(
        session, actor, text_filter=text_filter, overdue_only=overdue_only, config=config, now=now
    )
    page = (
        select(Submission.id)
        .where(*conditions)
        .order_by(Submission.submitted_at, Submission.id)
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    return _items(session, page, config, now)


def get_queue_item(
    session: Session,
    actor: Actor,
    submission_id: str,
    *,
    config: Config | None = None,
    now: datetime | None = None,
) -> QueueItem | None:
    """One pending submission as a queue item; None when it is decided or not the actor's."""
    config = config or load_config()
    now = now or clock.now()
    query = _joined(select(*_ITEM_COLUMNS)).where(
        Submission.id == submission_id, submission_scope(actor), Submission.status == "pending"
    )
    row = session.execute(query).first()
    return _item(row, config, now) if row is not None else None


def _after(submitted_at: datetime, submission_id: str) -> ColumnElement[bool]:
    """Queue order is (submitted_at, id): the items after this position. Written as a range on
    submitted_at so SQLite walks the queue index."""
    return and_(
        Submission.submitted_at >= submitted_at,
        not_(and_(Submission.submitted_at == submitted_at, Submission.id <= submission_id)),
    )


def _before(submitted_at: datetime, submission_id: str) -> ColumnElement[bool]:
    return and_(
        Submission.submitted_at <= submitted_at,
        not_(and_(Submission.submitted_at == submitted_at, Submission.id >= submission_id)),
    )


def queue_position(
    session: Session,
    actor: Actor,
    submitted_at: datetime,
    submission_id: str,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> int:
    """The row index this position has (or would have) in the queue: the number of pending
    items before it. The screen uses it to page to the item it lands on."""
    config = config or load_config()
    conditions = _queue_conditions(
        session,
        actor,
        text_filter=text_filter,
        overdue_only=overdue_only,
        config=config,
        now=now or clock.now(),
    )
    query = (
        select(func.count())
        .select_from(Submission)
        .where(*conditions, _before(submitted_at, submission_id))
    )
    return int(session.execute(query).scalar_one())


def next_pending_after(
    session: Session,
    actor: Actor,
    submitted_at: datetime,
    submission_id: str,
    *,
    text_filter: str = "",
    overdue_only: bool = False,
    config: Config | None = None,
    now: datetime | None = None,
) -> QueueItem | None:
    """Where the queue lands after deciding the item at (submitted_at, submission_id): the
    next pending item after it, else the closest one before it, else None (queue empty)."""
    config = config or load_config()
    now = now or clock.now()
    conditions = _queue_conditions(
        session, actor, text_filter=text_filter, overdue_only=overdue_only, config=config, now=now
    )
    base = select(Submission.id).where(*conditions).limit(1)
    after = base.where(_after(submitted_at, submission_id)).order_by(
        Submission.submitted_at, Submission.id
    )
    before = base.where(_before(submitted_at, submission_id)).order_by(
        Submission.submitted_at.desc(), Submission.id.desc()
    )
    found = _items(session, after, config, now) or _items(session, before, config, now)
    return found[0] if found else None


# --- the preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierAttempt:
    id: str
    attempt: int
    submitted_at: datetime
    status: str
    feedback: str | None
    reviewed_at: datetime | None


@dataclass(frozen=True)
class SubmissionPreview:
    """A submission with what a reviewer needs beside it. ``content`` is the student's
    Markdown exactly as submitted; every text field is user text."""

    id: str
    student_id: str
    student_name: str
    student_email: str
    assignment_id: str
    assignment_title: str
    assignment_description: str
    content: str
    submitted_at: datetime
    attempt: int
    status: str
    feedback: str | None
    reviewer_name: str | None
    reviewed_at: datetime | None
    version: int
    earlier_attempts: tuple[EarlierAttempt, ...]  # same student and assignment, newest first


def submission_preview(session: Session, actor: Actor, submission_id: str) -> SubmissionPreview:
    submission = _visible_submission(session, actor, submission_id)
    student = session.get_one(User, submission.student_id)
    assignment = session.get_one(Assignment, submission.assignment_id)
    reviewer = session.get(User, submission.reviewer_id) if submission.reviewer_id else None
    earlier = session.execute(
        select(Submission)
        .where(
            submission_scope(actor),
            Submission.assignment_id == submission.assignment_id,
            Submission.student_id == submission.student_id,
            Submission.id != submission.id,
            Submission.submitted_at <= submission.submitted_at,
        )
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
    ).scalars()
    return SubmissionPreview(
        id=submission.id,
        student_id=student.id,
        student_name=student.full_name,
        student_email=student.email,
        assignment_id=assignment.id,
        assignment_title=assignment.title,
        assignment_description=assignment.description,
        content=submission.content,
        submitted_at=clock.aware(submission.submitted_at),
        attempt=submission.attempt,
        status=submission.status,
        feedback=submission.feedback,
        reviewer_name=reviewer.full_name if reviewer else None,
        reviewed_at=clock.aware(submission.reviewed_at) if submission.reviewed_at else None,
        version=submission.version,
        earlier_attempts=tuple(
            EarlierAttempt(
                id=s.id,
                attempt=s.attempt,
                submitted_at=clock.aware(s.submitted_at),
                status=s.status,
                feedback=s.feedback,
                reviewed_at=clock.aware(s.reviewed_at) if s.reviewed_at else None,
            )
            for s in earlier
        ),
    )


def _visible_submission(session: Session, actor: Actor, submission_id: str) -> Submission:
    """The live submission by id, re-read from the store; NotFound or AccessDenied otherwise."""
    submission = session.execute(
        select(Submission)
        .where(Submission.id == submission_id.strip(), live(Submission))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if submission is None:
        raise NotFound(f"No submission {submission_id.strip()!r} in this database.")
    visible = session.execute(
        select(exists().where(Submission.id == submission.id, submission_scope(actor)))
    ).scalar()
    if not visible:
        student = session.get_one(User, submission.student_id)
        raise AccessDenied(f"That submission is from {student.email}, who is not your student.")
    return submission


# --- decisions ------------------------------------------------------------------------------


def decide(
    session: Session,
    actor: Actor,
    submission_id: str,
    decision: str,
    feedback: str | None,
    config: Config | None = None,
) -> Submission:
    """Approve, reject or request changes on one pending submission and tell the student."""
    return decide_many(session, actor, [submission_id], decision, feedback, config)[0]


def decide_many(
    session: Session,
    actor: Actor,
    submission_ids: Sequence[str],
    decision: str,
    feedback: str | None,
    config: Config | None = None,
) -> list[Submission]:
    """One decision and one feedback for every submission, all or nothing: every item is
    checked before any is written, and the caller's transaction holds them together."""
    config = config or load_config()
    status = _check_decision(actor, decision)
    stored_feedback = _checked_feedback(decision, feedback)
    ids = list(dict.fromkeys(i.strip() for i in submission_ids))
    if not ids:
        raise UserError("Mark at least one submission to decide.")
    _hold_write_lock(session)
    submissions = [_decidable(session, actor, sid, many=len(ids) > 1) for sid in ids]
    moment = clock.now()
    for submission in submissions:
        writes.update(
            session,
            actor.id,
            submission,
            {
                "status": status,
                "feedback": stored_feedback,
                "reviewer_id": actor.id,
                "reviewed_at": moment,
            },
            action=f"review.{decision}",
            detail={"student_id": submission.student_id, "bulk": len(ids) > 1},
        )
        _tell_student(session, config, actor, submission, status)
    session.flush()
    return submissions


def _check_decision(actor: Actor, decision: str) -> str:
    if actor.is_student:
        raise AccessDenied("Only a mentor or an admin can review submissions.")
    if decision not in STATUS_FOR:
        raise UserError(f"Unknown decision {decision!r}; use approve, reject or request_changes.")
    return STATUS_FOR[decision]


def _checked_feedback(decision: str, feedback: str | None) -> str | None:
    """Feedback is kept exactly as typed; blank feedback counts as none."""
    if feedback is None or not feedback.strip():
        if decision != "approve":
            raise UserError(f"Write feedback to {_VERB_FOR[decision]} a submission.")
        return None
    return feedback


def _hold_write_lock(session: Session) -> None:
    """Take SQLite's write lock before reading, so the pending check and the decision are one
    step against every other writer (a second device, the CLI in another terminal): a rival
    decision either committed before we read it, or waits until we have committed ours."""
    session.connection().execute(
        update(Submission).where(false()).values(version=Submission.version)
    )


def _decidable(session: Session, actor: Actor, submission_id: str, *, many: bool) -> Submission:
    try:
        submission = _visible_submission(session, actor, submission_id)
    except UserError as exc:
        if many:
            raise type(exc)(f"{str(exc).rstrip('.')}; nothing was decided.") from exc
        raise
    if submission.status != "pending":
        raise UserError(_already_decided(session, actor, submission, many=many))
    return submission


def _already_decided(session: Session, actor: Actor, submission: Submission, *, many: bool) -> str:
    student = session.get_one(User, submission.student_id)
    assignment = session.get_one(Assignment, submission.assignment_id)
    what = f"{student.full_name}'s {assignment.title!r} was already "
    what += _STATUS_WORDS.get(submission.status, submission.status)
    if submission.reviewer_id:
        reviewer = session.get(User, submission.reviewer_id)
        if reviewer is not None:
            what += f" by {reviewer.full_name}"
    if submission.reviewed_at:
        when = clock.to_local(submission.reviewed_at, actor.timezone)
        what += f" on {when:%Y-%m-%d %H:%M} {when.tzname()}"
    return what + ("; nothing was decided." if many else ".")


def _tell_student(
    session: Session, config: Config, actor: Actor, submission: Submission, status: str
) -> None:
    assignment = session.get_one(Assignment, submission.assignment_id)
    notify(
        session,
        config,
        user_id=submission.student_id,
        type="feedback_received",
        title="Feedback available",
        message=f"Your submission {assignment.title!r} was {_STATUS_WORDS[status]}.",
        data={
            "submission_id": submission.id,
            "assignment_id": submission.assignment_id,
            "status": status,
        },
        actor_id=actor.id,
    )


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderThreshold:
    name: str  # the key in the reminder log
    share_of_sla: float
    toggle: str  # a field of config.notifications
    type: str  # the notification type
    title: str


OVERDUE = ReminderThreshold(
    "overdue", 1.0, "overdue_feedback_alert", "overdue_feedback", "Feedback overdue"
)
HALF_SLA = ReminderThreshold(
    "half_sla", 0.5, "pending_submission_reminder", "pending_submission_reminder", "Review due soon"
)


def run_review_reminders(
    session: Session,
    config: Config,
    now: datetime | None = None,
    *,
    mentor_id: str | None = None,
) -> int:
    """Remind mentors of pending work: once when an item passes half its SLA, once when it
    passes the SLA, each per submission and threshold, however late this runs (the log is in
    the store). An item first seen past its SLA gets the overdue alert alone. Students
    without a mentor have nobody to remind and are left for when they get one.
    ``mentor_id`` limits the run to one mentor's students: the app passes the signed-in
    mentor, so each mentor's reminders are made on their own devices (a run without it
    reminds every mentor in the store, and the first one over a large backlog writes one
    notification per item). Returns the notifications created."""
    now = now or clock.now()
    created = 0
    for threshold in (OVERDUE, HALF_SLA):  # overdue first: it supersedes the half reminder
        if not getattr(config.notifications, threshold.toggle):
            continue
        rows = session.execute(_unreminded(threshold, config, now, mentor_id)).all()
        # nothing below reads the store, so no autoflush: the rows go out in batches
        with session.no_autoflush:
            for done, row in enumerate(rows, start=1):
                submission_id, student_name, mentor, title, submitted, alerted = row
                notification_id: str | None = None
                if not alerted:
                    note = notify(
                        session,
                        config,
                        user_id=mentor,
                        type=threshold.type,
                        title=threshold.title,
                        message=_reminder_text(
                            threshold, student_name, title, submitted, config, now
                        ),
                        data={"submission_id": submission_id, "threshold": threshold.name},
                        toggle=threshold.toggle,
                    )
                    if note is not None:
                        notification_id = note.id
                        created += 1
                session.add(
                    ReviewReminder(
                        submission_id=submission_id,
                        threshold=threshold.name,
                        recipient_id=mentor,
                        notification_id=notification_id,
                        logged_at=now,
                    )
                )
                if done % _REMINDER_BATCH == 0:
                    session.flush()
        session.flush()
    return created


_REMINDER_BATCH = 500


def _logged(submission_id: Any, threshold: ReminderThreshold) -> Exists:
    return exists().where(
        ReviewReminder.submission_id == submission_id,
        ReviewReminder.threshold == threshold.name,
    )


def _unreminded(
    threshold: ReminderThreshold, config: Config, now: datetime, mentor_id: str | None
) -> Select[Any]:
    """Pending items past ``threshold`` with no log row for it yet, and whether the overdue
    alert already went out for each (which makes a half-SLA reminder pointless)."""
    overdue_logged = false() if threshold is OVERDUE else _logged(Submission.id, OVERDUE)
    query = (
        _joined(
            select(
                Submission.id,
                User.full_name,
                User.mentor_id,
                Assignment.title,
                Submission.submitted_at,
                overdue_logged,
            )
        )
        .where(
            live(Submission),
            live(User),
            Submission.status == "pending",
            Submission.submitted_at <= now - sla(config) * threshold.share_of_sla,
            User.mentor_id.is_not(None),
            not_(_logged(Submission.id, threshold)),
        )
        .order_by(Submission.submitted_at, Submission.id)
    )
    if mentor_id is not None:
        mentors_students = select(User.id).where(User.mentor_id == mentor_id, live(User))
        query = query.where(Submission.student_id.in_(mentors_students))
    return query


def _reminder_text(
    threshold: ReminderThreshold,
    student_name: str,
    title: str,
    submitted: datetime,
    config: Config,
    now: datetime,
) -> str:
    submitted = clock.aware(submitted)
    waited = clock.humanize_delta(now - submitted)
    if threshold is OVERDUE:
        late = clock.humanize_delta(now - submitted - sla(config))
        return (
            f"{student_name}'s {title!r} has waited {waited}, {late} past the "
            f"{config.assignment_review_sla_hours} h review time."
        )
    left = clock.humanize_delta(submitted + sla(config) - now)
    return f"{student_name}'s {title!r} has waited {waited}; feedback is due within {left}."


# --- review-time figures --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTimes:
    """Review time is reviewed_at - submitted_at, per decision."""

    decisions: int
    average_hours: float | None  # None with no decisions
    within_sla: int
    sla_hours: int

    @property
    def within_sla_share(self) -> float | None:
        return self.within_sla / self.decisions if self.decisions else None


def review_hours(submission: Submission) -> float | None:
    """One decision's review time in hours; None while pending."""
    if submission.reviewed_at is None:
        return None
    delta = clock.aware(submission.reviewed_at) - clock.aware(submission.submitted_at)
    return delta.total_seconds() / 3600


def _hours_expr() -> ColumnElement[float]:
    return (func.julianday(Submission.reviewed_at) - func.julianday(Submission.submitted_at)) * 24


def _figures_query(
    actor: Actor, since: datetime | None, until: datetime | None, sla_hours: int
) -> Select[Any]:
    hours = _hours_expr()
    query = select(
        func.count(),
        func.avg(hours),
        func.coalesce(func.sum(case((hours <= sla_hours, 1), else_=0)), 0),
    ).where(
        submission_scope(actor),
        Submission.status != "pending",
        Submission.reviewed_at.is_not(None),
    )
    if since is not None:
        query = query.where(Submission.reviewed_at >= since)
    if until is not None:
        query = query.where(Submission.reviewed_at < until)
    return query


def review_times(
    session: Session,
    actor: Actor,
    *,
    reviewer_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    config: Config | None = None,
) -> ReviewTimes:
    """Average review time and share inside the SLA over the decisions the actor may see
    (a mentor: their students'; an admin: all), optionally by one reviewer and reviewed in
    [since, until)."""
    sla_hours = (config or load_config()).assignment_review_sla_hours
    query = _figures_query(actor, since, until, sla_hours)
    if reviewer_id is not None:
        query = query.where(Submission.reviewer_id == reviewer_id)
    count, average, within = session.execute(query).one()
    return ReviewTimes(int(count), float(average) if count else None, int(within), sla_hours)


def review_times_by_reviewer(
    session: Session,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    config: Config | None = None,
) -> dict[str, ReviewTimes]:
    """The same figures per reviewer id, for the mentor performance table."""
    sla_hours = (config or load_config()).assignment_review_sla_hours
    query = (
        _figures_query(actor, since, until, sla_hours)
        .add_columns(Submission.reviewer_id)
        .where(Submission.reviewer_id.is_not(None))
        .group_by(Submission.reviewer_id)
    )
    return {
        reviewer: ReviewTimes(int(count), float(average), int(within), sla_hours)
        for count, average, within, reviewer in session.execute(query)
    }


__all__ = [
    "HALF_SLA",
    "OVERDUE",
    "STATUS_FOR",
    "Decision",
    "EarlierAttempt",
    "QueueItem",
    "ReminderThreshold",
    "ReviewTimes",
    "SubmissionPreview",
    "add_snippet",
    "count_queue",
    "decide",
    "decide_many",
    "delete_snippet",
    "find_snippet",
    "get_queue_item",
    "list_queue",
    "list_snippets",
    "next_pending_after",
    "queue_position",
    "review_hours",
    "review_times",
    "review_times_by_reviewer",
    "run_review_reminders",
    "sla",
    "submission_preview",
    "update_snippet",
]
