"""The one source of 'now' for the core: aware UTC datetimes (the store keeps UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mentor_tui.errors import UserError


def now() -> datetime:
    return datetime.now(UTC)


def zone(name: str) -> tzinfo:
    """The timezone called ``name``, or one clear error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"Unknown timezone {name!r}; use an IANA name such as Europe/Berlin."
        ) from None


def shown_zone(name: str) -> tzinfo:
    """The zone to show a stored time in: ``name``'s, or UTC when this machine does not know
    ``name`` (a value pulled from elsewhere): a row is shown, never refused, for its zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return UTC


def to_local(moment: datetime, tz_name: str) -> datetime:
    """A stored UTC moment as wall-clock time in ``tz_name``."""
    return aware(moment).astimezone(zone(tz_name))


def aware(moment: datetime) -> datetime:
    """Treat a naive datetime (raw SQL results) as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 with an explicit offset, for JSON output."""
    if moment is None:
        return None
    return aware(moment).isoformat()


def humanize_age(moment: datetime | None, reference: datetime | None = None) -> str:
    """'3 d ago', '5 h ago', 'just now'; 'never' for None."""
    if moment is None:
        return "never"
    delta = (reference or now()) - aware(moment)
    return humanize_delta(delta) + " ago" if delta >= timedelta(minutes=1) else "just now"


def humanize_delta(delta: timedelta) -> str:
    seconds = abs(int(delta.total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"
