"""Whether any mentor's absence is planned or under way: what every admin's command (and the
server's upkeep) asks before its own work, so it imports neither the substitution machinery nor
the models (``substitution.py`` re-exports it, and ``tests/test_substitution*`` checks both
agree on the table and the states)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

OPEN = ("planned", "active")
"""An absence's states while it is planned or under way (``MentorAbsence.state``)."""

_ANY_OPEN = text(
    "SELECT 1 FROM mentor_absences "
    "WHERE state IN ('planned', 'active') AND deleted_at IS NULL LIMIT 1"
)


def any_open_absence(session: Session) -> bool:
    """Whether an absence is planned or under way: one query on the small absences table,
    what every admin's command pays before its own work when there is none."""
    return session.execute(_ANY_OPEN).first() is not None


__all__ = ["OPEN", "any_open_absence"]
