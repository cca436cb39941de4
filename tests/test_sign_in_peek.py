"""The app's first frame is painted from a read-only peek at the store (no SQLAlchemy); the
store is opened and the sign-in made for real in a worker right after. The peek must name the
same user ``sign_in`` would, or step aside (``None``) so that the full path says what is wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR, copy_store, settle

from mentor_tui.commands.context import CommandContext
from mentor_tui.config import Config
from mentor_tui.core.people import settings
from mentor_tui.core.people.sign_in_peek import LAST_USER, peek_actor
from mentor_tui.core.services import Services
from mentor_tui.db.engine import default_db_path, make_engine, session_scope
from mentor_tui.errors import UserError


def _sign_in(path: Path, email: str | None):
    engine = make_engine(path)
    try:
        with session_scope(engine) as session:
            return settings.sign_in(session, email)
    finally:
        engine.dispose()


def _sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def _last_user(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (LAST_USER,)).fetchone()
    conn.close()
    return None if row is None else row[0]


def test_the_peek_agrees_with_the_code_it_stands_in_for() -> None:
    assert LAST_USER == settings.LAST_USER
    ctx = CommandContext(type("Args", (), {"db": None})())
    assert ctx.db_path == default_db_path()


@pytest.mark.parametrize("email", [MENTOR, ADMIN, "  Mentor@Example.ORG ", None])
def test_the_peek_names_the_user_sign_in_would(template: Path, tmp_path: Path, email) -> None:
    path = copy_store(template, tmp_path / "s.db")
    _sql(path, "INSERT OR REPLACE INTO settings VALUES (?, ?)", LAST_USER, MENTOR)
    peeked = peek_actor(path, email)
    assert peeked is not None
    assert peeked == _sign_in(path, email)


@pytest.mark.parametrize(
    ("change", "email"),
    [
        ("UPDATE users SET status = 'Inactive' WHERE email = 'mentor@example.org'", MENTOR),
        ("UPDATE users SET deleted_at = '2026-01-01' WHERE email = 'mentor@example.org'", MENTOR),
        ("DELETE FROM settings WHERE key = 'last_user_email'", None),
        ("UPDATE alembic_version SET version_num = '0999'", MENTOR),  # a newer mentor-tui's
        ("SELECT 1", "nobody@example.org"),
    ],
)
def test_the_peek_steps_aside_where_sign_in_refuses(
    template: Path, tmp_path: Path, change: str, email: str | None
) -> None:
    path = copy_store(template, tmp_path / "s.db")
    _sql(path, "INSERT OR REPLACE INTO settings VALUES (?, ?)", LAST_USER, MENTOR)
    _sql(path, change)
    assert peek_actor(path, email) is None
    with pytest.raises(UserError):
        _sign_in(path, email)


@pytest.mark.parametrize(
    "change",
    ["UPDATE alembic_version SET version_num = '0007'", "DROP TABLE alembic_version"],
    ids=["older revision", "made before Alembic"],
)
def test_the_peek_steps_aside_for_an_older_schema(
    template: Path, tmp_path: Path, change: str
) -> None:
    path = copy_store(template, tmp_path / "s.db")
    _sql(path, change)
    assert peek_actor(path, MENTOR) is None  # the full path migrates before the app starts


def test_the_peek_steps_aside_for_no_store_or_not_a_store(tmp_path: Path) -> None:
    assert peek_actor(tmp_path / "missing.db", MENTOR) is None
    assert not (tmp_path / "missing.db").exists()  # and creates nothing
    text = tmp_path / "notes.txt"
    text.write_text("not a database " * 200)
    assert peek_actor(text, MENTOR) is None
    empty = tmp_path / "empty.db"
    make_engine(empty).dispose()
    assert peek_actor(empty, None) is None
    assert peek_actor(tmp_path, MENTOR) is None  # a folder


def test_services_open_the_store_on_first_use_and_sign_in_for_real(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "s.db")
    _sql(path, "INSERT OR REPLACE INTO settings VALUES (?, ?)", LAST_USER, MENTOR)
    actor = peek_actor(path, ADMIN)
    services = Services(None, path, Config(), actor, sign_in_on_open=True)
    assert not services.is_open
    assert _last_user(path) == MENTOR  # the peek wrote nothing
    try:
        assert services.pending_changes() == 0
        assert services.is_open
        assert services.actor == actor
        assert _last_user(path) == ADMIN  # the real sign-in remembers the user
    finally:
        services.close()


def test_services_report_a_sign_in_refused_after_the_peek(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "s.db")
    actor = peek_actor(path, MENTOR)
    _sql(path, "UPDATE users SET status = 'Inactive' WHERE email = ?", MENTOR)
    services = Services(None, path, Config(), actor, sign_in_on_open=True)
    with pytest.raises(UserError, match="inactive"):
        services.run(lambda session: None)
    assert not services.is_open


async def test_the_app_paints_the_dashboard_then_fills_it_from_a_late_opened_store(
    template: Path, tmp_path: Path
) -> None:
    from mentor_tui.app.main import MentorApp

    path = copy_store(template, tmp_path / "s.db")
    services = Services(None, path, Config(), peek_actor(path, ADMIN), sign_in_on_open=True)
    app = MentorApp(services)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == "DashboardScreen"
            assert services.is_open
            card = str(app.screen.query_one("#card-completion").render())
            assert "Average completion" in card and "%" in card
            assert app.screen.query_one("#attention").row_count > 0
            assert "local store s.db" in str(app.screen.query_one("#status-store").render())
    finally:
        services.close()
    assert _last_user(path) == ADMIN
