"""The peer reviews beside the review queue (issue 20): which pending submissions a certified
peer mentor reviewed already, with the verdict in a word, who wrote it and its feedback (user
text), for the queue's Peer column and the preview. Read for the rows of one page only, by
``ix_peer_reviews_submission_id``: a queue of 100,000 pending items pays for fifty lookups.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor, peer_review_scope
from mentor_tui.db.models import User
from mentor_tui.db.peer_models import PeerReview

# a verdict as a short word in a table column (the queue, the peers screens)
VERDICT_WORD = {"approved": "approve", "rejected": "reject", "changes_requested": "changes"}
# a verdict as one cell (the queue's narrow Peer column; the preview says which is which)
VERDICT_SIGN = {"approved": "✓", "rejected": "✗", "changes_requested": "~"}


@dataclass(frozen=True)
class PeerMark:
    """The peer review a pending submission has: the one still to confirm, else the newest
    one its mentor overrode."""

    review_id: str
    submission_id: str
    reviewer_name: str
    verdict: str  # approved / rejected / changes_requested
    outcome: str  # pending / overridden (a confirmed one decided the submission)
    feedback: str
    written_at: datetime

    @property
    def word(self) -> str:
        return VERDICT_WORD.get(self.verdict, self.verdict)

    @property
    def sign(self) -> str:
        return VERDICT_SIGN.get(self.verdict, "?")


def peer_marks(
    session: Session, actor: Actor, submission_ids: Collection[str]
) -> dict[str, PeerMark]:
    """The peer review of each of ``submission_ids`` the actor may see (``peer_review_scope``),
    by submission id; submissions without one are left out."""
    if not submission_ids:
        return {}
    marks: dict[str, PeerMark] = {}
    for review, name in session.execute(marks_query(actor, submission_ids)).all():
        marks.setdefault(
            review.submission_id,
            PeerMark(
                review_id=review.id,
                submission_id=review.submission_id,
                reviewer_name=name,
                verdict=review.verdict,
                outcome=review.outcome,
                feedback=review.feedback,
                written_at=clock.aware(review.created_at),
            ),
        )
    return marks


def marks_query(actor: Actor, submission_ids: Collection[str]) -> Select[PeerReview, str]:
    """The peer reviews of ``submission_ids`` the actor may see, the one to show first for
    each (still to confirm, then newest); found by the submission index, a page's worth."""
    return (
        select(PeerReview, User.full_name)
        .join(User, User.id == PeerReview.reviewer_id)
        .where(peer_review_scope(actor), PeerReview.submission_id.in_(list(submission_ids)))
        .order_by(
            PeerReview.submission_id,
            case((PeerReview.outcome == "pending", 0), else_=1),
            PeerReview.created_at.desc(),
            PeerReview.id,
        )
    )


__all__ = ["VERDICT_WORD", "PeerMark", "marks_query", "peer_marks"]
