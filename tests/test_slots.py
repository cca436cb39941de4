"""Find a slot: weekly availability windows in each person's own timezone, intersected across
DST changes that happen on different dates, minus everyone's existing sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.core.sessions.slots import (
    Slot,
    find_free_slots,
    intersect,
    merge,
    parse_windows,
    set_student_availability,
    student_availability,
    subtract,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User
from mentor_tui.errors import AccessDenied, UserError
from tests import session_people as people

CONFIG = Config(session_duration_minutes=60)
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2030, 3, 4, tzinfo=UTC)  # Monday 4 March 2030, 00:00 UTC
WEEKDAYS_9_TO_12 = [{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(5)]


def berlin(slots: list[Slot]) -> list[str]:
    return [f"{s.starts_at.astimezone(BERLIN):%a %d %H:%M}" for s in slots]


@pytest.fixture
def maria(engine) -> User:
    with session_scope(engine) as s:
        return people.mentor(s, "Maria Mentor", tz="Europe/Berlin", availability=WEEKDAYS_9_TO_12)


def _student(engine, maria: User, name: str, tz: str, windows: list[dict] | None) -> User:
    with session_scope(engine) as s:
        row = people.student(s, name, maria, tz=tz)
        if windows is not None:
            set_student_availability(s, people.actor(row), row.id, windows)
        return row


def test_windows_in_two_zones_meet_where_both_are_free(engine, maria: User) -> None:
    # Sam is free 18:00-21:00 in Tokyo = 10:00-13:00 in Berlin (winter): the overlap is 10-12.
    sam = _student(
        engine,
        maria,
        "Sam",
        "Asia/Tokyo",
        [{"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)],
    )
    with Session(engine) as s:
        slots = find_free_slots(s, people.actor(maria), CONFIG, [sam.id], after=MONDAY, count=4)
    assert berlin(slots) == ["Mon 04 10:00", "Mon 04 10:30", "Mon 04 11:00", "Tue 05 10:00"]
    assert all(s.duration_minutes == 60 for s in slots)


def test_existing_sessions_of_anyone_involved_block_the_time(engine, maria: User) -> None:
    sam = _student(
        engine,
        maria,
        "Sam",
        "Asia/Tokyo",
        [{"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)],
    )
    with session_scope(engine) as s:
        omar = people.mentor(s, "Omar", tz="UTC")
        zoe = people.student(s, "Zoe", omar)
        # Maria is busy Monday 10:30-11:30 Berlin; Sam is in Omar's workshop Tuesday 10-11 Berlin.
        people.booked(s, maria, [], datetime(2030, 3, 4, 9, 30, tzinfo=UTC), title="Maria busy")
        people.booked(s, omar, [zoe, sam], datetime(2030, 3, 5, 9, 0, tzinfo=UTC), title="Workshop")
        # A cancelled session on Wednesday blocks nothing.
        people.booked(s, maria, [sam], datetime(2030, 3, 6, 9, 0, tzinfo=UTC), status="cancelled")
    with Session(engine) as s:
        slots = find_free_slots(s, people.actor(maria), CONFIG, [sam.id], after=MONDAY, count=3)
    assert berlin(slots) == ["Tue 05 11:00", "Wed 06 10:00", "Wed 06 10:30"]
    # and each proposed slot really can be booked
    with session_scope(engine) as s:
        for slot in slots[:1]:
            schedule_session(
                s,
                people.actor(maria),
                CONFIG,
                students=[sam.id],
                starts_at=slot.starts_at,
                duration_minutes=60,
            )


def test_the_overlap_moves_when_one_side_changes_clocks_first(engine, maria: User) -> None:
    # New York is free 05:00-07:00 local. US clocks go forward on 10 March 2030, Berlin's on
    # 31 March, so for three weeks the two are 5 hours apart instead of 6.
    ana = _student(
        engine,
        maria,
        "Ana",
        "America/New_York",
        [{"weekday": d, "start": "05:00", "end": "07:00"} for d in range(5)],
    )
    with Session(engine) as s:
        actor = people.actor(maria)
        before = find_free_slots(s, actor, CONFIG, [ana.id], after=MONDAY, count=5, per_day=5)
        during = find_free_slots(
            s, actor, CONFIG, [ana.id], after=MONDAY + timedelta(days=7), count=3
        )
        after = find_free_slots(
            s, actor, CONFIG, [ana.id], after=MONDAY + timedelta(days=28), count=1
        )
    assert berlin(before) == [
        "Mon 04 11:00",
        "Tue 05 11:00",
        "Wed 06 11:00",
        "Thu 07 11:00",
        "Fri 08 11:00",
    ]
    assert berlin(during) == ["Mon 11 10:00", "Mon 11 10:30", "Mon 11 11:00"]
    assert berlin(after) == ["Mon 01 11:00"]
    assert after[0].starts_at == datetime(2030, 4, 1, 9, 0, tzinfo=UTC)


def test_a_group_needs_everyone_free_and_per_day_spreads_the_offer(engine, maria: User) -> None:
    sam = _student(
        engine,
        maria,
        "Sam",
        "Asia/Tokyo",
        [{"weekday": d, "start": "18:00", "end": "21:00"} for d in range(5)],
    )
    ana = _student(
        engine,
        maria,
        "Ana",
        "America/New_York",
        [{"weekday": d, "start": "05:00", "end": "07:00"} for d in range(5)],
    )
    lee = _student(engine, maria, "Lee", "UTC", None)  # no windows: does not constrain
    with Session(engine) as s:
        slots = find_free_slots(
            s,
            people.actor(maria),
            CONFIG,
            [sam.id, ana.id, lee.id],
            after=MONDAY,
            count=3,
            per_day=1,
            duration_minutes=45,
        )
    assert berlin(slots) == ["Mon 04 11:00", "Tue 05 11:00", "Wed 06 11:00"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in slots)


def test_slots_sit_on_the_mentors_own_half_hours(engine) -> None:
    with session_scope(engine) as s:
        kiran = people.mentor(
            s,
            "Kiran",
            tz="Asia/Kolkata",
            availability=[{"weekday": 0, "start": "14:00", "end": "16:00"}],
        )
        sam = people.student(s, "Sam", kiran, tz="Europe/London")
    with Session(engine) as s:
        slots = find_free_slots(
            s,
            people.actor(kiran),
            CONFIG,
            [sam.id],
            after=MONDAY + timedelta(hours=8, minutes=41),
            count=5,
        )
    kolkata = [f"{x.starts_at.astimezone(ZoneInfo('Asia/Kolkata')):%H:%M}" for x in slots]
    assert kolkata == ["14:30", "15:00", "14:00", "14:30", "15:00"]  # 14:11 rounds up to 14:30


def test_a_window_may_run_past_midnight(engine) -> None:
    with session_scope(engine) as s:
        owl = people.mentor(
            s,
            "Night Owl",
            tz="UTC",
            availability=[{"weekday": 4, "start": "23:00", "end": "01:00"}],
        )
        sam = people.student(s, "Sam", owl)
    with Session(engine) as s:
        slots = find_free_slots(s, people.actor(owl), CONFIG, [sam.id], after=MONDAY, count=3)
    assert [f"{x.starts_at:%a %d %H:%M}" for x in slots] == [
        "Fri 08 23:00",
        "Fri 08 23:30",
        "Sat 09 00:00",
    ]


def test_nobody_with_windows_and_other_mentors_students_are_refused(engine, maria: User) -> None:
    with session_scope(engine) as s:
        free_mentor = people.mentor(s, "Free", tz="UTC")
        sam = people.student(s, "Sam", free_mentor)
        zoe = people.student(s, "Zoe", maria)
    with Session(engine) as s:
        with pytest.raises(UserError, match="Nobody in this session has availability windows"):
            find_free_slots(s, people.actor(free_mentor), CONFIG, [sam.id], after=MONDAY)
        with pytest.raises(AccessDenied, match="is not one of your students"):
            find_free_slots(s, people.actor(free_mentor), CONFIG, [zoe.id], after=MONDAY)


def test_nothing_free_in_the_horizon_is_an_empty_list(engine, maria: User) -> None:
    sam = _student(engine, maria, "Sam", "UTC", [{"weekday": 6, "start": "10:00", "end": "11:00"}])
    with Session(engine) as s:  # Maria works weekdays, Sam only on Sundays
        assert find_free_slots(s, people.actor(maria), CONFIG, [sam.id], after=MONDAY) == []


def test_student_availability_is_checked_and_kept(engine, maria: User) -> None:
    sam = _student(engine, maria, "Sam", "UTC", None)
    with session_scope(engine) as s:
        omar = people.mentor(s, "Omar")
    bad = [
        ([{"weekday": 7, "start": "09:00", "end": "10:00"}], "weekday is 0 \\(Monday\\) to 6"),
        ([{"weekday": 1, "start": "9am", "end": "10:00"}], "'9am' is not a time of day"),
        ([{"weekday": 1, "start": "09:00", "end": "24:30"}], "'24:30' is not a time of day"),
        ([{"weekday": 1, "start": "10:00", "end": "10:00"}], "starts and ends at the same time"),
        (["Monday mornings"], "is not a weekday with a start and an end"),
    ]
    with session_scope(engine) as s:
        for windows, message in bad:
            with pytest.raises(UserError, match=f"^Availability window 1.*{message}"):
                set_student_availability(s, people.actor(sam), sam.id, windows)
        with pytest.raises(AccessDenied, match="is not one of your students"):
            set_student_availability(s, people.actor(omar), sam.id, [])
        with pytest.raises(AccessDenied, match="Only the student or an admin"):
            set_student_availability(s, people.actor(maria), sam.id, [])
        admin = people.admin(s)
        set_student_availability(s, people.actor(admin), sam.id, [])
        set_student_availability(
            s, people.actor(sam), sam.id, [{"weekday": 2, "start": "9:30", "end": "24:00"}]
        )
    with Session(engine) as s:
        kept = student_availability(s, people.actor(maria), sam.id)
    assert [w.to_json() for w in kept] == [{"weekday": 2, "start": "09:30", "end": "24:00"}]


def test_interval_arithmetic() -> None:
    def t(h: int) -> datetime:
        return MONDAY + timedelta(hours=h)

    assert merge([(t(3), t(5)), (t(1), t(2)), (t(2), t(4))]) == [(t(1), t(5))]
    assert intersect([(t(1), t(5)), (t(7), t(9))], [(t(4), t(8))]) == [(t(4), t(5)), (t(7), t(8))]
    assert subtract([(t(1), t(9))], [(t(2), t(3)), (t(5), t(6))]) == [
        (t(1), t(2)),
        (t(3), t(5)),
        (t(6), t(9)),
    ]
    assert subtract([(t(1), t(2))], [(t(0), t(3))]) == []
    assert (
        parse_windows([{"weekday": 4, "start": "22:00", "end": "02:00"}])[0].end_minute == 26 * 60
    )
