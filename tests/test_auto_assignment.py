"""`auto_assignment`: off, a new student waits for an admin; on (the program's setting), every
new student (`users add`, `users import`) is assigned at once by the matching to the best mentor
with room, explained in the audit log, with the usual notification; one nobody can take stays
unassigned with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, Notification, User
from tests import factory

ADMIN = "ada@example.org"


@pytest.fixture
def store(engine) -> None:
    """Maria has one free seat, Ben none."""
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email="maria@example.org", capacity=2)
        ben = factory.mentor(s, "Ben Busy", email="ben@example.org", capacity=1)
        factory.student(s, "Sam", email="sam@example.org", mentor=maria)
        factory.student(s, "Tia", email="tia@example.org", mentor=ben)


def run(db_path: Path, capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--db", str(db_path), "--user", ADMIN])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def _add(db_path: Path, capsys, email: str) -> dict:
    code, out, err = run(
        db_path, capsys, "users", "add", "--email", email, "--name", "New One",
        "--role", "student", "--json",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    return json.loads(out)


def _audit(engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


def test_off_a_new_student_waits(engine, db_path, capsys, store) -> None:
    assert _add(db_path, capsys, "new@example.org")["mentor_id"] is None
    assert _audit(engine, "auto_assign") == []


def test_on_a_new_student_goes_to_the_best_mentor_with_room(engine, db_path, capsys, store) -> None:
    assert run(db_path, capsys, "settings", "set", "auto_assignment", "true")[0] == 0
    added = _add(db_path, capsys, "new@example.org")
    with Session(engine) as s:
        maria = s.execute(select(User).where(User.email == "maria@example.org")).scalar_one()
        told = s.execute(
            select(Notification.type).where(Notification.user_id == maria.id)
        ).scalars()
        assert "new_student_assignment" in list(told)
    assert added["mentor_id"] == maria.id  # Ben is full
    (entry,) = _audit(engine, "auto_assign")
    assert entry.entity_id == added["id"] and entry.detail["mentor"] == "maria@example.org"
    assert any(r.startswith("load ") for r in entry.detail["reasons"])
    # the next one finds no free seat: unassigned, and the audit log says why
    later = _add(db_path, capsys, "later@example.org")
    assert later["mentor_id"] is None
    (unplaced,) = _audit(engine, "auto_assign_unplaced")
    assert unplaced.entity_id == later["id"] and unplaced.detail["reason"]


def test_on_an_import_assigns_the_students_the_file_left_without_a_mentor(
    engine, db_path, capsys, store, tmp_path
) -> None:
    assert run(db_path, capsys, "settings", "set", "auto_assignment", "true")[0] == 0
    csv = tmp_path / "people.csv"
    csv.write_text(
        "full_name,email,role,mentor_email,capacity\n"
        "Nia New,nia@example.org,mentor,,3\n"
        "Uli,uli@example.org,student,,\n"
        "Vic,vic@example.org,student,nia@example.org,\n"
    )
    code, _, err = run(db_path, capsys, "users", "import", str(csv))
    assert (code, err) == (0, ""), err
    with Session(engine) as s:
        mentors = dict(
            s.execute(
                select(User.email, User.mentor_id).where(User.email.in_(["uli@example.org"]))
            ).all()
        )
        assert mentors["uli@example.org"] is not None
    assert [e.detail["mentor"] for e in _audit(engine, "auto_assign")] in (
        ["nia@example.org"],
        ["maria@example.org"],
    )
