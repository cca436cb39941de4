"""A student asks their mentor for feedback on a submission (the source document's "Feedback
request system"), and reads the feedback given: a note to the mentor that puts the submission
first in the mentor's review queue, and a mark that the feedback has been read.

- Only the submission's student asks, about their own work still waiting for a review (a
  decided submission has its feedback already); asking again replaces the note.
- Feedback is unread until the student has been shown it (``mark_feedback_read``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core import clock, writes
from mentor_tui.core.access import Actor, submission_scope
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.text import clean_line
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.errors import AccessDenied, NotFound, UserError

MAX_REQUEST_CHARS = 2000


def _own_submission(s: Session, actor: Actor, key: str) -> Submission:
    key = (key or "").strip().lower()
    if not key:
        raise UserError("Give a submission id.")
    rows = list(
        s.execute(
            select(Submission)
            .where(submission_scope(actor), Submission.id.startswith(key, autoescape=True))
            .limit(2)
        ).scalars()
    )
    exact = [r for r in rows if r.id == key]
    if len(rows) > 1 and not exact:
        raise UserError(f"More than one submission starts with {key!r}; give more of the id.")
    if not rows or (len(key) < 8 and not exact):
        raise NotFound(f"No submission {clean_line(key)!r} that you can see.")
    row: Submission = exact[0] if exact else rows[0]
    if row.student_id != actor.id:
        raise AccessDenied("Only the submission's student asks for feedback on it.")
    return row


def request_feedback(
    s: Session, actor: Actor, key: str, text: str = "", *, now: datetime | None = None
) -> Submission:
    """The student's request for feedback on their own pending submission, with a note."""
    if not actor.is_student:
        raise AccessDenied("Only a student asks for feedback, on their own submission.")
    row = _own_submission(s, actor, key)
    if row.status != "pending":
        raise UserError(
            f"That submission is already reviewed ({row.status.replace('_', ' ')}); "
            f"its feedback is in `mentor-tui progress`."
        )
    note = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(note) > MAX_REQUEST_CHARS:
        raise UserError(f"A feedback request is at most {MAX_REQUEST_CHARS} characters.")
    writes.update(
        s,
        actor.id,
        row,
        {"feedback_requested_at": now or clock.now(), "feedback_request": note or None},
        action="request_feedback",
    )
    s.flush()
    _tell_mentor(s, actor, row, note)
    return row


def _tell_mentor(s: Session, actor: Actor, row: Submission, note: str) -> None:
    """The student's mentor hears of the request (a student without a mentor tells nobody)."""
    mentor_id = s.execute(select(User.mentor_id).where(User.id == actor.id)).scalar_one_or_none()
    if mentor_id is None:
        return
    title = s.execute(
        select(Assignment.title).where(Assignment.id == row.assignment_id)
    ).scalar_one_or_none()
    what = f"“{clean_line(title)}”" if title else f"submission {row.id[:8]}"
    notify(
        s,
        None,
        user_id=mentor_id,
        type="feedback_requested",
        title=f"Feedback requested: {what}",
        message=f"{actor.full_name} asks for feedback on {what}." + (f" {note}" if note else ""),
        data={"submission_id": row.id},
        actor_id=actor.id,
    )


def mark_feedback_read(
    s: Session, actor: Actor, submission_ids: Iterable[str], *, now: datetime | None = None
) -> int:
    """Mark the feedback on the student's own submissions as read; how many were unread."""
    if not actor.is_student:
        return 0
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    unread = list(
        s.execute(
            select(Submission).where(
                submission_scope(actor),
                Submission.student_id == actor.id,
                Submission.id.in_(ids),
                Submission.feedback.is_not(None),
                Submission.feedback_seen_at.is_(None),
            )
        ).scalars()
    )
    moment = now or clock.now()
    for row in unread:
        writes.update(s, actor.id, row, {"feedback_seen_at": moment}, action="read_feedback")
    s.flush()
    return len(unread)


__all__ = ["MAX_REQUEST_CHARS", "mark_feedback_read", "request_feedback"]
