"""Temporary substitution, with the clock moved: a mentor away from one day to another; on the
first day their students go to the backup (and, past its room, the best mentor with room), the
day after the last they come back unless an admin kept the pairing, everyone notified; notes
stay with their author throughout."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.core import clock, writes
from mentor_tui.core.actor import Actor
from mentor_tui.core.matching.open_absences import OPEN, any_open_absence
from mentor_tui.core.matching.substitution import list_substitutions
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, MentorshipNote, Notification, User
from mentor_tui.db.people_models import MentorAbsence
from mentor_tui.errors import AccessDenied
from tests import factory

ADMIN = "ada@example.org"
MARIA = "maria@example.org"
BEN = "ben@example.org"
STUDENTS = ("s1@example.org", "s2@example.org", "s3@example.org")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday

    def on(self, day: int) -> None:
        self.now = datetime(2026, 3, day, 9, 0, tzinfo=UTC)


@pytest.fixture
def moving(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.now)
    return c


@pytest.fixture
def store(engine, moving: Clock) -> None:
    """Maria has three students and Ben (two free seats) as her backup; Cleo has room too."""
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email=MARIA, capacity=5)
        ben = factory.mentor(s, "Ben Backup", email=BEN, capacity=2)
        factory.mentor(s, "Cleo", email="cleo@example.org", capacity=5)
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == maria.id)
        ).scalar_one()
        writes.update(s, None, profile, {"backup_mentor_id": ben.id})
        for n, email in enumerate(STUDENTS, start=1):
            student = factory.student(s, f"Student {n}", email=email, mentor=maria)
            factory.note(s, maria, student, f"private about {n}")


def cli(db_path: Path, capsys, *argv: str):
    try:
        code = main([*argv, "--json", "--db", str(db_path), "--user", ADMIN])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert (code or 0, err) == (0, ""), err
    return json.loads(out)


def _mentors(engine) -> dict[str, str | None]:
    with Session(engine) as s:
        emails = dict(s.execute(select(User.id, User.email)).all())
        rows = s.execute(select(User.email, User.mentor_id).where(User.email.in_(STUDENTS)))
        return {email: emails.get(mid) for email, mid in rows}


def _told(engine, type_: str) -> list[str]:
    with Session(engine) as s:
        return sorted(
            s.execute(
                select(User.email)
                .join(Notification, Notification.user_id == User.id)
                .where(Notification.type == type_)
            ).scalars()
        )


def test_students_move_on_the_first_day_and_come_back_after_the_last(
    engine, db_path, capsys, store, moving: Clock
) -> None:
    (planned,) = cli(
        db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-04", "--until",
        "2026-03-06", "--reason", "conference",
    )  # fmt: skip
    assert planned["state"] == "planned"
    assert set(_mentors(engine).values()) == {MARIA}  # not yet
    moving.on(3)
    assert cli(db_path, capsys, "mentors", "due") == []
    moving.on(4)  # the first day away
    (started,) = cli(db_path, capsys, "mentors", "due")
    assert started["state"] == "active"
    now_with = _mentors(engine)
    assert sorted(now_with.values()) == [BEN, BEN, "cleo@example.org"]  # backup first
    assert _told(engine, "mentor_unavailable") == sorted([MARIA, *STUDENTS])
    kept = next(email for email, m in now_with.items() if m == BEN)
    cli(db_path, capsys, "mentors", "keep", kept)
    moving.on(6)  # the last day away: still away
    assert cli(db_path, capsys, "mentors", "due") == []
    moving.on(7)
    (ended,) = cli(db_path, capsys, "mentors", "due")
    assert ended["state"] == "ended"
    back = _mentors(engine)
    assert back[kept] == BEN  # the admin kept that pairing
    assert [e for e, m in back.items() if m == MARIA] == sorted(set(STUDENTS) - {kept})
    assert _told(engine, "mentor_back") == sorted([MARIA, *(set(STUDENTS) - {kept})])
    assert set(_told(engine, "substitution_ended")) == {BEN, "cleo@example.org"}
    listed = {m["email"]: m for m in cli(db_path, capsys, "mentors")}
    assert listed[MARIA]["available"] is True
    with Session(engine) as s:  # the notes stayed Maria's all along
        authors = set(s.execute(select(MentorshipNote.mentor_id)).scalars())
        maria = s.execute(select(User.id).where(User.email == MARIA)).scalar_one()
        assert authors == {maria}


def test_until_further_notice_ends_when_an_admin_says_so(
    engine, db_path, capsys, store, moving: Clock
) -> None:
    (started,) = cli(db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-02")
    assert started["state"] == "active" and started["ends_on"] is None
    moving.on(20)
    assert cli(db_path, capsys, "mentors", "due") == []
    assert MARIA not in _mentors(engine).values()
    (ended,) = cli(db_path, capsys, "mentors", "back", MARIA)
    assert ended["state"] == "ended" and set(_mentors(engine).values()) == {MARIA}


def test_bad_absences_are_one_sentence(db_path, capsys, store) -> None:
    for argv, sentence in [
        (["--from", "2026-03-01"], "The first day away, 2026-03-01, is already past."),
        (["--from", "2026-03-05", "--until", "2026-03-04"], "is before the first"),
    ]:
        try:
            code = main(["mentors", "away", MARIA, *argv, "--db", str(db_path), "--user", ADMIN])
        except SystemExit as exit_:
            code = exit_.code
        _, err = capsys.readouterr()
        assert code == 2 and sentence in err
    cli(db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-09")
    code = main(["mentors", "away", MARIA, "--from", "2026-03-10", "--db", str(db_path)])
    assert code == 2
    assert "already has an absence planned" in capsys.readouterr().err
    code = main(["mentors", "keep", "s1@example.org", "--db", str(db_path)])
    assert code == 2 and "is not with a substitute mentor" in capsys.readouterr().err


def test_any_admin_command_starts_and_ends_what_is_due(
    engine, db_path, capsys, store, moving: Clock
) -> None:
    """No `mentors due` and no app: an admin's unrelated commands on the first day and the day
    after the last move the students; a mentor's commands move nobody."""
    cli(db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-04", "--until", "2026-03-05")
    moving.on(4)
    code = main(["students", "--json", "--db", str(db_path), "--user", BEN])
    assert code == 0
    capsys.readouterr()
    assert set(_mentors(engine).values()) == {MARIA}  # a mentor's command: nothing moves
    cli(db_path, capsys, "users", "list")  # an admin's
    assert MARIA not in _mentors(engine).values()
    assert _told(engine, "mentor_unavailable") == sorted([MARIA, *STUDENTS])
    moving.on(5)
    cli(db_path, capsys, "users", "list")
    assert MARIA not in _mentors(engine).values()
    moving.on(6)
    cli(db_path, capsys, "mentors")
    assert set(_mentors(engine).values()) == {MARIA}
    with Session(engine) as s:
        assert s.execute(select(MentorAbsence.state)).scalars().all() == ["ended"]
    assert cli(db_path, capsys, "mentors", "due") == []  # nothing left for `due` to do


def test_list_substitutions_and_keep_only_a_pairing_under_way(
    engine, db_path, capsys, store, moving: Clock
) -> None:
    cli(db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-02")
    with session_scope(engine) as s:
        admin = s.execute(select(User).where(User.email == ADMIN)).scalar_one()
        actor = Actor(admin.id, "admin", admin.email, admin.full_name, admin.timezone)
        rows = list_substitutions(s, actor)
        assert sorted(r.student_email for r in rows) == list(STUDENTS)
        assert {r.mentor_name for r in rows} == {"Maria Mentor"}
        assert all(r.with_substitute and not r.kept for r in rows)
        moved_on = rows[0]  # unassigned since: no longer with the substitute
        writes.update(s, actor.id, s.get(User, moved_on.student_id), {"mentor_id": None})
    code = main(["mentors", "keep", moved_on.student_email, "--db", str(db_path), "--user", ADMIN])
    assert code == 2 and "is not with a substitute mentor" in capsys.readouterr().err
    keep = rows[1]
    (view,) = cli(db_path, capsys, "mentors", "keep", keep.student_email)
    assert view["kept"] == [keep.student_id]
    with session_scope(engine) as s:
        kept = {r.student_id: r.kept for r in list_substitutions(s, actor)}
        assert kept[keep.student_id] and not kept[moved_on.student_id]
        with pytest.raises(AccessDenied):
            list_substitutions(s, replace(actor, role="mentor"))


def test_any_open_absence_reads_the_absences_table_as_the_model_does(
    engine, db_path, capsys, store, moving: Clock
) -> None:
    """The admin commands' check is a plain query (no models imported): it names the model's
    table and says yes exactly while an absence is planned or under way, not once deleted."""
    assert MentorAbsence.__tablename__ == "mentor_absences" and OPEN == ("planned", "active")
    with Session(engine) as s:
        assert any_open_absence(s) is False
    cli(db_path, capsys, "mentors", "away", MARIA, "--from", "2026-03-04")
    for state, deleted, expected in [
        ("planned", False, True),
        ("active", False, True),
        ("ended", False, False),
        ("planned", True, False),
    ]:
        with session_scope(engine) as s:
            row = s.execute(select(MentorAbsence)).scalar_one()
            row.state = state
            row.deleted_at = moving.now if deleted else None
        with Session(engine) as s:
            assert any_open_absence(s) is expected, (state, deleted)
