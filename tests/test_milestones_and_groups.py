"""Issue 17: milestone notifications (a student completes a module, and with its last module the
course: the student and their mentor are told) and announcements to a chosen group (a course's
students, a specialization's mentors), from the core, the CLI and a pushed change."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mentor_tui.cli import main
from mentor_tui.config import Config, Notifications
from mentor_tui.core import clock, writes
from mentor_tui.core.access import message_scope
from mentor_tui.core.learning.keys import row_id
from mentor_tui.core.messages import inbox, send
from mentor_tui.core.notifications import prefs
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorSpecialization, Message, Notification, User
from mentor_tui.errors import AccessDenied, UserError
from tests import factory, sync_helpers
from tests import test_lms_bridge as lms
from tests.sync_helpers import Program
from tests.test_sync_messages import _message, _push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture
ADMIN = "admin@example.org"


def _records(*done: str, when: str) -> list[dict[str, Any]]:
    base: list[dict[str, Any]] = [
        {"type": "user", "id": "m1", "full_name": "Maria Mentor", "email": "maria@example.org",
         "role": "mentor"},
        {"type": "user", "id": "s1", "full_name": "Sam Student", "email": "sam@example.org",
         "role": "student", "mentor_id": "m1"},
        {"type": "course", "id": "c1", "title": "Python for the web"},
        {"type": "module", "id": "c1-m1", "course_id": "c1", "title": "HTTP basics", "position": 1},
        {"type": "module", "id": "c1-m2", "course_id": "c1", "title": "Flask", "position": 2},
    ]  # fmt: skip
    return base + [
        {"type": "progress", "id": f"p-{m}", "user_id": "s1", "module_id": m,
         "is_completed": True, "progress_percent": 100, "last_activity_at": when}
        for m in done
    ]  # fmt: skip


def _import(capsys, db_path: Path, tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "lms.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    try:
        code = main(["import", str(path), "--db", str(db_path), "--user", ADMIN])
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), out


def _milestones(engine) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(User.email, Notification.message)
            .join(User, User.id == Notification.user_id)
            .where(Notification.type == "student_milestone_achieved")
            .order_by(Notification.created_at, User.email)
        ).all()
    return [(r[0], r[1]) for r in rows]


@pytest.fixture
def admin_store(engine) -> None:
    with session_scope(engine) as s:
        factory.admin(s, email=ADMIN)


def test_completing_a_module_and_then_the_course_tells_the_student_and_mentor(
    capsys, db_path, engine, admin_store, tmp_path
) -> None:
    today = clock.iso_utc(clock.now())
    assert today is not None
    _import(capsys, db_path, tmp_path, _records("c1-m1", when=today))
    assert _milestones(engine) == [
        ("maria@example.org", "Sam Student completed the module “HTTP basics”."),
        ("sam@example.org", "You completed the module “HTTP basics”."),
    ]
    _import(capsys, db_path, tmp_path, _records("c1-m1", when=today))  # again: no news
    assert len(_milestones(engine)) == 2
    _import(capsys, db_path, tmp_path, _records("c1-m1", "c1-m2", when=today))
    assert _milestones(engine)[2:] == [
        ("maria@example.org", "Sam Student completed the module “Flask”."),
        ("sam@example.org", "You completed the module “Flask”."),
        ("maria@example.org", "Sam Student completed the course “Python for the web”."),
        ("sam@example.org", "You completed the course “Python for the web”."),
    ]
    with session_scope(engine) as s:
        data = s.execute(
            select(Notification.data).where(Notification.message.contains("the course"))
        ).scalars()
        assert {d["course_id"] for d in data} == {row_id("course", "c1")}


def test_an_old_completion_is_history_and_a_mentor_may_turn_milestones_off(
    capsys, db_path, engine, admin_store, tmp_path
) -> None:
    _import(capsys, db_path, tmp_path, _records("c1-m1", when="2025-01-05T10:00:00Z"))
    assert _milestones(engine) == []
    with session_scope(engine) as s:
        maria = s.get(User, row_id("user", "m1"))
        assert maria is not None
        prefs.set_preference(s, factory.actor(maria), "student_milestone_achieved", "off")
    now = clock.iso_utc(clock.now())
    assert now is not None
    _import(capsys, db_path, tmp_path, _records("c1-m1", "c1-m2", when=now))
    assert [who for who, _ in _milestones(engine)] == ["sam@example.org", "sam@example.org"]


def test_the_toggle_off_tells_nobody(engine) -> None:
    from mentor_tui.core.notifications.milestones import notify_module_completed

    quiet = Config(notifications=replace(Notifications(), student_milestone_achieved=False))
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        student = factory.student(s, mentor=mentor)
        _course, (m1,) = factory.course(s, modules=1)
        factory.progress(s, student, m1, completed=True, at=clock.now())
        assert notify_module_completed(s, quiet, student.id, m1.id) == []
        told = notify_module_completed(s, Config(), student.id, m1.id)
    assert len(told) == 4  # the module and the course, each to both


@pytest.fixture
def school(engine) -> dict[str, Any]:
    with session_scope(engine) as s:
        admin = factory.admin(s, email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email="maria@example.org")
        mark = factory.mentor(s, "Mark Mentor", email="mark@example.org")
        writes.insert(s, None, MentorSpecialization(mentor_id=mark.id, specialization="Rust"))
        web, (w1,) = factory.course(s, "Web", modules=1)
        data, (d1,) = factory.course(s, "Data", modules=1)
        ann = factory.student(s, "Ann", mentor=maria, email="ann@example.org")
        bob = factory.student(s, "Bob", mentor=maria, email="bob@example.org")
        cid = factory.student(s, "Cid", mentor=mark, email="cid@example.org")
        factory.progress(s, ann, w1, percent=10)
        factory.progress(s, bob, d1, percent=10)
        factory.progress(s, cid, w1, percent=10)
        return {
            "admin": factory.actor(admin), "maria": factory.actor(maria),
            "mark": factory.actor(mark), "ann": factory.actor(ann), "bob": factory.actor(bob),
            "cid": factory.actor(cid), "web": web.id, "data": data.id,
        }  # fmt: skip


def _sees(engine, who, message_id: str) -> bool:
    with session_scope(engine) as s:
        return (
            s.execute(
                select(Message.id).where(message_scope(who), Message.id == message_id)
            ).first()
            is not None
        )


def test_a_mentor_announces_to_the_students_of_one_course(engine, school) -> None:
    with session_scope(engine) as s:
        from mentor_tui.core.messages.groups import groups

        assert [(g.audience, g.label) for g in groups(s, school["maria"])] == [
            ("students", "students"),
            (f"course:{school['data']}", "the course “Data”"),
            (f"course:{school['web']}", "the course “Web”"),
        ]
        row = send.announce(s, school["maria"], "Web folks: demo day", f"course:{school['web']}")
        with pytest.raises(AccessDenied, match="Only admins announce to a specialization"):
            send.announce(s, school["maria"], "x", "specialization:Rust")
        with pytest.raises(UserError, match="Nobody you may announce to is in the course 'nope'"):
            send.announce(s, school["maria"], "x", "course:nope")
    # Ann (hers, in Web) reads it; Bob (hers, in Data) and Cid (Mark's, in Web) do not
    assert [_sees(engine, school[w], row.id) for w in ("ann", "bob", "cid")] == [
        True,
        False,
        False,
    ]
    with session_scope(engine) as s:
        [talk] = inbox.conversations(s, school["ann"], limit=10)
        assert talk.title == "Announcement by Maria Mentor to the course “Web”"
        assert talk.unread == 1


def test_an_admin_announces_to_a_course_and_to_a_specialization(engine, school) -> None:
    with session_scope(engine) as s:
        web = send.announce(s, school["admin"], "All of Web", f"course:{school['web']}")
        rust = send.announce(s, school["admin"], "Rustaceans", "specialization:Rust")
    assert [_sees(engine, school[w], web.id) for w in ("ann", "bob", "cid")] == [True, False, True]
    assert [_sees(engine, school[w], rust.id) for w in ("maria", "mark", "ann")] == [
        False,
        True,
        False,
    ]


def test_the_cli_lists_groups_and_announces_to_one(db_path: Path, school, capsys) -> None:
    def cli(*argv: str) -> tuple[int, str, str]:
        try:
            code = main([*argv, "--db", str(db_path)])
        except SystemExit as stop:
            code = int(stop.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = cli("messages", "groups", "--json", "--user", ADMIN)
    assert code == 0
    assert [g["audience"] for g in json.loads(out)] == [
        "students", "mentors", "everyone",
        f"course:{school['data']}", f"course:{school['web']}", "specialization:Rust",
    ]  # fmt: skip
    code, out, _ = cli(
        "messages", "announce", "Hello Rust", "--to", "specialization:Rust", "--json",
        "--user", ADMIN,
    )  # fmt: skip
    assert code == 0 and json.loads(out)["audience"] == "specialization:Rust"
    code, _, err = cli(
        "messages", "announce", "x", "--to", "specialization:Rust", "--user", "maria@example.org"
    )
    assert code == 2 and "Only admins announce to a specialization's mentors." in err


def test_a_pushed_announcement_to_a_group_follows_the_same_rules(program: Program) -> None:
    h, ids = program.harness, program.ids
    results = _push(
        h,
        "m1@example.org",
        _message(ids["m1"], None, "to Rust mentors", audience="specialization:Rust"),
        _message(ids["m1"], None, "to a course", audience="course:anything"),
    )
    assert [r["status"] for r in results] == ["rejected", "applied"], results
    results = _push(
        h, "s1@example.org", _message(ids["s1"], None, "a student's", audience="course:x")
    )
    assert [r["status"] for r in results] == ["rejected"]


platform = lms.platform  # a fixture: the learning platform's database (PostgreSQL)


@pytest.mark.postgres
def test_the_platform_bridge_tells_of_a_module_completed_after_its_first_pass(
    platform: str, tmp_path: Path
) -> None:
    from mentor_tui.db.engine import make_engine

    store = make_engine(tmp_path / "store.db")
    try:
        lms.sync(store, platform)
        assert _milestones(store) == []  # the first pass is history: nobody is told
        lms.run(
            platform,
            "UPDATE user_module_progress SET is_completed = true, progress_percent = 100, "
            "updated_at = now() WHERE id = %s",
            (lms.ID["p3"],),
        )
        lms.sync(store, platform)
        assert _milestones(store) == [
            ("mia@school.example", "Sam Student completed the module “Web”."),
            ("sam@school.example", "You completed the module “Web”."),
            ("mia@school.example", "Sam Student completed the course “Python”."),
            ("sam@school.example", "You completed the course “Python”."),
        ]
        lms.sync(store, platform)
        assert len(_milestones(store)) == 4
    finally:
        store.dispose()
