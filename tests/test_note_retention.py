"""`note_retention_days` applied by itself: a mentor's app purges their old notes once a day
(with a count in the audit log), an open action item is kept until it is done, and an admin sees
beforehand how many notes the next purge removes (never their text). The same daily upkeep
starts an admin's due substitutions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.app.reminders import _daily_upkeep
from mentor_tui.cli import main
from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.matching.substitution import plan_absence
from mentor_tui.core.notes.notes import PURGE_ACTION
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, MentorshipNote, User
from tests import factory

ADMIN = "ada@example.org"
MARIA = "maria@example.org"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)


@pytest.fixture
def store(engine, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        maria = factory.mentor(s, "Maria", email=MARIA)
        otto = factory.mentor(s, "Otto", email="otto@example.org")
        sam = factory.student(s, "Sam", email="sam@example.org", mentor=maria)
        tia = factory.student(s, "Tia", email="tia@example.org", mentor=otto)
        ids = {
            "old": factory.note(s, maria, sam, "old", added_at=OLD).id,
            "open": factory.note(s, maria, sam, "todo", kind="action_item", added_at=OLD).id,
            "done": factory.note(s, maria, sam, "did", kind="action_item", added_at=OLD).id,
            "new": factory.note(s, maria, sam, "new", added_at=NOW - timedelta(days=3)).id,
            "otto": factory.note(s, otto, tia, "otto's old", added_at=OLD).id,
        }
        done = s.get(MentorshipNote, ids["done"])
        assert done is not None
        done.done = True
        return ids


def _live(engine) -> set[str]:
    with Session(engine) as s:
        return set(
            s.execute(select(MentorshipNote.id).where(MentorshipNote.deleted_at.is_(None)))
            .scalars()
            .all()
        )


def _actor(engine, email: str):
    from mentor_tui.core.access import Actor

    with Session(engine) as s:
        return Actor.of(s.execute(select(User).where(User.email == email)).scalar_one())


def test_an_admin_sees_how_many_the_next_purge_removes(db_path: Path, capsys, store) -> None:
    code = main(["notes", "purge", "--dry-run", "--json", "--db", str(db_path), "--user", ADMIN])
    assert code == 0
    # Maria's old note and done item, Otto's old note; Maria's open item is kept
    assert json.loads(capsys.readouterr().out)["count"] == 3
    code = main(["notes", "purge", "--db", str(db_path), "--user", ADMIN])
    assert code == 2 and "private to the mentor" in capsys.readouterr().err


def test_the_daily_purge_runs_once_a_day_and_keeps_open_action_items(
    engine, store, monkeypatch
) -> None:
    maria = _actor(engine, MARIA)
    config = Config()
    with session_scope(engine) as s:
        _daily_upkeep(s, maria, config)
    live = _live(engine)
    assert store["open"] in live and store["new"] in live and store["otto"] in live
    assert store["old"] not in live and store["done"] not in live
    with session_scope(engine) as s:
        _daily_upkeep(s, maria, config)  # the same day: not again
    with Session(engine) as s:
        runs = s.execute(select(AuditEntry).where(AuditEntry.action == PURGE_ACTION)).scalars()
        counts = [e.detail["count"] for e in runs]
    assert counts == [2]
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    with session_scope(engine) as s:
        _daily_upkeep(s, maria, config)
    with Session(engine) as s:
        runs = s.execute(select(AuditEntry).where(AuditEntry.action == PURGE_ACTION)).scalars()
        assert [e.detail["count"] for e in runs] == [2, 0]


def test_the_admins_upkeep_starts_a_due_substitution(engine, store, monkeypatch) -> None:
    admin = _actor(engine, ADMIN)
    with session_scope(engine) as s:
        plan_absence(
            s, admin, MARIA, starts_on=NOW.date() + timedelta(days=1), ends_on=None, config=Config()
        )
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1))
    with session_scope(engine) as s:
        _daily_upkeep(s, admin, Config())
    with Session(engine) as s:
        sam = s.execute(select(User).where(User.email == "sam@example.org")).scalar_one()
        maria = s.execute(select(User).where(User.email == MARIA)).scalar_one()
        assert sam.mentor_id not in (None, maria.id)
