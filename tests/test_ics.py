"""iCalendar out and in: valid RFC 5545 read back by the ``icalendar`` parser, stable UIDs and
timezones, import that creates or updates by UID, twice changes nothing, and every event it
cannot take reported with the reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions.ics import export_calendar, import_calendar, session_uid
from mentor_tui.core.sessions.scheduling import cancel_session, edit_session, schedule_session
from mentor_tui.core.sessions.views import get_session, list_sessions
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import JournalEntry, MentorshipSession, User
from mentor_tui.errors import UserError
from tests import session_people as people

CONFIG = Config(session_duration_minutes=50)
T0 = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)


@dataclass
class Team:
    maria: User
    sam: User
    ana: User
    zoe: User  # another mentor's student

    @property
    def m(self) -> Actor:
        return people.actor(self.maria)


def make_team(engine: Engine) -> Team:
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
        omar = people.mentor(s, "Omar Other", email="omar@example.org")
        return Team(
            maria=maria,
            sam=people.student(
                s, 'Sam "The; Man", Jr', maria, tz="Asia/Tokyo", email="sam@example.org"
            ),
            ana=people.student(
                s, "Ana Ruiz", maria, tz="America/New_York", email="ana@example.org"
            ),
            zoe=people.student(s, "Zoe Zhang", omar, email="zoe@example.org"),
        )


@pytest.fixture
def team(engine) -> Team:
    return make_team(engine)


def journal_size(engine: Engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()


def calendar_of(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Elsewhere//EN\r\n"
        f"{extra}{body}END:VCALENDAR\r\n"
    )
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def schedule_three(engine: Engine, team: Team) -> list[str]:
    with session_scope(engine) as s:
        one = schedule_session(
            s,
            team.m,
            CONFIG,
            students=["sam@example.org"],
            starts_at=T0,
            title="[bold]Kick-off[/bold]; notes, too",
            agenda='1. Goals\n2. Plan, "quotes" \\ ok',
            meeting_link="https://meet.example.org/abc?x=1;y=2",
        )
        group = schedule_session(
            s,
            team.m,
            CONFIG,
            students=["sam@example.org", "ana@example.org"],
            starts_at=T0 + timedelta(days=1),
            duration_minutes=90,
            timezone="America/New_York",
            title="Group review\x1b[31m",
        )
        off = schedule_session(
            s, team.m, CONFIG, students=["ana@example.org"], starts_at=T0 + timedelta(days=2)
        )
        cancel_session(s, team.m, off.id)
    return [one.id, group.id, off.id]


# --- export --------------------------------------------------------------------------------


def test_export_is_valid_icalendar_with_stable_uids_and_timezones(engine, team: Team) -> None:
    ids = schedule_three(engine, team)
    with Session(engine) as s:
        data, count = export_calendar(s, team.m)
        again, _ = export_calendar(s, team.m)
    assert count == 3
    assert data == again, "exporting twice gives the same bytes"
    assert b"\x1b" not in data, "control characters never reach the file"
    cal = Calendar.from_ical(data)
    cal.validate()
    assert str(cal["VERSION"]) == "2.0" and "mentor-tui" in str(cal["PRODID"])
    assert sorted(tz.tz_name for tz in cal.timezones) == ["America/New_York", "Europe/Berlin"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {session_uid(i) for i in ids} == {f"{i}@mentor-tui" for i in ids}

    kick = events[session_uid(ids[0])]
    assert kick["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert kick.start == T0 and kick.start.tzinfo.key == "Europe/Berlin"
    assert kick.end - kick.start == timedelta(minutes=50)
    assert str(kick["SUMMARY"]) == "[bold]Kick-off[/bold]; notes, too"
    assert str(kick["DESCRIPTION"]) == '1. Goals\n2. Plan, "quotes" \\ ok'
    assert str(kick["URL"]) == "https://meet.example.org/abc?x=1;y=2"
    assert str(kick["STATUS"]) == "CONFIRMED"
    assert str(kick["ORGANIZER"]) == "mailto:maria@example.org"
    (attendee,) = [kick["ATTENDEE"]]
    assert str(attendee) == "mailto:sam@example.org"
    assert attendee.params["CN"] == 'Sam "The; Man", Jr'

    group = events[session_uid(ids[1])]
    assert group["DTSTART"].params["TZID"] == "America/New_York"
    assert group.start == T0 + timedelta(days=1)
    assert sorted(str(a) for a in group["ATTENDEE"]) == [
        "mailto:ana@example.org",
        "mailto:sam@example.org",
    ]
    assert str(group["SUMMARY"]) == "Group review[31m"
    assert str(events[session_uid(ids[2])]["STATUS"]) == "CANCELLED"


def test_export_covers_only_what_the_actor_may_see_in_the_range(engine, team: Team) -> None:
    ids = schedule_three(engine, team)
    with Session(engine) as s:
        omar = people.actor(
            s.execute(select(User).where(User.email == "omar@example.org")).scalar_one()
        )
        _, none = export_calendar(s, omar)
        data, count = export_calendar(
            s, team.m, start=T0 + timedelta(hours=12), end=T0 + timedelta(days=2)
        )
        sam_data, _ = export_calendar(s, people.actor(team.sam))
    assert none == 0
    assert count == 1
    assert [str(e["UID"]) for e in Calendar.from_ical(data).walk("VEVENT")] == [session_uid(ids[1])]
    sam_events = Calendar.from_ical(sam_data).walk("VEVENT")
    assert len(sam_events) == 2
    group = next(e for e in sam_events if str(e["UID"]) == session_uid(ids[1]))
    assert str(group["ATTENDEE"]) == "mailto:sam@example.org", "a student sees only themselves"


# --- import --------------------------------------------------------------------------------


def test_round_trip_into_another_store_and_reimport_changes_nothing(
    engine, team: Team, tmp_path: Path
) -> None:
    ids = schedule_three(engine, team)
    with Session(engine) as s:
        data, _ = export_calendar(s, team.m)
        originals = {v.id: v for v in list_sessions(s, team.m)}

    other = make_engine(tmp_path / "other" / "mentor.db")
    try:
        theirs = make_team(other)
        with session_scope(other) as s:
            report = import_calendar(s, theirs.m, CONFIG, data)
        assert sorted(report.created) == sorted(ids) and report.skipped == []
        with Session(other) as s:
            for copy in list_sessions(s, theirs.m):
                source = originals[copy.id]
                assert (
                    copy.title,
                    copy.starts_at,
                    copy.duration_minutes,
                    copy.timezone,
                    copy.meeting_link,
                    copy.agenda,
                    copy.status,
                    copy.kind,
                ) == (
                    source.title.replace("\x1b", ""),
                    source.starts_at,
                    source.duration_minutes,
                    source.timezone,
                    source.meeting_link,
                    source.agenda,
                    source.status,
                    source.kind,
                )
                assert sorted(a.email for a in copy.attendees) == sorted(
                    a.email for a in source.attendees
                )
                assert copy.mentor_id == theirs.maria.id
        before = journal_size(other)
        with session_scope(other) as s:
            second = import_calendar(s, theirs.m, CONFIG, data)
        assert (second.created, second.updated, second.skipped) == ([], [], [])
        assert sorted(second.unchanged) == sorted(ids)
        assert journal_size(other) == before, "importing twice writes nothing"
    finally:
        other.dispose()


def test_reimport_into_the_same_store_changes_nothing(engine, team: Team) -> None:
    schedule_three(engine, team)
    with Session(engine) as s:
        data, _ = export_calendar(s, team.m)
    before = journal_size(engine)
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, data)
    # The export strips the ESC from one title, so that one session takes the cleaned title once.
    assert len(report.updated) == 1 and len(report.unchanged) == 2 and report.skipped == []
    after_first = journal_size(engine)
    assert after_first == before + 1
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, data)
    assert len(report.unchanged) == 3 and journal_size(engine) == after_first


def test_a_newer_copy_updates_by_uid_and_an_older_one_is_refused(engine, team: Team) -> None:
    ids = schedule_three(engine, team)
    with Session(engine) as s:
        data, _ = export_calendar(s, team.m)
    moved = data.replace(
        b"DTSTART;TZID=Europe/Berlin:20300305T110000", b"DTSTART;TZID=Europe/Berlin:20300305T150000"
    ).replace(
        b"DTEND;TZID=Europe/Berlin:20300305T115000", b"DTEND;TZID=Europe/Berlin:20300305T160000"
    )
    assert moved != data
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, moved)
        assert ids[0] in report.updated
        view = get_session(s, team.m, ids[0])
        assert view.starts_at == datetime(2030, 3, 5, 14, 0, tzinfo=UTC)
        assert view.duration_minutes == 60
    with session_scope(engine) as s:  # the original file is now older than the store
        report = import_calendar(s, team.m, CONFIG, data)
    stale = [e for e in report.skipped if e.uid == session_uid(ids[0])]
    assert len(stale) == 1 and "older than this store's" in stale[0].reason
    with Session(engine) as s:
        assert get_session(s, team.m, ids[0]).starts_at == datetime(2030, 3, 5, 14, 0, tzinfo=UTC)


def test_a_cancelled_event_cancels_the_session(engine, team: Team) -> None:
    ids = schedule_three(engine, team)
    with session_scope(engine) as s:
        edit_session(s, team.m, ids[0], title="Kick-off")  # version 2 in the store
        data, _ = export_calendar(s, team.m)
    cancelled = data.replace(b"STATUS:CONFIRMED", b"STATUS:CANCELLED").replace(
        b"SEQUENCE:2", b"SEQUENCE:3"
    )
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, cancelled)
        assert set(report.updated) == {ids[0], ids[1]}
        assert {v.status for v in list_sessions(s, team.m)} == {"cancelled"}


GOOGLE = """
UID:7kq2b@google.com
DTSTAMP:20300101T000000Z
DTSTART;TZID=America/New_York:20300306T090000
DTEND;TZID=America/New_York:20300306T093000
SUMMARY:Career chat
ORGANIZER;CN=Maria:mailto:maria@example.org
ATTENDEE;CN=Ana:mailto:ANA@example.org
ATTENDEE;CN=Maria:mailto:maria@example.org
LOCATION:https://zoom.example.org/j/1
"""


def test_events_from_other_calendars_map_to_a_stable_session(engine, team: Team) -> None:
    data = calendar_of(GOOGLE)
    with session_scope(engine) as s:
        first = import_calendar(s, team.m, CONFIG, data)
    assert len(first.created) == 1 and first.skipped == []
    session_id = first.created[0]
    assert uuid.UUID(session_id).version == 5
    with session_scope(engine) as s:
        view = get_session(s, team.m, session_id)
        assert view.starts_at == datetime(2030, 3, 6, 14, 0, tzinfo=UTC)
        assert (view.duration_minutes, view.timezone, view.title) == (
            30,
            "America/New_York",
            "Career chat",
        )
        assert view.meeting_link == "https://zoom.example.org/j/1"
        assert view.student_ids == [team.ana.id]
        assert import_calendar(s, team.m, CONFIG, data).unchanged == [session_id]


OUTLOOK_ZONE = """BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
"""


def test_an_outlook_timezone_is_read_and_named(engine, team: Team) -> None:
    data = calendar_of(
        "UID:outlook-1\nDTSTART;TZID=W. Europe Standard Time:20300704T100000\n"
        "DTEND;TZID=W. Europe Standard Time:20300704T110000\nSUMMARY:Summer\n"
        "ATTENDEE:mailto:sam@example.org",
        extra=OUTLOOK_ZONE,
    )
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, data)
        view = get_session(s, team.m, report.created[0])
    assert view.starts_at == datetime(2030, 7, 4, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert view.timezone == "Europe/Berlin"


def test_events_it_cannot_take_are_reported_and_the_rest_imported(engine, team: Team) -> None:
    with session_scope(engine) as s:
        people.booked(
            s, team.maria, [team.ana], datetime(2030, 3, 9, 10, 0, tzinfo=UTC), title="Busy"
        )
    att = "ATTENDEE:mailto:sam@example.org"
    events = {
        "no-start": f"UID:no-start\nSUMMARY:No start\n{att}",
        "all-day": f"UID:all-day\nDTSTART;VALUE=DATE:20300310\nSUMMARY:Holiday\n{att}",
        "weekly": f"UID:weekly\nDTSTART:20300310T100000Z\nRRULE:FREQ=WEEKLY\nSUMMARY:Weekly\n{att}",
        "mars": f"UID:mars\nDTSTART;TZID=Mars/Olympus:20300310T100000\nSUMMARY:Mars\n{att}",
        "zoe": "UID:zoe\nDTSTART:20300310T100000Z\nSUMMARY:Zoe\nATTENDEE:mailto:zoe@example.org",
        "stranger": "UID:stranger\nDTSTART:20300310T100000Z\nSUMMARY:Who\nATTENDEE:mailto:x@y.org",
        "alone": "UID:alone\nDTSTART:20300310T100000Z\nSUMMARY:Alone",
        "clash": "UID:clash\nDTSTART:20300309T103000Z\nSUMMARY:Clash\nATTENDEE:mailto:ana@example.org",
        "gap": f"UID:gap\nDTSTART:20300331T023000\nSUMMARY:Floating gap\n{att}",
        "backwards": f"UID:backwards\nDTSTART:20300310T100000Z\nDTEND:20300310T090000Z\nSUMMARY:Back\n{att}",
        "too-long": f"UID:too-long\nDTSTART:20300310T100000Z\nDURATION:P2D\nSUMMARY:Long\n{att}",
        "bad-link": f"UID:bad-link\nDTSTART:20300310T100000Z\nURL:ftp://x.org/\nSUMMARY:Link\n{att}",
        "no-uid": f"DTSTART:20300310T100000Z\nSUMMARY:No UID\n{att}",
        "broken": f"UID:broken\nDTSTART:garbage\nSUMMARY:Broken\n{att}",
        "fine": f"UID:fine\nDTSTART:20300311T100000Z\nSUMMARY:Fine\n{att}",
        "floating": f"UID:floating\nDTSTART:20300312T100000\nDURATION:PT30M\nSUMMARY:Float\n{att}",
    }
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, calendar_of(*events.values()))
    reasons = {e.uid or e.title: e.reason for e in report.skipped}
    assert reasons == {
        "no-start": "it has no start time (DTSTART).",
        "all-day": "it is an all-day event, and a session needs a start time.",
        "weekly": "it is a repeating event, and mentor-tui imports single sessions only.",
        "mars": "it uses the timezone 'Mars/Olympus', which is neither in the file nor known.",
        "zoe": "zoe@example.org is not one of your students.",
        "stranger": "No user 'x@y.org' in this database.",
        "alone": "it has no attendee who is one of your students.",
        "clash": reasons["clash"],
        "gap": reasons["gap"],
        "backwards": "it ends before it starts.",
        "too-long": "A session lasts from 5 to 1440 minutes, not 2880.",
        "bad-link": "A meeting link is a web address starting with https:// or http://, not 'ftp://x.org/'.",
        "No UID": "it has no UID, so it could not be matched on a later import.",
        "broken": "its start time (DTSTART) cannot be read.",
    }
    assert reasons["clash"].startswith(
        "That time is double-booked: you and Ana Ruiz already have 'Busy'"
    )
    assert reasons["gap"].startswith("2030-03-31 02:30 does not exist in Europe/Berlin")
    assert len(report.created) == 2
    with Session(engine) as s:
        views = {v.title: v for v in list_sessions(s, team.m)}
    assert views["Fine"].duration_minutes == 50, "no end: the configured length"
    assert views["Float"].starts_at == datetime(2030, 3, 12, 9, 0, tzinfo=UTC), (
        "floating: importer's zone"
    )
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 14 skipped"
    assert report.skipped[0].describe() == "'No start': it has no start time (DTSTART)."


def test_not_a_calendar_is_one_sentence(engine, team: Team) -> None:
    with session_scope(engine) as s:
        with pytest.raises(UserError, match=r"^That is not an iCalendar file"):
            import_calendar(s, team.m, CONFIG, b"hello, world")
        with pytest.raises(UserError, match="Only mentors and admins"):
            import_calendar(s, people.actor(team.sam), CONFIG, calendar_of(GOOGLE))
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(MentorshipSession)).scalar_one() == 0


def test_another_mentor_cannot_take_over_a_session_by_uid(engine, team: Team) -> None:
    ids = schedule_three(engine, team)
    with Session(engine) as s:
        omar = people.actor(
            s.execute(select(User).where(User.email == "omar@example.org")).scalar_one()
        )
    forged = calendar_of(
        f"UID:{session_uid(ids[0])}\nSEQUENCE:99\nDTSTART:20300320T100000Z\nSUMMARY:Mine\n"
        "ATTENDEE:mailto:zoe@example.org"
    )
    with session_scope(engine) as s:
        report = import_calendar(s, omar, CONFIG, forged)
    assert [e.reason for e in report.skipped] == [
        "that session belongs to another mentor's calendar."
    ]
    with Session(engine) as s:
        assert get_session(s, team.m, ids[0]).starts_at == T0


def test_a_student_who_left_does_not_stop_a_reimport(engine, team: Team) -> None:
    from mentor_tui.core import writes

    ids = schedule_three(engine, team)
    with session_scope(engine) as s:
        ana = s.get(User, team.ana.id)
        assert ana is not None
        writes.update(s, None, ana, {"status": "Inactive"})
        data, _ = export_calendar(s, team.m)
        import_calendar(s, team.m, CONFIG, data)  # takes the cleaned title once
    with session_scope(engine) as s:
        report = import_calendar(s, team.m, CONFIG, data)
    assert sorted(report.unchanged) == sorted(ids) and report.skipped == []
