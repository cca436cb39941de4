"""Tables of the review workflow beyond the submissions themselves.

- ``comment_snippets``: a mentor's comment bank, reusable feedback. Synced, so a mentor's bank
  follows them from device to device.
- ``review_reminders``: local bookkeeping of which reminder went out for which submission, so each
  threshold fires once per submission however often (and however late) the reminders run.
- ``ix_submissions_queue``: the review queue's index on ``submissions``. It covers the queue's
  WHERE and ORDER BY (and the ids a text filter matches on), so counting 100,000 pending
  submissions and finding any page of them never reads the table itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentor_tui.db.models import SYNCED_TABLES, Submission, Synced

QUEUE_INDEX = Index(
    "ix_submissions_queue",
    Submission.__table__.c.status,
    Submission.__table__.c.deleted_at,
    Submission.__table__.c.submitted_at,
    Submission.__table__.c.id,
    Submission.__table__.c.student_id,
    Submission.__table__.c.assignment_id,
)


class CommentSnippet(Synced, table=True):
    __tablename__ = "comment_snippets"
    __table_args__ = (Index("ix_comment_snippets_owner_title", "owner_id", "title"),)

    owner_id: str = Field(foreign_key="users.id")
    title: str
    body: str


class ReviewReminder(SQLModel, table=True):
    """One row per submission and threshold once its reminder has been dealt with.

    ``notification_id`` is None when nothing was sent because a later threshold had already
    been announced (an item first seen past its SLA gets the overdue alert alone).
    No foreign key: sync may prune a reassigned student's submissions from this store.
    """

    __tablename__ = "review_reminders"

    submission_id: str = Field(primary_key=True, max_length=36)
    threshold: str = Field(primary_key=True)
    recipient_id: str | None = None
    notification_id: str | None = None
    logged_at: datetime


SYNCED_TABLES.setdefault(CommentSnippet.__tablename__, CommentSnippet)
