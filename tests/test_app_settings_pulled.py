"""A program setting synced while the app runs applies at once (issue 18): an admin lowers the
review SLA on their own store and syncs; the mentor's running app pulls the row (a real server
on 127.0.0.1, the long poll), uses the new SLA from then on, says so, and the review queue marks
work overdue by it. And ``Services.refresh_program_settings`` on its own: the file's values
under the rows, nothing changed when nothing did."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mentor_tui.app import sync_loop as app_sync
from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core.people.program_settings import set_setting
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.sync import login
from tests import factory, sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, actor_in

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

M1 = "m1@example.org"
ADMIN = "admin@example.org"


@pytest.fixture(autouse=True)
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_sync, "POLL_WAIT", 2.0)
    monkeypatch.setattr(app_sync, "RETRY_BASE", 0.2)


async def _until(pilot, condition, timeout: float = 10.0) -> None:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s")
        await pilot.pause(0.05)


async def test_a_pulled_review_sla_applies_in_the_running_app(program: Program) -> None:
    with ThreadServer(program.harness.engine) as server:
        phone = program.harness.store("phone")
        login(phone, server.url, M1, PASSWORD)
        with session_scope(phone) as session:
            actor = sign_in(session, None)
        path = program.harness.root / "stores" / "phone.db"
        app = MentorApp(Services(phone, path, Config(), actor))
        sub1 = program.ids["sub1"]  # handed in five hours ago
        async with app.run_test(size=(130, 36)) as pilot:
            await _until(pilot, lambda: app.sync.online is True and not app.sync._running)
            await pilot.press("3")
            await _until(pilot, lambda: isinstance(app.screen, ReviewQueueScreen))
            queue = app.screen
            assert isinstance(queue, ReviewQueueScreen)
            await _until(pilot, lambda: sub1 in queue._items)
            assert app.services.config.assignment_review_sla_hours == 48
            assert not queue._items[sub1].overdue
            # an admin elsewhere sets the program's review SLA to 4 hours
            admin = program.admin_store
            with session_scope(admin) as s:
                set_setting(
                    s, actor_in(admin, ADMIN), "assignment_review_sla_hours", "4",
                    file_config=Config(),
                )  # fmt: skip
            program.harness.sync(admin)
            await _until(pilot, lambda: app.services.config.assignment_review_sla_hours == 4)
            await _until(pilot, lambda: queue._items[sub1].overdue)
            assert any(
                n.title == "Program settings changed"
                and "assignment_review_sla_hours 48 → 4" in n.message
                for n in app._notifications
            )


def test_refresh_reads_the_rows_over_the_file(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db")
    with session_scope(engine) as s:
        admin = factory.admin(s, "Ada", email=ADMIN)
        actor = sign_in(s, admin.email)
    file_config = Config(session_duration_minutes=45, note_retention_days=100)
    services = Services(engine, tmp_path / "s.db", file_config, actor, file_config=file_config)
    assert services.refresh_program_settings() == []
    with session_scope(engine) as s:  # as a pull would write it
        set_setting(s, actor, "note_retention_days", "30", file_config=file_config)
        set_setting(s, actor, "auto_assignment", "true", file_config=file_config)
    changes = services.refresh_program_settings()
    assert changes == [("note_retention_days", 100, 30), ("auto_assignment", False, True)]
    assert services.config.note_retention_days == 30 and services.config.auto_assignment
    assert services.config.session_duration_minutes == 45  # the file's, no row over it
    assert services.refresh_program_settings() == []
    engine.dispose()
