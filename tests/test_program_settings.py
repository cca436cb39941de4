"""`mentor-tui settings`: every key with its meaning, default and value; the program's keys
(SPEC section 3) are synced rows only an admin sets, used by every client of the program over
its own config file; the other keys are written into this machine's config file with its
comments kept; a bad value is one sentence and nothing is saved."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.cli import main
from mentor_tui.config import PROGRAM_KEYS, SETTINGS, load_config
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import JournalEntry
from mentor_tui.db.people_models import ProgramSetting
from mentor_tui.paths import config_path
from tests import factory, sync_helpers
from tests.sync_helpers import Program, change, push

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

ADMIN = "ada@example.org"
MARIA = "maria@example.org"
SPEC_KEYS = {
    "max_students_per_mentor": 20,
    "assignment_review_sla_hours": 48,
    "session_duration_minutes": 60,
    "note_retention_days": 365,
    "auto_assignment": False,
    "notifications.new_student_assignment": True,
    "notifications.pending_submission_reminder": True,
    "notifications.student_milestone_achieved": True,
    "notifications.session_reminders": True,
    "notifications.overdue_feedback_alert": True,
}
COMMENTED = """# my program's config
note_retention_days = 30  # short, on purpose

[notifications]
# the team finds these noisy
session_reminders = false
"""


@pytest.fixture
def store(engine) -> None:
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria Mentor", email=MARIA)
        sam = factory.student(s, "Sam", email="sam@example.org", mentor=maria)
        _course, modules = factory.course(s, "Python", modules=1)
        task = factory.assignment(s, modules[0], "Parse a CSV")
        factory.submission(s, sam, task, submitted_at=clock.now() - timedelta(hours=30))


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


def _rows(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(ProgramSetting)).scalar_one()


def test_every_spec_key_is_listed_with_default_meaning_and_value(db_path, capsys, store) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(COMMENTED)
    listed = {v["key"]: v for v in ok_json(db_path, capsys, "settings", user=MARIA)}
    assert set(SPEC_KEYS) == set(PROGRAM_KEYS) and set(listed) == set(SETTINGS)
    for key, default in SPEC_KEYS.items():
        assert listed[key]["default"] == default and listed[key]["scope"] == "program"
        assert len(listed[key]["meaning"]) > 15
    assert listed["note_retention_days"] | {"meaning": ""} == {
        "key": "note_retention_days",
        "meaning": "",
        "default": 365,
        "value": 30,
        "source": "file",
        "scope": "program",
    }
    assert listed["sync_interval_seconds"]["scope"] == "local"
    code, out, _ = run(db_path, capsys, "settings", "get", "notifications.session_reminders")
    assert (code, out) == (0, "false\n")


def test_an_admins_program_setting_is_what_every_command_uses(
    engine, db_path, capsys, store
) -> None:
    (item,) = ok_json(db_path, capsys, "queue", user=MARIA)
    assert item["overdue"] is False  # 30 hours old, SLA 48
    shown = ok_json(db_path, capsys, "settings", "set", "assignment_review_sla_hours", "24")
    assert (shown["value"], shown["source"]) == (24, "program")
    with Session(engine) as s:
        row = s.execute(select(ProgramSetting)).scalar_one()
        assert (row.key, json.loads(row.value)) == ("assignment_review_sla_hours", 24)
        journaled = s.execute(
            select(JournalEntry.entity).where(JournalEntry.entity_id == row.id)
        ).scalars()
        assert list(journaled) == ["program_settings"]
    (item,) = ok_json(db_path, capsys, "queue", user=MARIA)
    assert item["overdue"] is True  # the program's 24 hours, whatever Maria's file says
    assert load_config().assignment_review_sla_hours == 48  # the file is not the program's
    again = ok_json(db_path, capsys, "settings", "set", "assignment_review_sla_hours", "72")
    assert again["value"] == 72 and _rows(engine) == 1


@pytest.mark.parametrize(
    ("key", "value", "sentence"),
    [
        ("assignment_review_sla_hours", "soon", "must be a whole number, not 'soon'."),
        ("assignment_review_sla_hours", "0", "must be between 1 and 8760, not 0."),
        ("auto_assignment", "maybe", "auto_assignment must be true or false, not 'maybe'."),
        ("review_sla", "4", "Unknown setting 'review_sla'; `mentor-tui settings` lists them."),
        ("sync_interval_seconds", "1", "must be between 5 and 86400, not 1."),
    ],
)
def test_a_bad_value_is_one_sentence_and_nothing_is_saved(
    engine, db_path, capsys, store, key, value, sentence
) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(COMMENTED)
    code, out, err = run(db_path, capsys, "settings", "set", key, value)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert sentence in err
    assert _rows(engine) == 0 and config_path().read_text() == COMMENTED


def test_only_an_admin_sets_a_program_setting(engine, db_path, capsys, store) -> None:
    code, _, err = run(db_path, capsys, "settings", "set", "auto_assignment", "true", user=MARIA)
    assert code == 2 and err == "mentor-tui: Only an admin can change the program's settings.\n"
    assert _rows(engine) == 0


def test_a_local_setting_is_written_into_the_file_with_its_comments_kept(
    db_path, capsys, store
) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(COMMENTED)
    shown = ok_json(db_path, capsys, "settings", "set", "sync_interval_seconds", "120", user=MARIA)
    assert (shown["value"], shown["source"], shown["scope"]) == (120, "file", "local")
    ok_json(db_path, capsys, "settings", "set", "matching.skills", "50", user=MARIA)
    text = config_path().read_text()
    assert text.startswith(COMMENTED.split("\n[notifications]")[0])
    assert "# the team finds these noisy\nsession_reminders = false" in text
    assert "note_retention_days = 30  # short, on purpose" in text
    config = load_config()
    assert (config.sync_interval_seconds, config.matching.skills) == (120, 50)
    assert config.note_retention_days == 30


def test_a_program_setting_reaches_every_client_and_only_admins_push_one(
    program: Program, capsys
) -> None:
    p = program
    admin_path = p.harness.root / "stores" / "admin.db"
    ok_json(admin_path, capsys, "settings", "set", "session_duration_minutes", "45",
            user="admin@example.org")  # fmt: skip
    report = p.harness.sync(p.admin_store)
    assert (report.rejected, report.conflicts) == (0, 0)
    mentor = p.harness.store("m1")
    p.harness.login(mentor, "m1@example.org")
    mentor_path = p.harness.root / "stores" / "m1.db"
    got = ok_json(mentor_path, capsys, "settings", "get", "session_duration_minutes",
                  user="m1@example.org")  # fmt: skip
    assert (got["value"], got["source"]) == (45, "program")
    with Session(mentor) as s:
        row = s.execute(select(ProgramSetting)).scalar_one()
    results = push(
        p.harness,
        "m1@example.org",
        change("program_settings", row.id, "update", {"value": "90"}, base=row.version),
    )
    assert [r["status"] for r in results] == ["rejected"], results
