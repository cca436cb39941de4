"""The admin verbs: `mentors` (and `mentors unavailable` / `available`), `assign`, `unassign`
and `match`: JSON shapes, writes, and one-sentence refusals for non-admins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.core import writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, MentorProfile, Notification, User
from mentor_tui.paths import config_path
from tests import factory

ADMIN = "ada@example.org"
MARIA = "maria@example.org"
BEN = "ben@example.org"


@pytest.fixture
def store(engine) -> None:
    """Maria (Python, 2 seats, one taken by Sam), Ben (SQL, Ben's backup is nobody, 3 seats),
    Kim and Lee without a mentor."""
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email=MARIA, capacity=2, expertise=["Python"])
        factory.mentor(
            s, "Ben Backup", email=BEN, capacity=3, expertise=["SQL"], timezone="Asia/Tokyo"
        )
        factory.student(
            s, "Sam Student", email="sam@example.org", mentor=maria, needed_skills=["python"]
        )
        factory.student(s, "Kim", email="kim@example.org", needed_skills=["python"])
        factory.student(s, "[b]Lee[/b]\x1b[31m", email="lee@example.org", needed_skills=["sql"])


def run(db_path: Path, capsys, *argv: str, user: str = ADMIN) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--db", str(db_path), "--user", user])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def mentor_of(engine, email: str) -> str | None:
    with Session(engine) as s:
        student = s.execute(select(User).where(User.email == email)).scalar_one()
        if student.mentor_id is None:
            return None
        return s.get(User, student.mentor_id).email


def count(engine, model, *where) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_mentors_json_lists_load_capacity_and_profile(db_path, engine, store, capsys) -> None:
    code, out, err = run(db_path, capsys, "mentors", "--json")
    assert (code, err) == (0, "")
    rows = {row["email"]: row for row in json.loads(out)}
    assert set(rows) == {MARIA, BEN}
    maria = rows[MARIA]
    assert {
        k: maria[k]
        for k in ("full_name", "status", "capacity", "student_count", "expertise", "timezone")
    } == {
        "full_name": "Maria Mentor",
        "status": "Active",
        "capacity": 2,
        "student_count": 1,
        "expertise": ["Python"],
        "timezone": "UTC",
    }
    assert len(maria["id"]) == 36 and maria["available"] is True


def test_mentors_plain_table(db_path, engine, store, capsys) -> None:
    code, out, _ = run(db_path, capsys, "mentors")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "NAME",
        "EMAIL",
        "STATUS",
        "STUDENTS",
        "TIMEZONE",
        "EXPERTISE",
        "AVAILABLE",
    ]
    assert "1/2" in next(line for line in lines if MARIA in line)
    assert "Asia/Tokyo" in next(line for line in lines if BEN in line)


@pytest.mark.parametrize(
    "argv",
    [
        ["mentors"],
        ["mentors", "--json"],
        ["mentors", "unavailable", BEN],
        ["mentors", "available", BEN],
        ["assign", "kim@example.org", MARIA],
        ["unassign", "sam@example.org"],
        ["match", "--json"],
        ["match", "--apply"],
    ],
)
def test_admin_verbs_refuse_a_mentor_in_one_sentence(db_path, engine, store, capsys, argv) -> None:
    audit_before = count(engine, AuditEntry)
    code, out, err = run(db_path, capsys, *argv, user=MARIA)
    assert code == 2
    assert out == ""
    assert err.startswith("mentor-tui: Only an admin can ") and err.endswith(".\n")
    assert err.count("\n") == 1
    assert count(engine, AuditEntry) == audit_before
    assert mentor_of(engine, "sam@example.org") == MARIA
    assert mentor_of(engine, "kim@example.org") is None


def test_assign_within_capacity_then_force_past_it(db_path, engine, store, capsys) -> None:
    code, out, err = run(db_path, capsys, "assign", "kim@example.org", MARIA)
    assert (code, err) == (0, "")
    assert out == "Assigned Kim to Maria Mentor (2 of 2 seats taken).\n"
    assert mentor_of(engine, "kim@example.org") == MARIA
    code, out, err = run(db_path, capsys, "assign", "lee@example.org", MARIA)
    assert code == 2 and out == ""
    assert err == (
        "mentor-tui: Maria Mentor is at capacity (2 of 2 students); force the assignment to go "
        "over it.\n"
    )
    assert mentor_of(engine, "lee@example.org") is None
    code, out, _ = run(db_path, capsys, "assign", "lee@example.org", MARIA, "--force")
    assert code == 0
    assert "\x1b" not in out and out.startswith("Assigned [b]Lee[/b]")
    assert mentor_of(engine, "lee@example.org") == MARIA


def test_assign_and_unassign_json(db_path, engine, store, capsys) -> None:
    code, out, err = run(db_path, capsys, "assign", "kim@example.org", MARIA, "--json")
    assert (code, err) == (0, "")
    done = json.loads(out)
    assert done["student_email"] == "kim@example.org" and done["mentor_email"] == MARIA
    assert (done["seats_taken"], done["capacity"], done["over_capacity"]) == (2, 2, False)
    assert mentor_of(engine, "kim@example.org") == MARIA
    code, out, _ = run(db_path, capsys, "assign", "lee@example.org", MARIA, "--force", "--json")
    assert code == 0
    forced = json.loads(out)
    assert forced["student_name"] == "[b]Lee[/b]\x1b[31m"  # JSON carries the text as it is
    assert (forced["seats_taken"], forced["over_capacity"]) == (3, True)
    code, out, err = run(db_path, capsys, "unassign", "kim@example.org", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "student_id": done["student_id"],
        "student_email": "kim@example.org",
        "student_name": "Kim",
        "mentor_id": None,
    }
    assert mentor_of(engine, "kim@example.org") is None


def test_unassign(db_path, engine, store, capsys) -> None:
    code, out, _ = run(db_path, capsys, "unassign", "sam@example.org")
    assert (code, out) == (0, "Sam Student has no mentor now.\n")
    assert mentor_of(engine, "sam@example.org") is None


def test_match_json_is_a_draft_until_applied(db_path, engine, store, capsys) -> None:
    code, out, err = run(db_path, capsys, "match", "--json")
    assert (code, err) == (0, "")
    draft = json.loads(out)
    assert draft["applied"] is False
    pairs = {(a["student_email"], a["mentor_email"]) for a in draft["assignments"]}
    # Ben is 9 h from everyone (UTC) and the default limit is 8 h; Maria has one free seat
    assert pairs == {("kim@example.org", MARIA)}
    (kim,) = draft["assignments"]
    assert set(kim) >= {"student_id", "mentor_id", "score", "reasons"}
    assert kim["reasons"][0] == "skills 24.00/40: python (expertise)"
    assert kim["score"] == round(sum(line["points"] for line in kim["breakdown"]), 2)
    assert draft["total_score"] == kim["score"]
    assert draft["unassigned"] == [
        {
            "student_id": draft["unassigned"][0]["student_id"],
            "student_email": "lee@example.org",
            "student_name": "[b]Lee[/b]\x1b[31m",
            "reason": "The one free seat with a mentor within reach went to another student "
            "(more students than seats).",
        }
    ]
    assert mentor_of(engine, "kim@example.org") is None  # a draft writes nothing

    code, out, _ = run(db_path, capsys, "match", "--json", "--apply")
    assert code == 0 and json.loads(out)["applied"] is True
    assert mentor_of(engine, "kim@example.org") == MARIA
    with Session(engine) as s:
        maria = s.execute(select(User).where(User.email == MARIA)).scalar_one()
        told = (
            s.execute(select(Notification.type).where(Notification.user_id == maria.id))
            .scalars()
            .all()
        )
    assert told == ["new_student_assignment"]


def test_match_reads_its_weights_and_timezone_limit_from_the_config(
    db_path, engine, store, capsys
) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[matching]\nmax_timezone_gap_hours = 10\nskills = 100\nload = 0\n", encoding="utf-8"
    )
    code, out, _ = run(db_path, capsys, "match", "--json")
    assert code == 0
    draft = json.loads(out)
    pairs = {(a["student_email"], a["mentor_email"]) for a in draft["assignments"]}
    assert pairs == {("kim@example.org", MARIA), ("lee@example.org", BEN)}
    assert {line["criterion"]: line["weight"] for line in draft["assignments"][0]["breakdown"]} == {
        "skills": 100, "teaching_style": 15, "timezone": 20, "weekly_hours": 10, "load": 0,
    }  # fmt: skip
    path.write_text("[matching]\nmax_timezone_gap_hours = 13\n", encoding="utf-8")
    code, out, err = run(db_path, capsys, "match")
    assert code == 2 and out == ""
    limit = f"matching.max_timezone_gap_hours in {path} must be between 0 and 12, not 13."
    assert err == f"mentor-tui: {limit}\n"


def test_match_text_output(db_path, engine, store, capsys) -> None:
    code, out, _ = run(db_path, capsys, "match")
    assert code == 0
    assert "kim@example.org" in out and "python (expertise)" in out
    assert "UNASSIGNED" in out and "lee@example.org" in out
    assert out.rstrip().endswith("Draft only: run again with --apply to assign them.")
    assert "\x1b" not in out


def test_mentors_unavailable_previews_then_applies(db_path, engine, store, capsys) -> None:
    with session_scope(engine) as s:
        maria = s.execute(select(User).where(User.email == MARIA)).scalar_one()
        ben = s.execute(select(User).where(User.email == BEN)).scalar_one()
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == maria.id)
        ).scalar_one()
        writes.update(s, None, profile, {"backup_mentor_id": ben.id})
    code, out, err = run(
        db_path,
        capsys,
        "mentors",
        "unavailable",
        MARIA,
        "--until",
        "2099-01-31",
        "--reason",
        "Leave",
        "--json",
    )
    assert (code, err) == (0, "")
    plan = json.loads(out)
    assert plan["applied"] is False
    assert [(m["student_email"], m["mentor_email"], m["via"]) for m in plan["moves"]] == [
        ("sam@example.org", BEN, "backup")  # the backup takes Sam despite the 9 h gap
    ]
    assert mentor_of(engine, "sam@example.org") == MARIA

    code, out, _ = run(
        db_path,
        capsys,
        "mentors",
        "unavailable",
        MARIA,
        "--until",
        "2099-01-31",
        "--reason",
        "Leave",
    )
    assert code == 0 and out.rstrip().endswith(
        "Preview only: run again with --apply to mark Maria Mentor unavailable and move them."
    )
    code, out, _ = run(
        db_path,
        capsys,
        "mentors",
        "unavailable",
        MARIA,
        "--until",
        "2099-01-31",
        "--reason",
        "Leave",
        "--apply",
    )
    assert code == 0
    assert out.rstrip().endswith("Maria Mentor is marked unavailable until 2099-01-31; 1 moved.")
    assert mentor_of(engine, "sam@example.org") == BEN
    code, out, _ = run(db_path, capsys, "mentors", "--json")
    row = next(r for r in json.loads(out) if r["email"] == MARIA)
    assert (row["available"], row["unavailable_until"], row["unavailable_reason"]) == (
        False,
        "2099-01-31",
        "Leave",
    )
    # while away, Maria is left out of matching: Kim has nobody within reach
    code, out, _ = run(db_path, capsys, "match", "--json")
    assert json.loads(out)["assignments"] == []

    code, out, _ = run(db_path, capsys, "mentors", "available", MARIA)
    assert (code, out) == (0, "Maria Mentor is available for matching again.\n")
    code, out, _ = run(db_path, capsys, "match", "--json")
    back = {(a["student_email"], a["mentor_email"]) for a in json.loads(out)["assignments"]}
    assert back == {("kim@example.org", MARIA), ("lee@example.org", MARIA)}  # both seats free


def test_json_flag_before_the_action_still_counts(db_path, engine, store, capsys) -> None:
    code, out, _ = run(db_path, capsys, "mentors", "--json", "unavailable", MARIA)
    assert code == 0 and json.loads(out)["mentor_email"] == MARIA


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["mentors", "unavailable", MARIA, "--until", "31/01/2099"],
            "'31/01/2099' is not a date; use YYYY-MM-DD",
        ),
        (
            ["mentors", "unavailable", MARIA, "--until", "2000-01-01"],
            "The date 2000-01-01 is already past",
        ),
        (["mentors", "unavailable", "kim@example.org"], "kim@example.org is not a mentor."),
        (
            ["mentors", "unavailable", "nobody@example.org"],
            "No user 'nobody@example.org' in this database.",
        ),
        (["assign", "kim@example.org", "sam@example.org"], "sam@example.org is not a mentor."),
        (["assign", MARIA, BEN], "maria@example.org is not a student."),
    ],
)
def test_bad_input_is_one_sentence(db_path, engine, store, capsys, argv, message) -> None:
    code, out, err = run(db_path, capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("mentor-tui: " + message)
    assert err.count("\n") == 1
    assert mentor_of(engine, "sam@example.org") == MARIA
