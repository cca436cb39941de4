"""Reading one VEVENT of an imported .ics file, whatever another program wrote into it.

A calendar file may hold a property twice where RFC 5545 allows it once (two DTSTART lines,
as in the icalendar project's America/New_York and Pacific/Fiji test calendars), a value that
cannot be read, or a value of the wrong kind (a period or a length where a start time goes).
Each such event raises ``Skip`` with a one-sentence reason for the import's report; nothing
here lets an exception of the ``icalendar`` library out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Event
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions import rules as session_rules
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import localize


class Skip(Exception):
    """An event the import cannot take; the message is the reason, one sentence."""


# The properties the import reads that an event holds at most once (RFC 5545 3.6.1), with
# what a person calls more than one of them.
_ONCE = {
    "UID": "identifiers",
    "DTSTART": "start times",
    "DTEND": "end times",
    "DURATION": "lengths",
    "SUMMARY": "titles",
    "DESCRIPTION": "descriptions",
    "URL": "links",
    "LOCATION": "locations",
    "STATUS": "statuses",
    "SEQUENCE": "sequence numbers",
    "ORGANIZER": "organizers",
    "RECURRENCE-ID": "recurrence ids",
}


def _same(values: list[Any]) -> bool:
    def key(value: Any) -> tuple[bytes | str, str]:
        try:
            text: bytes | str = value.to_ical()
        except (AttributeError, ValueError, TypeError):
            text = str(value)
        params = getattr(value, "params", {}) or {}
        return text, repr(sorted((str(k), str(v)) for k, v in params.items()))

    first = key(values[0])
    return all(key(v) == first for v in values[1:])


def check_once(event: Event) -> None:
    """Each property held at most once; identical repeats count as one and are kept once."""
    for name, plural in _ONCE.items():
        values = event.get(name)
        if not isinstance(values, list):
            continue
        if values and _same(values):
            event[name] = values[0]
            continue
        raise Skip(f"it has {len(values)} {plural} ({name}), and an event has only one.")


def first_text(event: Event, name: str) -> str:
    """A property's text for the report, the first one's when it is there more than once."""
    value = event.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value or "")


def zone_name(moment: datetime, tzid: str | None) -> str | None:
    """An IANA name for an aware moment's zone; None for UTC or a zone with no such name."""
    zone: tzinfo | None = moment.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key not in ("UTC", "Etc/UTC", "Z"):
        return zone.key
    for name in (tzid, WINDOWS_TO_OLSON.get(tzid or "")):
        if name and name not in ("UTC", "Etc/UTC"):
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return None


def start_value(event: Event) -> datetime:
    """DTSTART as the file gives it: aware, or naive for a floating time."""
    prop = event.get("dtstart")
    if prop is None:
        raise Skip("it has no start time (DTSTART).")
    try:
        value = prop.dt
    except (ValueError, AttributeError):  # icalendar's BrokenCalendarProperty and friends
        raise Skip("its start time (DTSTART) cannot be read.") from None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        raise Skip("it is an all-day event, and a session needs a start time.")
    raise Skip("its start time (DTSTART) is not a date and time.")


def start_of(event: Event, value: datetime, actor: Actor) -> tuple[datetime, str | None]:
    """The start in UTC and an IANA name for its zone (None: keep the session's own)."""
    tzid = event["DTSTART"].params.get("TZID")
    if value.tzinfo is None:
        if tzid:
            raise Skip(
                f"it uses the timezone '{clean_line(str(tzid))}', which is neither in the "
                f"file nor known."
            )
        # A floating time means "wall clock wherever you are": the importer's timezone.
        return localize(value, actor.timezone).astimezone(UTC), None
    return value.astimezone(UTC), zone_name(value, tzid)


def check_not_excluded(event: Event, start: datetime) -> None:
    """An EXDATE of the event's own start leaves it no time at all (RFC 5545 3.8.5.1)."""
    found = event.get("exdate")
    groups = found if isinstance(found, list) else [found] if found is not None else []
    try:
        excluded = [item.dt for group in groups for item in group.dts]
    except (ValueError, AttributeError, TypeError):
        raise Skip("its excluded times (EXDATE) cannot be read.") from None
    if any(isinstance(moment, datetime) and moment == start for moment in excluded):
        raise Skip("its only time is excluded (EXDATE), so it does not take place.")


def minutes_of(event: Event, config: Config) -> int:
    if "DTEND" not in event and "DURATION" not in event:
        return config.session_duration_minutes
    try:
        length = event.duration
    except (ValueError, TypeError, AttributeError):  # broken DTEND or DURATION, mixed kinds
        raise Skip("its end time (DTEND or DURATION) cannot be read.") from None
    if not isinstance(length, timedelta):
        raise Skip("its end time (DTEND or DURATION) cannot be read.")
    if length <= timedelta(0):
        raise Skip("it ends before it starts.")
    return round(length.total_seconds() / 60)


def sequence_of(event: Event) -> int | None:
    value = event.get("sequence")
    if value is None:
        return None
    try:
        return int(value)
    except (ValueError, TypeError):
        raise Skip("its sequence number (SEQUENCE) is not a whole number.") from None


def emails(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    found = []
    for item in items:
        text = str(item).strip()
        if text.lower().startswith("mailto:"):
            text = text[len("mailto:") :]
        if text:
            found.append(text.strip().lower())
    return found


def link_of(event: Event) -> str | None:
    url = str(event.get("url", "") or "").strip()
    if url:
        return session_rules.check_link(url)
    location = str(event.get("location", "") or "").strip()
    if location.lower().startswith(("https://", "http://")) and " " not in location:
        return session_rules.check_link(location)
    return None
