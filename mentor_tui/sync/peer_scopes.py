"""Peer mentorship's rows in sync (issue 20): who holds which (the scopes of
``core/access.py``) and who may change them, the same rules ``core/peers`` follows.

- ``peer_mentors``: certifications, written by admins alone.
- ``study_groups`` / ``study_group_members``: a mentor's own groups of their own students, with
  a certified peer of theirs (or nobody) as facilitator; a member may leave.
- ``peer_reviews``: a certified peer's review of a pending submission of a student they
  facilitate, as pending; the student's mentor confirms or overrides it, as themself.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, or_, select

from mentor_tui.core.access import (
    Actor,
    certified_peers,
    group_member_scope,
    peer_mentor_scope,
    peer_review_scope,
    peer_submission_scope,
    student_scope,
    study_group_scope,
    submission_scope,
)
from mentor_tui.db.models import Submission, User
from mentor_tui.db.peer_models import PeerReview, StudyGroup, StudyGroupMember
from mentor_tui.sync.grant import Grant, f

PEER_READ_RULES: dict[str, Callable[[Actor], ColumnElement[bool]]] = {
    "peer_mentors": peer_mentor_scope,
    "study_groups": study_group_scope,
    "study_group_members": group_member_scope,
    "peer_reviews": peer_review_scope,
}


def _group_grants(actor: Actor) -> list[Grant]:
    if not actor.is_mentor:
        return []
    mine = select(User.id).where(student_scope(actor))
    facilitator = or_(
        StudyGroup.facilitator_id.is_(None),
        and_(StudyGroup.facilitator_id.in_(mine), StudyGroup.facilitator_id.in_(certified_peers())),
    )
    return [Grant(StudyGroup.mentor_id == actor.id, after=facilitator)]


def _member_grants(actor: Actor) -> list[Grant]:
    if actor.is_mentor:
        own_group = StudyGroupMember.group_id.in_(
            select(StudyGroup.id).where(StudyGroup.mentor_id == actor.id)
        )
        mine = StudyGroupMember.student_id.in_(select(User.id).where(student_scope(actor)))
        return [Grant(and_(own_group, mine))]
    if actor.is_student:
        return [Grant(StudyGroupMember.student_id == actor.id, f("delete"))]
    return []


def _peer_review_grants(actor: Actor) -> list[Grant]:
    if actor.is_mentor:
        about_mine = PeerReview.submission_id.in_(
            select(Submission.id).where(submission_scope(actor))
        )
        return [
            Grant(
                about_mine,
                f("update"),
                f("outcome", "decided_by", "decided_at"),
                after=and_(PeerReview.decided_by == actor.id, PeerReview.outcome != "pending"),
            )
        ]
    if actor.is_student:
        reviewable = select(Submission.id).where(
            peer_submission_scope(actor), Submission.status == "pending"
        )
        return [
            Grant(
                and_(
                    PeerReview.reviewer_id == actor.id,
                    PeerReview.reviewer_id.in_(certified_peers()),
                ),
                f("insert"),
                after=and_(
                    PeerReview.submission_id.in_(reviewable),
                    PeerReview.outcome == "pending",
                    PeerReview.decided_by.is_(None),
                    PeerReview.decided_at.is_(None),
                ),
            )
        ]
    return []


PEER_GRANTS: dict[str, Callable[[Actor], list[Grant]]] = {
    "peer_mentors": lambda a: [],
    "study_groups": _group_grants,
    "study_group_members": _member_grants,
    "peer_reviews": _peer_review_grants,
}

__all__ = ["PEER_GRANTS", "PEER_READ_RULES"]
