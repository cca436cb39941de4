"""Issue 18 from the command line: `mentors edit`, `students edit`, `availability set / show /
except` and `sessions free` round-trip every field to the store and back out as JSON, refuse a
bad value in one sentence with nothing written, and keep the access rules (an admin edits
anyone; a mentor their own windows, contact and time zone and their students' needs and goals;
a student their own profile)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import (
    AuditEntry,
    JournalEntry,
    MentorProfile,
    MentorSpecialization,
    StudentProfile,
    User,
)
from mentor_tui.db.session_models import StudentAvailability
from tests import factory

ADMIN = "ada@example.org"
MARIA = "maria@example.org"
BEN = "ben@example.org"
SAM = "sam@example.org"
KIM = "kim@example.org"
FROZEN_NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday, 07:00 in Berlin


@pytest.fixture
def store(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Maria (Sam's mentor, Europe/Berlin) and Ben (Kim's mentor); Ada the admin."""
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email=MARIA, timezone="Europe/Berlin")
        ben = factory.mentor(s, "Ben Backup", email=BEN)
        factory.student(s, "Sam Student", email=SAM, mentor=maria, timezone="America/New_York")
        factory.student(s, "Kim", email=KIM, mentor=ben)


def run(db_path: Path, capsys, *argv: str, user: str = ADMIN) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--db", str(db_path), "--user", user])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def ok_json(db_path: Path, capsys, *argv: str, user: str = ADMIN):
    code, out, err = run(db_path, capsys, *argv, "--json", user=user)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def refused(db_path: Path, capsys, *argv: str, user: str = ADMIN) -> str:
    code, out, err = run(db_path, capsys, *argv, user=user)
    assert code == 2 and out == "", (code, out)
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as s:
        journal = s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
        audit = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return journal, audit


def test_mentors_edit_round_trips_every_field(engine, db_path, capsys, store) -> None:
    shown = ok_json(
        db_path, capsys, "mentors", "edit", MARIA,
        "--name", "Maria Moreno", "--capacity", "7", "--timezone", "Asia/Tokyo",
        "--teaching-style", "kinesthetic", "--hours", "12", "--expertise", "Python, SQL",
        "--specialization", "Rust:4", "--specialization", "Go:2", "--verify", "Rust",
        "--backup", BEN, "--contact", "email; replies within a day",
    )  # fmt: skip
    assert shown["full_name"] == "Maria Moreno" and shown["capacity"] == 7
    assert shown["timezone"] == "Asia/Tokyo" and shown["teaching_style"] == "kinesthetic"
    assert shown["weekly_hours"] == 12 and shown["expertise"] == ["Python", "SQL"]
    assert {(s["name"], s["proficiency"], s["verified"]) for s in shown["specializations"]} == {
        ("Rust", 4, True),
        ("Go", 2, False),
    }
    assert shown["backup_mentor_email"] == BEN
    assert shown["contact_preferences"] == ["email", "replies within a day"]
    listed = next(m for m in ok_json(db_path, capsys, "mentors") if m["email"] == MARIA)
    assert listed == shown
    with Session(engine) as s:
        maria = s.execute(select(User).where(User.email == MARIA)).scalar_one()
        profile = s.execute(select(MentorProfile).where(MentorProfile.user_id == maria.id)).one()[0]
        assert (maria.full_name, maria.timezone) == ("Maria Moreno", "Asia/Tokyo")
        assert (profile.capacity, profile.weekly_hours, profile.teaching_style) == (
            7,
            12,
            "kinesthetic",
        )
        specs = s.execute(
            select(MentorSpecialization).where(MentorSpecialization.mentor_id == maria.id)
        ).scalars()
        assert {(r.specialization, r.verified) for r in specs} == {("Rust", True), ("Go", False)}
        journaled = {
            e.entity
            for e in s.execute(
                select(JournalEntry).where(JournalEntry.pushed_at.is_(None))
            ).scalars()
        }
        assert {"users", "mentor_profiles", "mentor_specializations"} <= journaled
    # re-levelling keeps the verification; inactive and back
    again = ok_json(db_path, capsys, "mentors", "edit", MARIA, "--specialization", "rust:5")
    assert {(s["name"], s["proficiency"], s["verified"]) for s in again["specializations"]} >= {
        ("rust", 5, True)
    }
    assert refused(db_path, capsys, "mentors", "edit", MARIA, "--status", "inactive") == (
        "mentor-tui: maria@example.org still has 1 student; mark them unavailable to move "
        "their students first.\n"
    )
    assert ok_json(db_path, capsys, "mentors", "edit", BEN, "--status", "active")["status"] == (
        "Active"
    )


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["--capacity", "many"], "Capacity must be a whole number, not 'many'."),
        (["--capacity", "0"], "Capacity must be between 1 and"),
        (["--teaching-style", "loud"], "The teaching style 'loud' is not one of visual,"),
        (["--timezone", "Mars/Olympus"], "Unknown timezone 'Mars/Olympus'"),
        (["--hours", "200"], "The weekly hours must be between 0 and 168, not 200."),
        (["--specialization", "Rust"], "'Rust' is not a specialization; use NAME:LEVEL"),
        (["--specialization", "Rust:9"], "The proficiency of 'Rust' must be between 1 and 5"),
        (["--verify", "Cobol"], "Maria Mentor has no specialization 'Cobol' to verify"),
        (["--backup", MARIA], "A mentor cannot be their own backup."),
        (["--status", "retired"], "The status 'retired' is not one of active, inactive."),
        ([], "Nothing to change"),
    ],
)
def test_mentors_edit_refuses_a_bad_value_with_nothing_written(
    engine, db_path, capsys, store, argv, sentence
) -> None:
    before = _counts(engine)
    # a good field beside the bad one is not saved either
    extra = ["--name", "Changed"] if argv else []
    err = refused(db_path, capsys, "mentors", "edit", MARIA, *extra, *argv)
    assert sentence in err
    assert _counts(engine) == before
    with Session(engine) as s:
        assert s.execute(select(User.full_name).where(User.email == MARIA)).scalar() == (
            "Maria Mentor"
        )


