"""``auto_assignment`` (SPEC section 3): when the program turns it on, every new student (added
one by one, imported from CSV) is assigned at once, in the same transaction, by the matching to
the best-scoring mentor with room, with the match's explanation in the audit log and the usual
notifications (``assignment.assign_student``). When it is off nothing happens. A student no
mentor can take stays unassigned, with the reason in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor


@dataclass(frozen=True)
class AutoAssigned:
    assigned: int
    unplaced: int


def auto_assign_new_students(
    session: Session,
    actor: Actor,
    student_ids: Sequence[str],
    *,
    config: Config,
    now: datetime | None = None,
) -> AutoAssigned:
    """Assign the new ``student_ids`` by the matching when ``config.auto_assignment`` is on."""
    if not config.auto_assignment or not student_ids or not actor.is_admin:
        return AutoAssigned(0, 0)
    from mentor_tui.core.matching.people import load_students
    from mentor_tui.core.matching.plan import apply_matches, draft_matches

    session.flush()
    # only those the matching may place (active, still without a mentor)
    free = [s.id for s in load_students(session, actor, list(student_ids))]
    if not free:
        return AutoAssigned(0, 0)
    draft = draft_matches(session, actor, config=config, student_ids=free, now=now)
    for match in draft.matches:
        writes.audit(
            session,
            actor.id,
            "auto_assign",
            "users",
            match.student.id,
            {
                "mentor": match.mentor.email,
                "score": match.score.score,
                "reasons": match.score.reasons,
            },
        )
    for unplaced in draft.unplaced:
        writes.audit(
            session,
            actor.id,
            "auto_assign_unplaced",
            "users",
            unplaced.student.id,
            {"reason": unplaced.reason},
        )
    apply_matches(session, actor, draft, config=config)
    return AutoAssigned(len(draft.matches), len(draft.unplaced))


__all__ = ["AutoAssigned", "auto_assign_new_students"]
