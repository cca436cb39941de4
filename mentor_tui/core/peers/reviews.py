"""Peer reviews (issue 20), supervised: a certified peer mentor reviews a pending submission of
a member of a group they facilitate (a verdict as a mentor's decision, and feedback); it is
marked a peer review, and the student's own mentor hears of it. The mentor confirms it (the
verdict and feedback become the submission's decision, the mentor its reviewer) or overrides
it (optionally deciding otherwise); the student sees the review, who wrote it and what their
mentor made of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.access import (
    Actor,
    live,
    peer_review_scope,
    peer_submission_scope,
    submission_scope,
)
from mentor_tui.core.notifications.notify import notify
from mentor_tui.core.reviews.decisions import STATUS_FOR, decide
from mentor_tui.core.reviews.peer_marks import VERDICT_WORD
from mentor_tui.core.text import clean_text
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.db.peer_models import PeerMentor, PeerReview
from mentor_tui.errors import AccessDenied, NotFound, UserError

MAX_PEER_FEEDBACK = 5000
DECISION_OF = {status: decision for decision, status in STATUS_FOR.items()}


@dataclass(frozen=True)
class PeerReviewView:
    id: str
    submission_id: str
    assignment: str
    student_id: str
    student_name: str
    reviewer_id: str
    reviewer_name: str
    verdict: str  # approved / rejected / changes_requested
    feedback: str
    outcome: str  # pending / confirmed / overridden
    written_at: datetime
    submission_status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "submission_id": self.submission_id,
            "assignment": self.assignment,
            "student": self.student_name,
            "student_id": self.student_id,
            "reviewer": self.reviewer_name,
            "reviewer_id": self.reviewer_id,
            "peer_review": True,
            "verdict": self.verdict,
            "feedback": self.feedback,
            "outcome": self.outcome,
            "written_at": self.written_at.isoformat(),
            "submission_status": self.submission_status,
        }


@dataclass(frozen=True)
class Reviewable:
    """A mentee's pending submission a peer mentor may review."""

    submission_id: str
    student_name: str
    assignment: str
    submitted_at: datetime
    content: str
    reviewed: bool  # by this peer already

    def to_json(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "student": self.student_name,
            "assignment": self.assignment,
            "submitted_at": self.submitted_at.isoformat(),
            "reviewed_by_me": self.reviewed,
        }


_VERDICT_WORDS = {
    "a": "approve",
    "approve": "approve",
    "approved": "approve",
    "r": "reject",
    "reject": "reject",
    "rejected": "reject",
    "c": "request_changes",
    "changes": "request_changes",
    "request_changes": "request_changes",
    "request changes": "request_changes",
    "changes_requested": "request_changes",
}


def parse_verdict(text: str) -> str:
    """A verdict as typed (approve / reject / changes, or a, r, c) as a decision's name."""
    word = " ".join((text or "").strip().lower().split())
    if word not in _VERDICT_WORDS:
        raise UserError("Say approve, reject or changes (a, r or c).")
    return _VERDICT_WORDS[word]


def _by_key(s: Session, model: Any, scope: Any, key: str) -> Any:
    """The row in ``scope`` with id ``key`` or an unambiguous id prefix (8+ characters)."""
    key = (key or "").strip().lower()
    if not key:
        raise UserError("Give an id.")
    row = s.execute(select(model).where(scope, model.id == key)).scalar_one_or_none()
    if row is None and len(key) >= 8:
        matches = list(
            s.execute(
                select(model).where(scope, model.id.startswith(key, autoescape=True)).limit(2)
            ).scalars()
        )
        if len(matches) > 1:
            raise UserError(f"More than one row starts with {key!r}; give more of the id.")
        row = matches[0] if matches else None
    return row


def _certified(s: Session, actor: Actor) -> None:
    mine = s.execute(
        select(PeerMentor.id).where(
            PeerMentor.student_id == actor.id, live(PeerMentor), PeerMentor.revoked_at.is_(None)
        )
    ).first()
    if not actor.is_student or mine is None:
        raise AccessDenied("Only a certified peer mentor writes peer reviews.")