def test_a_mentor_edits_only_their_own_contact_time_zone_and_windows(
    db_path, capsys, store
) -> None:
    own = ok_json(
        db_path, capsys, "mentors", "edit", MARIA, "--timezone", "Europe/Paris",
        "--contact", "slack", user=MARIA,
    )  # fmt: skip
    assert (own["timezone"], own["contact_preferences"]) == ("Europe/Paris", ["slack"])
    err = refused(db_path, capsys, "mentors", "edit", MARIA, "--capacity", "40", user=MARIA)
    assert "Only an admin can change a mentor's capacity" in err
    err = refused(db_path, capsys, "mentors", "edit", MARIA, "--verify", "Rust", user=MARIA)
    assert "Only an admin can change a mentor's verified" in err
    err = refused(db_path, capsys, "mentors", "edit", BEN, "--contact", "x", user=MARIA)
    assert err == "mentor-tui: Only an admin can edit another mentor's profile.\n"
    err = refused(db_path, capsys, "mentors", "edit", MARIA, "--contact", "x", user=SAM)
    assert "Only an admin can edit another mentor's profile." in err
    assert ok_json(db_path, capsys, "availability", "set", MARIA, "Mon 09:00-10:00", user=MARIA)
    err = refused(db_path, capsys, "availability", "set", BEN, "Mon 09:00-10:00", user=MARIA)
    assert "Only an admin or the person themself can change their availability." in err


def test_a_student_sets_only_their_own_windows(engine, db_path, capsys, store) -> None:
    own = ok_json(db_path, capsys, "availability", "set", SAM, "Fri 17:00-19:00", user=SAM)
    assert own["windows"] == [{"weekday": 4, "start": "17:00", "end": "19:00", "day": "Fri"}]
    before = _counts(engine)
    others = "Only an admin or the person themself can change their availability."
    for key, user, sentence in [
        (KIM, SAM, "kim@example.org is not visible to you."),  # another student
        (SAM, MARIA, others),  # nor their mentor theirs
        (MARIA, SAM, others),  # nor they their mentor's
    ]:
        err = refused(db_path, capsys, "availability", "set", key, "Mon 09:00-10:00", user=user)
        assert sentence in err
        err = refused(db_path, capsys, "availability", "except", key, "2026-03-09", user=user)
        assert sentence in err
    assert _counts(engine) == before


