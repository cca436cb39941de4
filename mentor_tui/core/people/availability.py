"""Whether a mentor is available today: marked unavailable until a date, in their own zone."""

from __future__ import annotations

from datetime import date, datetime

from mentor_tui.core import clock
from mentor_tui.errors import UserError


def mentor_is_available(reason: str | None, until: date | None, today: date) -> bool:
    """A mentor marked unavailable is back the day after ``until`` (never, without one);
    ``today`` is the date in the mentor's own timezone (see ``local_today``)."""
    if reason is None:
        return True
    return until is not None and today > until


def local_today(now: datetime, tz_name: str) -> date:
    """The date at ``now`` in ``tz_name`` (the UTC date for an unknown zone)."""
    try:
        return clock.to_local(now, tz_name).date()
    except UserError:
        return clock.aware(now).date()


__all__ = ["local_today", "mentor_is_available"]