def reviewable(s: Session, actor: Actor) -> list[Reviewable]:
    """The pending work of the students a peer mentor facilitates, oldest first (then by
    student)."""
    if not actor.is_student:
        return []
    mine = select(PeerReview.submission_id).where(
        live(PeerReview), PeerReview.reviewer_id == actor.id
    )
    rows = s.execute(
        select(Submission, User.full_name, Assignment.title)
        .join(User, User.id == Submission.student_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(peer_submission_scope(actor), Submission.status == "pending")
        # work handed in together is listed by student (ids are random: not an order to show)
        .order_by(Submission.submitted_at, User.full_name, Submission.id)
    ).all()
    done = {r[0] for r in s.execute(mine)}
    return [
        Reviewable(
            submission_id=sub.id,
            student_name=name,
            assignment=title,
            submitted_at=clock.aware(sub.submitted_at),
            content=sub.content or "",
            reviewed=sub.id in done,
        )
        for sub, name, title in rows
    ]


def write_review(
    s: Session, actor: Actor, submission_id: str, decision: str, feedback: str
) -> PeerReviewView:
    """A peer mentor's review of a mentee's pending submission; their mentor is told."""
    _certified(s, actor)
    if decision not in STATUS_FOR:
        raise UserError(f"Unknown verdict {decision!r}; use approve, reject or request_changes.")
    words = clean_text(feedback or "").strip()
    if not words:
        raise UserError("A peer review needs feedback.")
    if len(words) > MAX_PEER_FEEDBACK:
        raise UserError(f"A peer review is at most {MAX_PEER_FEEDBACK} characters.")
    sub = _by_key(s, Submission, peer_submission_scope(actor), submission_id)
    if sub is None:
        raise NotFound("No submission of a student you facilitate has that id.")
    if sub.status != "pending":
        raise UserError("That submission is decided already.")
    twice = s.execute(
        select(PeerReview.id).where(
            live(PeerReview),
            PeerReview.submission_id == sub.id,
            PeerReview.reviewer_id == actor.id,
        )
    ).first()
    if twice is not None:
        raise UserError("You reviewed that submission already.")
    row = PeerReview(
        submission_id=sub.id, reviewer_id=actor.id, verdict=STATUS_FOR[decision], feedback=words
    )
    writes.insert(s, actor.id, row, action="peer_review", detail={"student_id": sub.student_id})
    student = s.get(User, sub.student_id)
    me = s.get(User, actor.id)
    if student is not None and me is not None and student.mentor_id == me.mentor_id:
        notify(
            s,
            None,
            user_id=str(student.mentor_id),
            type="peer_review_written",
            title=f"Peer review to confirm: {student.full_name}",
            message=f"{actor.full_name} reviewed {student.full_name}'s work "
            f"({DECISION_OF.get(row.verdict, row.verdict)}).",
            data={"submission_id": sub.id, "peer_review_id": row.id},
            actor_id=actor.id,
        )
    s.flush()
    return peer_reviews(s, actor, review_id=row.id)[0]


def peer_reviews(
    s: Session,
    actor: Actor,
    *,
    pending_only: bool = False,
    review_id: str | None = None,
    submission_id: str | None = None,
) -> list[PeerReviewView]:
    """The peer reviews the actor may see, newest first."""
    reviewer = aliased(User)
    query = (
        select(PeerReview, Submission, User.full_name, reviewer.full_name, Assignment.title)
        .join(Submission, Submission.id == PeerReview.submission_id)
        .join(User, User.id == Submission.student_id)
        .join(reviewer, reviewer.id == PeerReview.reviewer_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(peer_review_scope(actor))
        .order_by(PeerReview.created_at.desc(), User.full_name, PeerReview.id)
    )
    if pending_only:
        query = query.where(PeerReview.outcome == "pending")
    if review_id is not None:
        query = query.where(PeerReview.id == review_id)
    if submission_id is not None:
        query = query.where(PeerReview.submission_id == submission_id)
    return [
        PeerReviewView(
            id=r.id,
            submission_id=sub.id,
            assignment=title,
            student_id=sub.student_id,
            student_name=student,
            reviewer_id=r.reviewer_id,
            reviewer_name=who,
            verdict=r.verdict,
            feedback=r.feedback,
            outcome=r.outcome,
            written_at=clock.aware(r.created_at),
            submission_status=sub.status,
        )
        for r, sub, student, who, title in s.execute(query).all()
    ]


def _supervised(s: Session, actor: Actor, review_id: str) -> tuple[PeerReview, Submission]:
    if actor.is_student:
        raise AccessDenied("Only the student's mentor or an admin confirms a peer review.")
    row = _by_key(s, PeerReview, peer_review_scope(actor), review_id)
    if row is None:
        raise NotFound(f"No peer review {review_id.strip()!r} on your students' work.")
    sub = s.execute(
        select(Submission).where(Submission.id == row.submission_id, submission_scope(actor))
    ).scalar_one_or_none()
    if sub is None:
        raise NotFound("That peer review's submission is not one of your students'.")
    if row.outcome != "pending":
        raise UserError(f"That peer review is {row.outcome} already.")
    return row, sub


def confirm_review(
    s: Session, actor: Actor, review_id: str, config: Config | None = None
) -> PeerReviewView:
    """The mentor confirms: the peer's verdict and feedback become the submission's decision."""
    row, sub = _supervised(s, actor, review_id)
    if sub.status != "pending":
        raise UserError("The submission is decided already: override the peer review instead.")
    reviewer = s.get(User, row.reviewer_id)
    by = reviewer.full_name if reviewer is not None else "a peer mentor"
    decide(
        s,
        actor,
        sub.id,
        DECISION_OF[row.verdict],
        f"{row.feedback}\n\n(Peer review by {by}.)",
        config,
    )
    _close(s, actor, row, "confirmed")
    return peer_reviews(s, actor, review_id=row.id)[0]


def override_review(
    s: Session,
    actor: Actor,
    review_id: str,
    *,
    decision: str | None = None,
    feedback: str | None = None,
    config: Config | None = None,
) -> PeerReviewView:
    """The mentor overrides the peer review, deciding the submission otherwise when told how
    (or leaving it in their queue)."""
    row, sub = _supervised(s, actor, review_id)
    if decision is not None:
        if sub.status != "pending":
            raise UserError("The submission is decided already.")
        decide(s, actor, sub.id, decision, feedback, config)
    _close(s, actor, row, "overridden")
    return peer_reviews(s, actor, review_id=row.id)[0]


def _close(s: Session, actor: Actor, row: PeerReview, outcome: str) -> None:
    writes.update(
        s,
        actor.id,
        row,
        {"outcome": outcome, "decided_by": actor.id, "decided_at": clock.now()},
        action=f"peer_review_{outcome}",
    )
    s.flush()


__all__ = [
    "VERDICT_WORD",
    "PeerReviewView",
    "Reviewable",
    "confirm_review",
    "override_review",
    "parse_verdict",
    "peer_reviews",
    "reviewable",
    "write_review",
]
