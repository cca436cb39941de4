"""Reviewing one submission: the preview of the work with its earlier attempts, decisions (one
or many) and the review-time figures analytics needs. The queue is in ``review_queue``, the
reminders against the SLA in ``review_reminders``, the comment bank in ``comment_bank``.

Every query starts from ``submission_scope``: a mentor sees only their students' work, an
admin everyone's. Decisions go through ``writes.update`` (journal, audit, version) and tell the
student their feedback is available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, case, false, func, select, update
from sqlmodel import Session

from mentor_tui.config import Config, load_config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, live, submission_scope
from mentor_tui.core.notifications.notify import FEEDBACK_RECEIVED, notify
from mentor_tui.core.reviews.peer_marks import PeerMark, peer_marks
from mentor_tui.core.timezones import zone_label
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.errors import AccessDenied, NotFound, UserError

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
    peer: PeerMark | None = None  # a peer mentor's review of it (issue 20), for the mentor


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
        peer=peer_marks(session, actor, [submission.id]).get(submission.id),
    )


def _visible_submission(session: Session, actor: Actor, submission_id: str) -> Submission:
    """The live submission by id, re-read from the store; NotFound or AccessDenied otherwise."""
    return _visible(session, actor, submission_id)[0]


def _visible(session: Session, actor: Actor, submission_id: str) -> tuple[Submission, str]:
    """``_visible_submission`` and its assignment's title, in one query: whether the actor
    may see it is a column beside it."""
    title = select(Assignment.title).where(Assignment.id == Submission.assignment_id)
    found = session.execute(
        select(Submission, submission_scope(actor), title.scalar_subquery())
        .where(Submission.id == submission_id.strip(), live(Submission))
        .execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise NotFound(f"No submission {submission_id.strip()!r} in this database.")
    submission, visible, assignment_title = found
    if not visible:
        student = session.get_one(User, submission.student_id)
        raise AccessDenied(f"That submission is from {student.email}, who is not your student.")
    return submission, assignment_title


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
    found = [_decidable(session, actor, sid, many=len(ids) > 1) for sid in ids]
    submissions = [submission for submission, _title in found]
    moment = clock.now()
    for submission, title in found:
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
        _tell_student(session, config, actor, submission, title, status)
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


_WRITE_LOCK = update(Submission).where(false()).values(version=Submission.version)


def _hold_write_lock(session: Session) -> None:
    """Take SQLite's write lock before reading, so the pending check and the decision are one
    step against every other writer (a second device, the CLI in another terminal): a rival
    decision either committed before we read it, or waits until we have committed ours."""
    session.connection().execute(_WRITE_LOCK)


def decided(stored_status: str) -> bool:
    """A submission is decided once: only a pending one takes a decision (the app's decisions
    and the sync server's pushed ones alike)."""
    return stored_status != "pending"


def _decidable(
    session: Session, actor: Actor, submission_id: str, *, many: bool
) -> tuple[Submission, str]:
    """The submission, pending and visible, and its assignment's title."""
    try:
        submission, title = _visible(session, actor, submission_id)
    except UserError as exc:
        if many:
            raise type(exc)(f"{str(exc).rstrip('.')}; nothing was decided.") from exc
        raise
    if decided(submission.status):
        raise UserError(_already_decided(session, actor, submission, many=many))
    return submission, title


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
        what += f" on {when:%Y-%m-%d %H:%M} {zone_label(when)}"
    return what + ("; nothing was decided." if many else ".")


def _tell_student(
    session: Session, config: Config, actor: Actor, submission: Submission, title: str, status: str
) -> None:
    notify(
        session,
        config,
        user_id=submission.student_id,
        type=FEEDBACK_RECEIVED,
        title="Feedback available",
        message=f"Your submission {title!r} was {_STATUS_WORDS[status]}.",
        data={
            "submission_id": submission.id,
            "assignment_id": submission.assignment_id,
            "status": status,
        },
        actor_id=actor.id,
    )


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
    "STATUS_FOR",
    "Decision",
    "EarlierAttempt",
    "ReviewTimes",
    "SubmissionPreview",
    "decide",
    "decide_many",
    "decided",
    "review_hours",
    "review_times",
    "review_times_by_reviewer",
    "submission_preview",
]
