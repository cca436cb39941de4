"""Students as first-class users through the command line (issue 20): `mentor`, `progress`,
`sessions free` without a student, `sessions book` / `requests` / `accept` / `decline` /
`rate` / `auto-accept`, `feedback request`; `--json` on each, and each refusal in one sentence
with exit status 2 and nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.cli import main
from mentor_tui.core import clock, writes
from mentor_tui.core.reviews.queue import list_queue
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipSession,
    MentorSpecialization,
    SessionAttendee,
    Submission,
)
from tests import factory
from tests import session_people as people

WEEKDAYS_9_TO_12 = [{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(5)]
# Tuesday 5 March 2030, 10:00 in Berlin (CET) = 09:00 UTC: inside Maria's windows
TUESDAY_10 = "2030-03-05 10:00"
TUESDAY_10_UTC = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(db_path: Path) -> dict[str, str]:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            maria = people.mentor(
                s,
                "Maria Mentor",
                tz="Europe/Berlin",
                email="maria@example.org",
                availability=WEEKDAYS_9_TO_12,
            )
            profile = s.execute(
                select(MentorProfile).where(MentorProfile.user_id == maria.id)
            ).scalar_one()
            writes.update(
                s,
                None,
                profile,
                {
                    "expertise": ["python", "testing"],
                    "contact_preferences": ["email", "chat"],
                    "bio": "Backend developer",
                    "availability_exceptions": [{"date": "2030-03-08", "reason": "training"}],
                },
            )
            for name, verified in (("Django", True), ("Secret skill", False)):
                writes.insert(
                    s,
                    None,
                    MentorSpecialization(
                        mentor_id=maria.id,
                        specialization=name,
                        proficiency_level=4,
                        verified=verified,
                    ),
                )
            omar = people.mentor(s, "Omar Other", email="omar@example.org")
            sam = people.student(s, "Sam Tanaka", maria, email="sam@example.org")
            ana = people.student(s, "Ana Ruiz", maria, email="ana@example.org")
            zoe = people.student(s, "Zoe Zhang", omar, email="zoe@example.org")
            admin = people.admin(s, email="ada@example.org")
            _, modules = factory.course(s, "Python Basics", modules=2)
            factory.progress(
                s,
                sam,
                modules[0],
                completed=True,
                minutes=90,
                quiz=80.0,
                at=datetime(2026, 1, 10, tzinfo=UTC),
            )
            task = factory.assignment(s, modules[0], "Loops")
            old = factory.submission(
                s,
                sam,
                task,
                submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
                status="approved",
                reviewer=maria,
                reviewed_at=datetime(2026, 1, 2, tzinfo=UTC),
                feedback="Nice loops.",
            )
            new = factory.submission(
                s, sam, task, submitted_at=datetime(2026, 1, 5, tzinfo=UTC), attempt=2
            )
            anas = factory.submission(s, ana, task, submitted_at=datetime(2026, 1, 3, tzinfo=UTC))
            return {
                "maria": maria.id,
                "sam": sam.id,
                "ana": ana.id,
                "zoe": zoe.id,
                "omar": omar.id,
                "admin": admin.id,
                "old": old.id,
                "new": new.id,
                "anas": anas.id,
            }
    finally:
        engine.dispose()


def run(db_path: Path, *args: str, user: str = "sam@example.org") -> int:
    return main([*args, "--db", str(db_path), "--user", user])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def refused(capsys, db_path: Path, *args: str, user: str = "sam@example.org") -> str:
    code = run(db_path, *args, user=user)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    line = captured.err.strip()
    assert line.startswith("mentor-tui: ") and "\n" not in line and "Traceback" not in line
    return line


def _sessions(db_path: Path) -> list[MentorshipSession]:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            rows = list(s.execute(select(MentorshipSession)).scalars())
            s.expunge_all()
            return rows
    finally:
        engine.dispose()


# --- mentor --------------------------------------------------------------------------------


def test_mentor_shows_my_mentors_public_profile(store, db_path: Path, capsys) -> None:
    assert run(db_path, "mentor", "--json") == 0
    card = out_json(capsys)
    assert card["email"] == "maria@example.org"
    assert card["expertise"] == ["python", "testing"]
    assert card["verified_specializations"] == [{"name": "Django", "proficiency": 4}]
    assert card["availability"] == WEEKDAYS_9_TO_12
    assert card["days_off"] == [{"date": "2030-03-08", "reason": "training"}]
    assert card["contact_preferences"] == ["email", "chat"]
    assert card["expected_response_hours"] == 48
    assert card["median_response_hours"] == 24.0  # Sam's one review took a day
    assert run(db_path, "mentor") == 0
    text = capsys.readouterr().out
    assert "Maria Mentor <maria@example.org>" in text
    assert "Secret skill" not in text and "Django (4/5)" in text
    assert "within 48 h" in text and "Mon 09:00-12:00" in text


def test_mentor_is_for_students_and_needs_a_mentor(store, db_path: Path, capsys) -> None:
    assert "sign in as a student" in refused(capsys, db_path, "mentor", user="maria@example.org")
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        people.student(s, "Lone Wolf", None, email="lone@example.org")
    engine.dispose()
    assert "no mentor yet" in refused(capsys, db_path, "mentor", user="lone@example.org")


# --- progress ------------------------------------------------------------------------------


def test_progress_lists_modules_and_work_newest_first_unread_marked(
    store, db_path: Path, capsys
) -> None:
    assert run(db_path, "progress", "--json") == 0
    mine = out_json(capsys)
    module = mine["courses"][0]["modules"][0]
    assert module["completed"] and module["quiz_score"] == 80.0
    assert module["time_spent_minutes"] == 90
    assert any("Completed module" in m["text"] for m in mine["milestones"])
    assert [w["id"] for w in mine["submissions"]] == [store["new"], store["old"]]  # not Ana's
    assert mine["submissions"][1]["feedback"] == "Nice loops."
    assert mine["submissions"][1]["unread"] is True
    assert mine["submissions"][1]["reviewer"] == "Maria Mentor"
    # shown once: read now
    assert run(db_path, "progress") == 0
    text = capsys.readouterr().out
    assert "Nice loops." in text and "NEW" not in text
    assert run(db_path, "progress", "--json") == 0
    assert out_json(capsys)["submissions"][1]["unread"] is False


def test_progress_shows_new_before_it_is_read(store, db_path: Path, capsys) -> None:
    assert run(db_path, "progress") == 0
    assert f"NEW {store['old'][:8]}" in capsys.readouterr().out


def test_progress_refuses_a_mentor(store, db_path: Path, capsys) -> None:
    assert "progress" in refused(capsys, db_path, "progress", user="maria@example.org")


# --- free slots and booking ----------------------------------------------------------------


def test_free_without_a_student_is_my_mentors_slots(store, db_path: Path, capsys) -> None:
    assert run(db_path, "sessions", "free", "--count", "3", "--json") == 0
    slots = out_json(capsys)
    assert len(slots) == 3
    assert all(s["mentor"]["email"] == "maria@example.org" for s in slots)
    assert all(s["student"]["email"] == "sam@example.org" for s in slots)
    assert "Say whose" in refused(capsys, db_path, "sessions", "free", user="maria@example.org")


def test_book_is_a_request_the_mentor_accepts(store, db_path: Path, capsys) -> None:
    args = ("sessions", "book", "--at", TUESDAY_10, "--tz", "Europe/Berlin")
    assert run(db_path, *args, "--note", "my project", "--json") == 0
    booked = out_json(capsys)
    assert booked["status"] == "requested" and booked["agenda"] == "my project"
    assert booked["student_ids"] == [store["sam"]]
    assert run(db_path, "sessions", "requests", "--json", user="maria@example.org") == 0
    assert [r["id"] for r in out_json(capsys)] == [booked["id"]]
    # the same slot again, by Ana: the request holds the time
    message = refused(capsys, db_path, *args, user="ana@example.org")
    assert "double-booked" in message
    assert run(db_path, "sessions", "accept", booked["id"], "--json", user="maria@example.org") == 0
    assert out_json(capsys)["status"] == "scheduled"
    assert run(db_path, "sessions", "requests", user="maria@example.org") == 0
    assert "No booking requests" in capsys.readouterr().out
    assert "not a booking request" in refused(
        capsys, db_path, "sessions", "accept", booked["id"], user="maria@example.org"
    )


def test_decline_frees_the_time_and_keeps_the_reason(store, db_path: Path, capsys) -> None:
    args = ("sessions", "book", "--at", TUESDAY_10, "--tz", "Europe/Berlin", "--json")
    assert run(db_path, *args) == 0
    first = out_json(capsys)["id"]
    assert (
        run(
            db_path,
            "sessions",
            "decline",
            first[:8],
            "--reason",
            "at a conference",
            "--json",
            user="maria@example.org",
        )
        == 0
    )
    declined = out_json(capsys)
    assert declined["status"] == "declined" and declined["decline_reason"] == "at a conference"
    assert run(db_path, *args, user="ana@example.org") == 0  # the time is free again
    assert out_json(capsys)["status"] == "requested"


def test_book_next_takes_the_first_free_slot(store, db_path: Path, capsys) -> None:
    assert run(db_path, "sessions", "free", "--count", "1", "--json") == 0
    first = out_json(capsys)[0]["starts_at_utc"]
    assert run(db_path, "sessions", "book", "--next", "--json") == 0
    booked = out_json(capsys)
    start = datetime.fromisoformat(booked["start"]).astimezone(UTC)
    assert start == datetime.fromisoformat(first)


def test_auto_accept_makes_a_booking_a_session_at_once(store, db_path: Path, capsys) -> None:
    assert run(db_path, "sessions", "auto-accept", "on", "--json", user="maria@example.org") == 0
    assert out_json(capsys) == {"mentor": "maria@example.org", "auto_accept_bookings": True}
    assert run(db_path, "mentor", "--json") == 0
    assert out_json(capsys)["bookings_accepted_at_once"] is True
    assert run(db_path, "sessions", "book", "--at", TUESDAY_10, "--tz", "Europe/Berlin") == 0
    assert capsys.readouterr().out.startswith("Booked (your mentor takes bookings at once)")
    assert [r.status for r in _sessions(db_path)] == ["scheduled"]
    # who may set it
    assert "Only a mentor" in refused(capsys, db_path, "sessions", "auto-accept", "off")
    assert "themself" in refused(
        capsys,
        db_path,
        "sessions",
        "auto-accept",
        "off",
        "--mentor",
        "maria@example.org",
        user="omar@example.org",
    )
    assert (
        run(
            db_path,
            "sessions",
            "auto-accept",
            "off",
            "--mentor",
            "maria@example.org",
            user="ada@example.org",
        )
        == 0
    )


@pytest.mark.parametrize(
    ("args", "user", "words"),
    [
        # outside the mentor's windows (Tuesday 15:00 Berlin)
        (("--at", "2030-03-05 15:00", "--tz", "Europe/Berlin"), "sam@example.org", "not a free"),
        # on the mentor's day off (Friday 8 March)
        (("--at", "2030-03-08 10:00", "--tz", "Europe/Berlin"), "sam@example.org", "not a free"),
        # in the past
        (("--at", "2020-03-03 10:00", "--tz", "Europe/Berlin"), "sam@example.org", "to come"),
        # a mentor does not book
        (("--at", TUESDAY_10, "--tz", "Europe/Berlin"), "maria@example.org", "Only a student"),
        (("--at", "tomorrow-ish"), "sam@example.org", ""),
    ],
)
def test_book_refusals_write_nothing(store, db_path: Path, capsys, args, user, words) -> None:
    message = refused(capsys, db_path, "sessions", "book", *args, user=user)
    assert words in message
    assert _sessions(db_path) == []


def test_only_the_sessions_mentor_answers_a_request(store, db_path: Path, capsys) -> None:
    assert (
        run(db_path, "sessions", "book", "--at", TUESDAY_10, "--tz", "Europe/Berlin", "--json") == 0
    )
    booked = out_json(capsys)["id"]
    assert "mentor or an admin" in refused(capsys, db_path, "sessions", "accept", booked)
    assert "No session" in refused(
        capsys, db_path, "sessions", "decline", booked, user="omar@example.org"
    )
    assert "No session" in refused(
        capsys, db_path, "sessions", "accept", booked, user="ana@example.org"
    )
    assert [r.status for r in _sessions(db_path)] == ["requested"]


# --- rating --------------------------------------------------------------------------------


def _past_session(db_path: Path, store: dict[str, str], *, status: str = "scheduled") -> str:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            from mentor_tui.db.models import User

            maria = s.get(User, store["maria"])
            sam = s.get(User, store["sam"])
            row = people.booked(s, maria, [sam], clock.now() - timedelta(days=1), status=status)
            return row.id
    finally:
        engine.dispose()


def test_rate_after_the_session_with_a_comment(store, db_path: Path, capsys) -> None:
    session_id = _past_session(db_path, store)
    assert (
        run(db_path, "sessions", "rate", session_id, "5", "--comment", "very useful", "--json") == 0
    )
    assert out_json(capsys) == {
        "session_id": session_id,
        "student_id": store["sam"],
        "rating": 5,
        "comment": "very useful",
    }
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        attendee = s.execute(select(SessionAttendee)).scalar_one()
        assert (attendee.rating, attendee.rating_comment) == (5, "very useful")
    engine.dispose()


def test_rate_refusals(store, db_path: Path, capsys) -> None:
    session_id = _past_session(db_path, store)
    assert "1 to 5" in refused(capsys, db_path, "sessions", "rate", session_id, "6")
    assert "No session" in refused(
        capsys, db_path, "sessions", "rate", session_id, "4", user="ana@example.org"
    )
    assert (
        run(db_path, "sessions", "book", "--at", TUESDAY_10, "--tz", "Europe/Berlin", "--json") == 0
    )
    request = out_json(capsys)["id"]
    assert "booking requested" in refused(capsys, db_path, "sessions", "rate", request, "4")


# --- feedback requests ---------------------------------------------------------------------


def test_feedback_request_puts_the_submission_first_in_the_queue(
    store, db_path: Path, capsys
) -> None:
    engine = make_engine(db_path)
    maria = people.actor(_user(engine, store["maria"]))
    with session_scope(engine) as s:
        assert [i.id for i in list_queue(s, maria)] == [store["anas"], store["new"]]
    assert run(db_path, "feedback", "request", store["new"][:8], "stuck on part 2", "--json") == 0
    asked = out_json(capsys)
    assert asked["submission_id"] == store["new"] and asked["note"] == "stuck on part 2"
    with session_scope(engine) as s:
        items = list_queue(s, maria)
        assert [i.id for i in items] == [store["new"], store["anas"]]
        assert items[0].feedback_request == "stuck on part 2"
        # pages agree with the order
        assert [i.id for i in list_queue(s, maria, offset=1, limit=1)] == [store["anas"]]
    engine.dispose()
    assert run(db_path, "queue", "--json", user="maria@example.org") == 0
    queue = out_json(capsys)
    assert [i["id"] for i in queue] == [store["new"], store["anas"]]
    assert queue[0]["feedback_request"] == "stuck on part 2"
    assert queue[1]["feedback_requested_at"] is None


def _user(engine, user_id: str):
    from mentor_tui.db.models import User

    with session_scope(engine) as s:
        row = s.get(User, user_id)
        s.expunge(row)
        return row


@pytest.mark.parametrize(
    ("key", "user", "words"),
    [
        ("old", "sam@example.org", "already reviewed"),
        ("anas", "sam@example.org", "No submission"),  # Ana's work: not visible to Sam
        ("new", "maria@example.org", "Only a student"),
        ("nothing", "sam@example.org", "No submission"),
    ],
)
def test_feedback_request_refusals(store, db_path: Path, capsys, key, user, words) -> None:
    message = refused(
        capsys, db_path, "feedback", "request", store.get(key, "deadbeef00"), "hi", user=user
    )
    assert words in message
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        asked = s.execute(
            select(func.count()).where(Submission.feedback_requested_at.is_not(None))
        ).scalar_one()
    engine.dispose()
    assert asked == 0


def test_queue_positions_follow_the_order_with_requests_first(store, db_path: Path) -> None:
    from mentor_tui.core.reviews.queue import queue_position
    from mentor_tui.core.reviews.requests import request_feedback

    engine = make_engine(db_path)
    with session_scope(engine) as s:
        request_feedback(s, people.actor(_user(engine, store["sam"])), store["new"], "please")
    maria = people.actor(_user(engine, store["maria"]))
    with session_scope(engine) as s:
        items = list_queue(s, maria)
        assert [i.id for i in items] == [store["new"], store["anas"]]
        positions = [queue_position(s, maria, i.submitted_at, i.id) for i in items]
    engine.dispose()
    assert positions == [0, 1]