def test_students_edit_round_trips_and_graduation_leaves_the_working_list(
    engine, db_path, capsys, store
) -> None:
    shown = ok_json(
        db_path, capsys, "students", "edit", SAM, "--learning-style", "visual",
        "--needs", "Rust, Go", "--goals", "ship a CLI\nand a server", "--timezone", "Asia/Tokyo",
    )  # fmt: skip
    assert shown["learning_style"] == "visual" and shown["needed_skills"] == ["Rust", "Go"]
    assert shown["goals"] == "ship a CLI\nand a server" and shown["timezone"] == "Asia/Tokyo"
    graduated = ok_json(db_path, capsys, "students", "edit", SAM, "--status", "graduated")
    assert graduated["status"] == "Passed out / Completed"
    assert graduated["graduated_on"] == "2026-03-02"  # 15:00 in Tokyo that day
    listed = [r["email"] for r in ok_json(db_path, capsys, "students")]
    assert SAM not in listed and KIM in listed
    assert SAM in [r["email"] for r in ok_json(db_path, capsys, "students", "--all")]
    with Session(engine) as s:
        sam = s.execute(select(User).where(User.email == SAM)).scalar_one()
        profile = s.execute(select(StudentProfile).where(StudentProfile.user_id == sam.id)).one()
        assert str(profile[0].graduated_on) == "2026-03-02" and sam.mentor_id is not None
        actions = set(
            s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == sam.id)).scalars()
        )
        assert "graduate" in actions
    back = ok_json(db_path, capsys, "students", "edit", SAM, "--status", "active")
    assert (back["status"], back["graduated_on"]) == ("Active", None)
    err = refused(db_path, capsys, "students", "edit", SAM, "--status", "expelled")
    assert "The status 'expelled' is not one of active, inactive, graduated." in err
    err = refused(db_path, capsys, "students", "edit", SAM, "--learning-style", "loud")
    assert "The teaching style 'loud' is not one of" in err


def test_students_edit_access_rules(db_path, capsys, store) -> None:
    mine = ok_json(
        db_path, capsys, "students", "edit", SAM, "--needs", "SQL", "--goals", "pass", user=MARIA
    )
    assert (mine["needed_skills"], mine["goals"]) == (["SQL"], "pass")
    err = refused(
        db_path, capsys, "students", "edit", SAM, "--learning-style", "visual", user=MARIA
    )
    assert "Only an admin can change a student's learning style" in err
    err = refused(db_path, capsys, "students", "edit", KIM, "--needs", "SQL", user=MARIA)
    assert "kim@example.org is not one of your students." in err
    own = ok_json(
        db_path, capsys, "students", "edit", SAM, "--learning-style", "auditory",
        "--timezone", "Europe/Rome", user=SAM,
    )  # fmt: skip
    assert (own["learning_style"], own["timezone"]) == ("auditory", "Europe/Rome")
    err = refused(db_path, capsys, "students", "edit", SAM, "--status", "graduated", user=SAM)
    assert "Only an admin can change a student's status" in err
    err = refused(db_path, capsys, "students", "edit", KIM, "--goals", "x", user=SAM)
    assert "kim@example.org is not one of your students." in err


