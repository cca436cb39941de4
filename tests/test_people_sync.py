"""Issue 18 through sync: what `mentors edit`, `students edit` and `availability` write in one
store reaches the server and another client, field by field; the server refuses what the core
refuses (a mentor raising their own capacity or verifying their own specialization)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.db.models import MentorProfile, MentorSpecialization, StudentProfile, User
from mentor_tui.db.session_models import StudentAvailability
from tests import sync_helpers
from tests.sync_helpers import Program, change, push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

ADMIN = "admin@example.org"


def cli(capsys, store_path: Path, user: str, *argv: str) -> dict:
    try:
        code = main([*argv, "--json", "--db", str(store_path), "--user", user])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert (code or 0, err) == (0, ""), err
    return json.loads(out)


def _path(p: Program, name: str) -> Path:
    return p.harness.root / "stores" / f"{name}.db"


def _client(p: Program, name: str, email: str):
    store = p.harness.store(name)
    p.harness.login(store, email)
    return store


def _synced(p: Program, store) -> None:
    report = p.harness.sync(store)
    assert (report.rejected, report.conflicts) == (0, 0), report


def _profile(store, email: str) -> tuple[User, MentorProfile, dict[str, tuple[int, bool]]]:
    with Session(store) as s:
        user = s.execute(select(User).where(User.email == email)).scalar_one()
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == user.id)
        ).scalar_one()
        specs = {
            r.specialization: (r.proficiency_level, bool(r.verified))
            for r in s.execute(
                select(MentorSpecialization).where(
                    MentorSpecialization.mentor_id == user.id,
                    MentorSpecialization.deleted_at.is_(None),
                )
            ).scalars()
        }
        s.expunge_all()
    return user, profile, specs


def test_an_admins_mentor_edit_reaches_the_mentors_own_client(program: Program, capsys) -> None:
    p = program
    shown = cli(
        capsys, _path(p, "admin"), ADMIN, "mentors", "edit", "m1@example.org",
        "--name", "Maria Moreno", "--capacity", "6", "--timezone", "Europe/Berlin",
        "--teaching-style", "visual", "--hours", "9", "--expertise", "Python, SQL",
        "--specialization", "Rust:4", "--verify", "Rust", "--backup", "m2@example.org",
        "--contact", "email; replies within a day",
    )  # fmt: skip
    _synced(p, p.admin_store)
    m1_store = _client(p, "m1", "m1@example.org")
    user, profile, specs = _profile(m1_store, "m1@example.org")
    assert (user.full_name, user.timezone) == ("Maria Moreno", "Europe/Berlin")
    assert (profile.capacity, profile.teaching_style, profile.weekly_hours) == (6, "visual", 9)
    assert profile.expertise == ["Python", "SQL"] and specs == {"Rust": (4, True)}
    assert profile.contact_preferences == ["email", "replies within a day"]
    assert profile.backup_mentor_id == p.ids["m2"]
    # and the mentor's own client shows the same profile as JSON as the admin's did
    own = cli(capsys, _path(p, "m1"), "m1@example.org", "mentors", "edit", "m1@example.org",
              "--contact", "email; replies within a day")  # fmt: skip
    assert own == shown


def test_a_mentors_own_windows_contact_and_days_off_reach_the_admin(
    program: Program, capsys
) -> None:
    p = program
    m1_store = _client(p, "m1", "m1@example.org")
    m1 = _path(p, "m1")
    cli(capsys, m1, "m1@example.org", "availability", "set", "m1@example.org",
        "Mon 09:00-12:00", "Thu 14:00-16:00", "--tz", "Europe/Lisbon")  # fmt: skip
    cli(capsys, m1, "m1@example.org", "availability", "except", "m1@example.org", "2026-12-24",
        "--reason", "holiday")  # fmt: skip
    cli(capsys, m1, "m1@example.org", "mentors", "edit", "m1@example.org", "--contact", "slack")
    cli(capsys, m1, "m1@example.org", "students", "edit", "s1@example.org",
        "--needs", "Rust, Go", "--goals", "a compiler")  # fmt: skip
    _synced(p, m1_store)
    _synced(p, p.admin_store)
    user, profile, _ = _profile(p.admin_store, "m1@example.org")
    assert user.timezone == "Europe/Lisbon"
    assert profile.availability == [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 3, "start": "14:00", "end": "16:00"},
    ]
    assert profile.availability_exceptions == [{"date": "2026-12-24", "reason": "holiday"}]
    assert profile.contact_preferences == ["slack"]
    shown = cli(capsys, _path(p, "admin"), ADMIN, "availability", "show", "m1@example.org")
    assert shown["exceptions"] == [{"date": "2026-12-24", "reason": "holiday"}]
    with Session(p.admin_store) as s:
        needs = s.execute(
            select(StudentProfile).where(StudentProfile.user_id == p.ids["s1"])
        ).scalar_one()
        assert (needs.needed_skills, needs.goals) == (["Rust", "Go"], "a compiler")


def test_a_students_own_profile_and_windows_reach_their_mentor(program: Program, capsys) -> None:
    p = program
    s1_store = _client(p, "s1", "s1@example.org")
    s1 = _path(p, "s1")
    cli(capsys, s1, "s1@example.org", "students", "edit", "s1@example.org",
        "--learning-style", "auditory", "--timezone", "Asia/Tokyo")  # fmt: skip
    cli(capsys, s1, "s1@example.org", "availability", "set", "s1@example.org", "Tue 19:00-21:00")
    cli(capsys, s1, "s1@example.org", "availability", "except", "s1@example.org", "2026-12-29")
    _synced(p, s1_store)
    m1_store = _client(p, "m1", "m1@example.org")
    with Session(m1_store) as s:
        sam = s.get(User, p.ids["s1"])
        assert sam is not None and sam.timezone == "Asia/Tokyo"
        profile = s.execute(
            select(StudentProfile).where(StudentProfile.user_id == sam.id)
        ).scalar_one()
        assert profile.learning_style == "auditory"
        windows = s.execute(
            select(StudentAvailability).where(StudentAvailability.student_id == sam.id)
        ).scalar_one()
        assert windows.windows == [{"weekday": 1, "start": "19:00", "end": "21:00"}]
        assert windows.exceptions == [{"date": "2026-12-29", "reason": ""}]
        row = "student_availability", windows.id
        version = windows.version
    # the server keeps the core's rule: a student's windows are theirs (and an admin's) only
    results = push(
        p.harness,
        "s2@example.org",
        change(*row, "update", {"windows": []}, base=version),
    )
    assert [r["status"] for r in results] == ["rejected"], results
    results = push(
        p.harness,
        "m1@example.org",  # s1's own mentor
        change(*row, "update", {"windows": []}, base=version),
    )
    assert [r["status"] for r in results] == ["rejected"], results
    results = push(
        p.harness,
        "s1@example.org",
        change(
            *row,
            "update",
            {"windows": [{"weekday": 2, "start": "08:00", "end": "09:00"}]},
            base=version,
        ),
    )
    assert [r["status"] for r in results] == ["applied"], results


def test_the_server_refuses_what_a_mentor_may_not_change_about_themself(
    program: Program,
) -> None:
    p = program
    _synced(p, p.admin_store)
    _, profile, _ = _profile(p.admin_store, "m1@example.org")
    mine = "mentor_profiles", profile.id
    results = push(
        p.harness,
        "m1@example.org",
        change(*mine, "update", {"capacity": 99}, base=profile.version),
        change(*mine, "update", {"teaching_style": "visual"}, base=profile.version),
        change(*mine, "update", {"contact_preferences": ["phone"]}, base=profile.version),
    )
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"], results
    results = push(
        p.harness,
        "s1@example.org",
        change("users", p.ids["s1"], "update", {"status": "Passed out / Completed"}),
    )
    assert [r["status"] for r in results] == ["rejected"], results
