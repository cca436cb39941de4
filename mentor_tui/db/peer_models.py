"""Tables of peer mentorship (issue 20, the source document's "Advanced Features 3").

- ``peer_mentors``: an admin's certification of an advanced student as a peer mentor: the
  course it rests on with its criteria as they stood (completion, quiz average), the date, a
  small capacity (how many group members they may facilitate), the skills they help with, and
  its revocation. One row per student (its id made from the student's id), certified again
  by updating it: two admins certifying the same student offline make one row, not two.
- ``peer_reviews``: a certified peer's review of a group member's submission, marked a peer
  review; the student's own mentor confirms it (the decision becomes the submission's) or
  overrides it.
- ``study_groups`` and ``study_group_members``: a mentor's group of their students, optionally
  with a peer facilitator; a group session is a session whose ``group_id`` names the group.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field

from mentor_tui.db.models import SYNCED_TABLES, Synced

_PEER_NAMESPACE = uuid.UUID("0c6f4a57-9f43-4b1e-8d1f-4d3b7a2e9c15")

PEER_REVIEW_OUTCOMES = ("pending", "confirmed", "overridden")


def peer_mentor_id(student_id: str) -> str:
    return str(uuid.uuid5(_PEER_NAMESPACE, f"peer_mentors:{student_id}"))


class PeerMentor(Synced, table=True):
    __tablename__ = "peer_mentors"

    student_id: str = Field(foreign_key="users.id", index=True)
    certified_by: str | None = Field(default=None, foreign_key="users.id")
    certified_at: datetime
    capacity: int = 3
    course_id: str | None = Field(default=None, foreign_key="courses.id")
    completion: float = 0.0  # percent of the course's modules completed when certified
    quiz_average: float | None = None  # the course's quiz scores' average when certified
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    revoked_at: datetime | None = None
    revoked_by: str | None = Field(default=None, foreign_key="users.id")


class StudyGroup(Synced, table=True):
    __tablename__ = "study_groups"

    mentor_id: str = Field(foreign_key="users.id", index=True)
    name: str
    facilitator_id: str | None = Field(default=None, foreign_key="users.id")


class StudyGroupMember(Synced, table=True):
    __tablename__ = "study_group_members"
    __table_args__ = (Index("ix_study_group_members_group", "group_id", "student_id"),)

    group_id: str = Field(foreign_key="study_groups.id")
    student_id: str = Field(foreign_key="users.id", index=True)


class PeerReview(Synced, table=True):
    __tablename__ = "peer_reviews"

    submission_id: str = Field(foreign_key="submissions.id", index=True)
    reviewer_id: str = Field(foreign_key="users.id", index=True)
    verdict: str  # approved / rejected / changes_requested, as a mentor's decision
    feedback: str
    outcome: str = "pending"  # pending / confirmed / overridden (the mentor's)
    decided_by: str | None = Field(default=None, foreign_key="users.id")
    decided_at: datetime | None = None


for _model in (PeerMentor, StudyGroup, StudyGroupMember, PeerReview):
    SYNCED_TABLES.setdefault(_model.__tablename__, _model)