def test_availability_set_show_and_except_round_trip(engine, db_path, capsys, store) -> None:
    shown = ok_json(
        db_path, capsys, "availability", "set", SAM, "Mon 09:00-12:00", "wed 14:00-16:00",
        "--tz", "America/Chicago", user=SAM,
    )  # fmt: skip
    assert shown["timezone"] == "America/Chicago"
    assert [(w["day"], w["start"], w["end"]) for w in shown["windows"]] == [
        ("Mon", "09:00", "12:00"),
        ("Wed", "14:00", "16:00"),
    ]
    off = ok_json(
        db_path, capsys, "availability", "except", SAM, "2026-03-09", "--reason", "holiday"
    )
    assert off["exceptions"] == [{"date": "2026-03-09", "reason": "holiday"}]
    assert ok_json(db_path, capsys, "availability", "show", SAM, user=MARIA) == off
    with Session(engine) as s:
        sam = s.execute(select(User).where(User.email == SAM)).scalar_one()
        row = s.execute(
            select(StudentAvailability).where(StudentAvailability.student_id == sam.id)
        ).scalar_one()
        assert row.exceptions == off["exceptions"] and len(row.windows) == 2
    gone = ok_json(db_path, capsys, "availability", "except", SAM, "2026-03-09", "--remove")
    assert gone["exceptions"] == []
    mentor = ok_json(db_path, capsys, "availability", "set", MARIA, "Tue 08:00-09:30", user=MARIA)
    assert mentor["windows"] == [{"weekday": 1, "start": "08:00", "end": "09:30", "day": "Tue"}]
    for argv, sentence in [
        (["set", SAM, "Mon 12:00-09:00"], "ends before it starts"),
        (["set", SAM, "Mon 09:00-12:00", "Mon 11:00-13:00"], "Two availability windows overlap"),
        (["set", SAM, "Someday 09:00-10:00"], "is not an availability window"),
        (["set", SAM, "Mon 09:00-10:00", "--tz", "Nowhere"], "Unknown timezone 'Nowhere'"),
        (["except", SAM, "2026-02-30"], "'2026-02-30' is not a date; use YYYY-MM-DD"),
        (["except", SAM, "2026-03-10", "--remove"], "has no exception on 2026-03-10"),
        (["set", ADMIN, "Mon 09:00-10:00"], "is an admin; only mentors and students"),
    ]:
        assert sentence in refused(db_path, capsys, "availability", *argv)


def test_sessions_free_follows_both_parties_windows_days_off_and_sessions(
    engine, db_path, capsys, store
) -> None:
    # Maria: weekdays 15:00-18:00 Berlin; Sam: weekdays 10:00-11:30 New York (16:00-17:30
    # Berlin in March before the US clocks change): one common hour a day, 16:00-17:00 Berlin
    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    ok_json(db_path, capsys, "availability", "set", MARIA, *[f"{d} 15:00-18:00" for d in days])
    ok_json(db_path, capsys, "availability", "set", SAM, *[f"{d} 10:00-11:30" for d in days])
    slots = ok_json(db_path, capsys, "sessions", "free", SAM, "--count", "3", user=MARIA)
    assert [s["starts_at_utc"] for s in slots] == [
        "2026-03-02T15:00:00+00:00",
        "2026-03-02T15:30:00+00:00",
        "2026-03-03T15:00:00+00:00",
    ]
    first = slots[0]
    assert first["mentor"] == {
        "email": MARIA,
        "timezone": "Europe/Berlin",
        "starts_at": "2026-03-02T16:00:00+01:00",
    }
    assert first["student"]["starts_at"] == "2026-03-02T10:00:00-05:00"
    # Maria's day off on Monday and a session on Tuesday at 16:00 Berlin move the answer
    ok_json(db_path, capsys, "availability", "except", MARIA, "2026-03-02", user=MARIA)
    code, _, err = run(
        db_path, capsys, "sessions", "add", "--student", SAM, "--at", "2026-03-03 16:00",
        "--tz", "Europe/Berlin", user=MARIA,
    )  # fmt: skip
    assert code == 0, err
    slots = ok_json(db_path, capsys, "sessions", "free", SAM, "--count", "2", user=MARIA)
    assert [s["starts_at_utc"] for s in slots] == [
        "2026-03-04T15:00:00+00:00",
        "2026-03-04T15:30:00+00:00",
    ]
    # the admin asks on the pair's behalf; the plain table names all three zones
    code, out, err = run(db_path, capsys, "sessions", "free", SAM, "--count", "1")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split() == ["UTC", "MENTOR", "STUDENT"]
    assert "Wed 2026-03-04 16:00 CET" in out and "Wed 2026-03-04 10:00 EST" in out
    err = refused(db_path, capsys, "sessions", "free", KIM, user=MARIA)
    assert "kim@example.org is not one of your students." in err
    assert "--count must be between 1 and 100" in refused(
        db_path, capsys, "sessions", "free", SAM, "--count", "0"
    )
