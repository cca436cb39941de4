"""Real-world calendars in: every calendar of the icalendar project's own test suite imports
into a mentor's store without a traceback, and events with a property given twice or a value
that cannot be read are skipped with their reason while the rest are taken."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions.ics import import_calendar, parse_calendar
from mentor_tui.core.sessions.views import list_sessions
from mentor_tui.db.engine import session_scope
from mentor_tui.errors import UserError
from tests import session_people as people

CONFIG = Config(session_duration_minutes=50)
SAM = "ATTENDEE:mailto:sam@example.org"

ICALENDAR_TESTS = Path(icalendar.__file__).parent / "tests"
SHIPPED = sorted(ICALENDAR_TESTS.rglob("*.ics")) if ICALENDAR_TESTS.is_dir() else []


@dataclass
class Pair:
    mentor: Actor
    student_id: str


@pytest.fixture
def pair(engine: Engine) -> Pair:
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
        sam = people.student(s, "Sam Student", maria, email="sam@example.org")
        return Pair(people.actor(maria), sam.id)


def calendar_of(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Elsewhere//EN\n{extra}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def events_in(data: bytes) -> int:
    return sum(len(cal.walk("VEVENT")) for cal in parse_calendar(data))


@pytest.mark.parametrize(
    "path",
    SHIPPED or [None],
    ids=[str(p.relative_to(ICALENDAR_TESTS)) for p in SHIPPED] or ["no-test-calendars"],
)
@pytest.mark.filterwarnings("ignore::UserWarning")  # icalendar's guesses at vendor TZIDs
def test_every_calendar_of_the_icalendar_test_suite_imports_without_a_traceback(
    engine: Engine, pair: Pair, path: Path | None
) -> None:
    if path is None:
        pytest.skip(f"the installed icalendar ships no test calendars under {ICALENDAR_TESTS}")
    raw = path.read_bytes()
    # The same file with the mentor's student invited to every event, so that each event is
    # read all the way through (start, length, people, link) and written if it can be.
    invited = re.sub(rb"(?im)^(BEGIN:VEVENT\r?\n)", rb"\1" + SAM.encode() + rb"\r\n", raw)
    for data in (raw, invited):
        try:
            expected = events_in(data)
            with session_scope(engine) as s:
                report = import_calendar(s, pair.mentor, CONFIG, data)
        except UserError as exc:
            assert str(exc).startswith("That is not an iCalendar file") and "\n" not in str(exc)
            continue
        assert report.taken + len(report.skipped) == expected, "every event is accounted for"
        for event in report.skipped:
            assert event.reason.endswith(".") and "\n" not in event.reason, event.reason


FIJI_ZONE = """BEGIN:VTIMEZONE
TZID:custom_Pacific/Fiji
BEGIN:STANDARD
TZOFFSETFROM:+1300
TZOFFSETTO:+1200
DTSTART:19700101T000000
END:STANDARD
END:VTIMEZONE
"""


def test_two_start_times_are_skipped_and_the_rest_taken(engine: Engine, pair: Pair) -> None:
    tz = "DTSTART;TZID=custom_Pacific/Fiji;VALUE=DATE-TIME"
    data = calendar_of(
        f"UID:fiji\n{tz}:20300829T080000\n{tz}:20300829T100000\nSUMMARY:Fiji\n{SAM}",
        f"UID:new-york\nDTSTART;TZID=America/New_York:20300829T080000\n"
        f"DTSTART;TZID=America/New_York:20300829T100000\nSUMMARY:New York\n{SAM}",
        # The same line twice says one thing: taken once.
        f"UID:twice\n{tz}:20300830T080000\n{tz}:20300830T080000\nSUMMARY:Twice\n{SAM}",
        f"UID:fine\nDTSTART:20300831T080000Z\nSUMMARY:Fine\n{SAM}",
        extra=FIJI_ZONE,
    )
    with session_scope(engine) as s:
        report = import_calendar(s, pair.mentor, CONFIG, data)
    assert [(e.uid, e.reason) for e in report.skipped] == [
        ("fiji", "it has 2 start times (DTSTART), and an event has only one."),
        ("new-york", "it has 2 start times (DTSTART), and an event has only one."),
    ]
    assert report.skipped[0].describe() == (
        "'Fiji' at 20300829T080000: it has 2 start times (DTSTART), and an event has only one."
    )
    with Session(engine) as s:
        starts = {v.title: v.starts_at for v in list_sessions(s, pair.mentor)}
    assert starts == {
        "Twice": datetime(2030, 8, 29, 20, 0, tzinfo=UTC),  # 08:00 at +12:00
        "Fine": datetime(2030, 8, 31, 8, 0, tzinfo=UTC),
    }


def test_list_valued_exdates_are_read(engine: Engine, pair: Pair) -> None:
    ny = "TZID=America/New_York"
    data = calendar_of(
        # EXDATE on two lines, one a comma list: a vDDDLists each, in a list.
        f"UID:kept\nDTSTART;{ny}:20300907T120000\nEXDATE;{ny}:20300908T120000\n"
        f"EXDATE;{ny}:20300909T120000,20300910T120000\nSUMMARY:Kept\n{SAM}",
        f"UID:gone\nDTSTART;{ny}:20300911T120000\nEXDATE;{ny}:20300908T120000\n"
        f"EXDATE;{ny}:20300909T120000,20300911T120000\nSUMMARY:Gone\n{SAM}",
        f"UID:unreadable\nDTSTART:20300912T120000Z\nEXDATE:garbage\nSUMMARY:Unreadable\n{SAM}",
        f"UID:rdates\nDTSTART:20300913T120000Z\nRDATE:20300914T120000Z\n"
        f"RDATE:20300915T120000Z,20300916T120000Z\nSUMMARY:Repeats\n{SAM}",
    )
    with session_scope(engine) as s:
        report = import_calendar(s, pair.mentor, CONFIG, data)
    assert {e.uid: e.reason for e in report.skipped} == {
        "gone": "its only time is excluded (EXDATE), so it does not take place.",
        "unreadable": "its excluded times (EXDATE) cannot be read.",
        "rdates": "it is a repeating event, and mentor-tui imports single sessions only.",
    }
    with Session(engine) as s:
        (kept,) = list_sessions(s, pair.mentor)
    assert kept.title == "Kept" and kept.starts_at == datetime(2030, 9, 7, 16, 0, tzinfo=UTC)
    assert kept.timezone == "America/New_York"


def test_odd_values_are_skipped_with_their_reason(engine: Engine, pair: Pair) -> None:
    start = "DTSTART:20300910T100000Z"
    data = calendar_of(
        f"UID:period\nDTSTART;VALUE=PERIOD:20300910T100000Z/PT1H\nSUMMARY:Period\n{SAM}",
        f"UID:length\nDTSTART;VALUE=DURATION:PT1H\nSUMMARY:Length\n{SAM}",
        f"UID:titles\n{start}\nSUMMARY:First\nSUMMARY:Second\n{SAM}",
        f"UID:ends\n{start}\nDTEND:20300910T110000Z\nDTEND:20300910T120000Z\n{SAM}",
        f"UID:lengths\n{start}\nDURATION:PT1H\nDURATION:PT2H\nSUMMARY:Lengths\n{SAM}",
        f"UID:sequence\n{start}\nSEQUENCE:two\nSUMMARY:Sequence\n{SAM}",
        f"UID:sequences\n{start}\nSEQUENCE:1\nSEQUENCE:2\nSUMMARY:Sequences\n{SAM}",
        f"UID:links\n{start}\nURL:https://a.example/\nURL:https://b.example/\n{SAM}",
        f"UID:a\nUID:b\n{start}\nSUMMARY:Two UIDs\n{SAM}",
    )
    with session_scope(engine) as s:
        report = import_calendar(s, pair.mentor, CONFIG, data)
    assert [(e.uid, e.title, e.reason) for e in report.skipped] == [
        ("period", "Period", "its start time (DTSTART) is not a date and time."),
        ("length", "Length", "its start time (DTSTART) is not a date and time."),
        ("titles", "First", "it has 2 titles (SUMMARY), and an event has only one."),
        ("ends", "", "it has 2 end times (DTEND), and an event has only one."),
        ("lengths", "Lengths", "it has 2 lengths (DURATION), and an event has only one."),
        ("sequence", "Sequence", "its sequence number (SEQUENCE) is not a whole number."),
        (
            "sequences",
            "Sequences",
            "it has 2 sequence numbers (SEQUENCE), and an event has only one.",
        ),
        ("links", "", "it has 2 links (URL), and an event has only one."),
        ("a", "Two UIDs", "it has 2 identifiers (UID), and an event has only one."),
    ]
    assert report.taken == 0


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20300910T100000Z\r\nEND:VEVENT\r\n",
        b"",
    ],
    ids=["png", "elf", "bare-event", "empty"],
)
def test_a_file_that_is_no_calendar_is_one_sentence(
    engine: Engine, pair: Pair, data: bytes
) -> None:
    with session_scope(engine) as s, pytest.raises(UserError) as caught:
        import_calendar(s, pair.mentor, CONFIG, data)
    assert str(caught.value) == (
        "That is not an iCalendar file (it does not begin with BEGIN:VCALENDAR)."
    )
