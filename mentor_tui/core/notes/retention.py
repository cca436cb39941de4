"""``note_retention_days`` applied by itself: a mentor's app purges their notes past the
retention period once a day (at start when a day has passed since the last purge, then on the
day's first reminder run), each run one ``notes.purge`` audit entry with its count. An open
action item is kept until it is done (``notes._due_for_purge``). The day of the last purge is a
local fact of the store (``settings``), so each mentor's own store runs its own purge."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.notes.notes import purge_old_notes
from mentor_tui.core.people.availability import local_today
from mentor_tui.core.people.settings import get_setting, set_setting

LAST_PURGE = "notes_purged_on"


def purge_if_due(
    session: Session, actor: Actor, config: Config, now: datetime | None = None
) -> int | None:
    """Purge the mentor's old notes unless that was done today already (their own date); the
    count, or None when it was not due (or the actor writes no notes)."""
    if not actor.is_mentor:
        return None
    now = now or clock.now()
    today = local_today(now, actor.timezone).isoformat()
    key = f"{LAST_PURGE}:{actor.id}"
    if get_setting(session, key) == today:
        return None
    count = purge_old_notes(session, actor, config, now=now)
    set_setting(session, key, today)
    return count


__all__ = ["LAST_PURGE", "purge_if_due"]
