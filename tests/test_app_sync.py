"""Sync inside the running app, against a real server on 127.0.0.1: another client's change
shows up within about a second, `s` syncs, a dead server means "offline" (and the app keeps
working) until it comes back, and the conflict screen settles conflicts by keys."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from app_support import FROZEN_NOW, settle
from sqlalchemy import func, select

from mentor_tui.app import sync_loop as app_sync
from mentor_tui.app.main import MentorApp
from mentor_tui.app.sync_loop import AppSync, retry_delay
from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, User
from mentor_tui.db.sync_models import SyncConflict
from mentor_tui.sync import list_conflicts, login, pending_change_count, sync_once
from tests import factory, sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, actor_in

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

SIZE = (130, 36)
M1 = "m1@example.org"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short long poll (so a stopping server is not held up) and quick backoff."""
    monkeypatch.setattr(app_sync, "POLL_WAIT", 2.0)
    monkeypatch.setattr(app_sync, "RETRY_BASE", 0.2)


def _store(program: Program, name: str, url: str, email: str = M1):
    engine = program.harness.store(name)
    login(engine, url, email, PASSWORD)
    return engine


def _app(program: Program, name: str, engine) -> MentorApp:
    with session_scope(engine) as session:
        actor = sign_in(session, None)
    path = program.harness.root / "stores" / f"{name}.db"
    return MentorApp(Services(engine, path, Config(), actor))


def _new_note(store, text: str, student: str) -> str:
    with session_scope(store) as s:
        me = s.get(User, actor_in(store, M1).id)
        return factory.note(s, me, s.get(User, student), text).id


def _edit_note(store, note_id: str, text: str) -> None:
    with session_scope(store) as s:
        row = s.get(MentorshipNote, note_id)
        writes.update(s, actor_in(store, M1).id, row, {"note": text})


def _note_text(store, note_id: str) -> str | None:
    with session_scope(store) as s:
        row = s.get(MentorshipNote, note_id)
        return None if row is None or row.deleted_at is not None else row.note


def _key_on(app: MentorApp, key: str) -> bool:
    """Whether ``key`` is live (a key hidden by check_action is not in active_bindings)."""
    active = app.screen.active_bindings.get(key)
    return active is not None and active.enabled


def _status(app: MentorApp) -> str:
    return str(app.screen.query_one("#status-store").render())


async def _until(pilot, condition, timeout: float = 10.0) -> float:
    """Let the app run until ``condition()`` holds; the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s")
        await pilot.pause(0.02)
    return time.monotonic() - start


async def _wait_synced(pilot, app: MentorApp) -> None:
    await _until(pilot, lambda: app.sync.online is True and not app.sync._running)
    await _until(pilot, lambda: "online · 0 pending" in _status(app) and "synced" in _status(app))


def test_retry_delay_backs_off_with_jitter() -> None:
    import random

    rng = random.Random(3)
    base = app_sync.RETRY_BASE
    delays = [retry_delay(n, 10.0, rng) for n in range(1, 12)]
    for n, delay in enumerate(delays, 1):
        top = min(10.0, base * 2 ** (n - 1))
        assert top / 2 <= delay <= top
    assert len(set(delays)) == len(delays), "jitter: no two waits alike"


async def test_a_change_on_another_client_shows_up_within_seconds(program: Program) -> None:
    with ThreadServer(program.harness.engine) as server:
        laptop = _store(program, "laptop", server.url)
        phone = _store(program, "phone", server.url)
        app = _app(program, "phone", phone)
        async with app.run_test(size=SIZE) as pilot:
            await _wait_synced(pilot, app)
            await asyncio.sleep(0.3)  # the long poll is waiting now
            note_id = _new_note(laptop, "Sam asked about generators", program.ids["s1"])
            started = time.monotonic()
            await asyncio.to_thread(sync_once, laptop)
            await _until(pilot, lambda: _note_text(phone, note_id) is not None, timeout=5)
            elapsed = time.monotonic() - started
            print(f"A to B: {elapsed:.2f} s")
            assert elapsed < 2.0, elapsed
            assert _note_text(phone, note_id) == "Sam asked about generators"
            await _wait_synced(pilot, app)
            assert "online · 0 pending" in _status(app)


async def test_s_syncs_and_the_status_bar_shows_it(program: Program) -> None:
    with ThreadServer(program.harness.engine) as server:
        phone = _store(program, "phone", server.url)
        app = _app(program, "phone", phone)
        async with app.run_test(size=SIZE) as pilot:
            await _wait_synced(pilot, app)
            assert _key_on(app, "s")
            app.sync._timer.stop()  # no interval sync: only `s` sends the change
            note_id = _new_note(phone, "written in the app's store", program.ids["s1"])
            app.refresh_status()
            await _until(pilot, lambda: "1 pending" in _status(app))
            await pilot.press("s")
            await _until(pilot, lambda: "online · 0 pending" in _status(app))
            assert pending_change_count(phone) == 0
            assert _note_text(program.harness.engine, note_id) == "written in the app's store"
            assert "synced " in _status(app)


async def test_s_without_a_server_says_so_and_syncs_nothing(template: Path, tmp_path: Path) -> None:
    from app_support import ADMIN, copy_store, services_for

    app = MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "local only" in _status(app)
        live = app.screen.active_bindings["s"].binding
        assert (live.action, live.show) == ("sync_unlinked", False)  # no "Sync now" in the footer
        assert not app.sync.started
        await pilot.press("s")  # no sync, but a sentence saying why
        await settle(pilot)
        assert not app.sync.started
        said = [str(n.message) for n in app._notifications]
        assert said == [
            "This store is not linked to a server, so there is nothing to sync; "
            "link it with `mentor-tui login URL --email E`."
        ]


async def test_server_down_means_offline_then_recovery(program: Program) -> None:
    server = ThreadServer(program.harness.engine)
    server.__enter__()
    phone = _store(program, "phone", server.url)
    app = _app(program, "phone", phone)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _wait_synced(pilot, app)
            await asyncio.to_thread(server.__exit__)
            await _until(pilot, lambda: "offline" in _status(app))
            note_id = _new_note(phone, "typed on the train", program.ids["s1"])
            app.refresh_status()
            await pilot.press("2")  # the app stays usable offline
            await _until(pilot, lambda: type(app.screen).__name__ == "StudentsScreen")
            await _until(pilot, lambda: "offline · 1 pending" in _status(app))
            server = ThreadServer(program.harness.engine, port=server.port)
            await asyncio.to_thread(server.__enter__)
            await _until(pilot, lambda: "online · 0 pending" in _status(app), timeout=15)
            with session_scope(program.harness.engine) as s:
                count = s.execute(
                    select(func.count()).where(MentorshipNote.id == note_id)
                ).scalar_one()
            assert count == 1
            assert _note_text(program.harness.engine, note_id) == "typed on the train"
    finally:
        await asyncio.to_thread(server.__exit__)


async def test_a_revoked_login_shows_as_logged_out(program: Program) -> None:
    from mentor_tui.sync import logout

    with ThreadServer(program.harness.engine) as server:
        phone = _store(program, "phone", server.url)
        app = _app(program, "phone", phone)
        async with app.run_test(size=SIZE) as pilot:
            await _wait_synced(pilot, app)
            assert await asyncio.to_thread(logout, phone) is True
            await _until(pilot, lambda: "logged out" in _status(app))
            note_id = _new_note(phone, "kept here meanwhile", program.ids["s1"])
            app.refresh_status()
            await pilot.press("2")  # still usable
            await _until(pilot, lambda: "logged out · 1 pending" in _status(app))
            assert _note_text(phone, note_id) == "kept here meanwhile"


def _conflicted_phone(program: Program, url: str) -> tuple[object, object, str]:
    """A note edited on the laptop (synced) and, on the old version, on the phone (pending)."""
    laptop = _store(program, "laptop", url)
    phone = _store(program, "phone", url)
    note_id = _new_note(laptop, "Sam: recursion is fine", program.ids["s1"])
    sync_once(laptop)
    sync_once(phone)
    _edit_note(laptop, note_id, "Sam: recursion is fine; next: generators")
    sync_once(laptop)
    _edit_note(phone, note_id, "Sam: wants pairing on Friday")
    return laptop, phone, note_id


@pytest.mark.parametrize("choice", ["mine", "theirs", "merge"])
async def test_the_conflict_screen_settles_a_conflict(program: Program, choice: str) -> None:
    with ThreadServer(program.harness.engine) as server:
        _laptop, phone, note_id = _conflicted_phone(program, server.url)
        app = _app(program, "phone", phone)
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: "1 conflict" in _status(app))
            assert _key_on(app, "C")
            await pilot.press("C")
            await _until(pilot, lambda: type(app.screen).__name__ == "ConflictsScreen")
            await _until(pilot, lambda: "Sam: wants pairing" in _shown(app, "#conflict-mine"))
            assert "next: generators" in _shown(app, "#conflict-theirs")
            if choice == "mine":
                await pilot.press("m")
                expected = "Sam: wants pairing on Friday"
            elif choice == "theirs":
                await pilot.press("t")
                expected = "Sam: recursion is fine; next: generators"
            else:
                await pilot.press("e")
                await pilot.pause()
                for char in "Both: ":
                    await pilot.press("space" if char == " " else char)
                await pilot.press("ctrl+s")
                expected = (
                    "Both: Sam: wants pairing on Friday\n\nSam: recursion is fine; next: generators"
                )
            await _until(pilot, lambda: not list_conflicts(phone))
            assert _note_text(phone, note_id) == expected
            await _until(pilot, lambda: "No conflicts waiting" in _shown(app, "#conflicts-count"))
            await _until(pilot, lambda: _note_text(program.harness.engine, note_id) == expected)
            await _until(pilot, lambda: "conflict" not in _status(app))
            assert not _key_on(app, "C")
            with session_scope(phone) as s:
                [row] = s.execute(select(SyncConflict)).scalars().all()
                assert row.resolution == ("merged" if choice == "merge" else choice)


async def _merge_once(app: MentorApp, run: str, drafts) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: "1 conflict" in _status(app))
        await pilot.press("C")
        await _until(pilot, lambda: type(app.screen).__name__ == "ConflictsScreen")
        await _until(pilot, lambda: "Sam: wants pairing" in _shown(app, "#conflict-mine"))
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#conflict-merge")
        if run == "typed":
            for char in "Both: ":
                await pilot.press("space" if char == " " else char)
            await _until(pilot, lambda: len(drafts()) == 1)
            assert drafts()[0].startswith("Both: Sam: wants pairing on Friday")
        else:
            await _until(pilot, lambda: box.text.startswith("Both: Sam: wants"))
            assert "Draft restored" in [n.title for n in app._notifications]
            await pilot.press("escape")
            await _until(pilot, lambda: drafts() == [])


async def test_a_merge_typed_comes_back_after_the_app_stops(program: Program) -> None:
    """The merge box keeps a draft like every prose editor (issue 15): typed, then the app
    stops; opened again on the same conflict it holds the text; escape throws it away."""
    from mentor_tui.db.draft_models import EditorDraft

    def drafts() -> list[str]:
        with session_scope(phone) as s:
            return [row.fields["text"] for row in s.execute(select(EditorDraft)).scalars()]

    with ThreadServer(program.harness.engine) as server:
        _laptop, phone, _note_id = _conflicted_phone(program, server.url)
        for run in ("typed", "restored"):
            await _merge_once(_app(program, "phone", phone), run, drafts)
        assert list_conflicts(phone), "the conflict is still there to settle"


def _shown(app: MentorApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def _still_conflict_app(program: Program, monkeypatch: pytest.MonkeyPatch) -> MentorApp:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    with ThreadServer(program.harness.engine) as server:
        _laptop, phone, _note = _conflicted_phone(program, server.url)
        sync_once(phone)
    assert len(list_conflicts(phone)) == 1
    monkeypatch.setattr(AppSync, "start", lambda self: None)  # no server: a still picture
    return _app(program, "phone", phone)


def test_snapshot_of_the_conflict_screen(
    snap_compare, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _still_conflict_app(program, monkeypatch)

    async def go(pilot) -> None:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_snapshot_of_a_merge(
    snap_compare, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _still_conflict_app(program, monkeypatch)

    async def go(pilot) -> None:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_the_sync_interval_is_a_validated_setting(tmp_path: Path) -> None:
    from mentor_tui.config import parse_config
    from mentor_tui.errors import UserError

    where = tmp_path / "config.toml"
    assert Config().sync_interval_seconds == 60
    assert parse_config({"sync_interval_seconds": 300}, where).sync_interval_seconds == 300
    for bad in (2, "60", True, 10**6):
        with pytest.raises(UserError, match="sync_interval_seconds"):
            parse_config({"sync_interval_seconds": bad}, where)


def test_the_sync_deadline_is_a_validated_setting(tmp_path: Path) -> None:
    from mentor_tui.config import parse_config
    from mentor_tui.errors import UserError

    where = tmp_path / "config.toml"
    assert Config().sync_deadline_seconds == 60
    assert parse_config({"sync_deadline_seconds": 2}, where).sync_deadline_seconds == 2
    for bad in (0, "60", True, 10**6):
        with pytest.raises(UserError, match="sync_deadline_seconds"):
            parse_config({"sync_deadline_seconds": bad}, where)


async def test_the_local_change_count_is_exact_across_writes_syncs_and_pulls(
    program: Program,
) -> None:
    """Issue #22: the status bar's count of local changes is exact after every write and sync:
    3 writes are 3, a sync makes them 0, a change pulled from another client adds none, and
    the next 2 writes are 2."""
    with ThreadServer(program.harness.engine) as server:
        laptop = _store(program, "laptop", server.url)
        phone = _store(program, "phone", server.url)
        app = _app(program, "phone", phone)
        async with app.run_test(size=SIZE) as pilot:
            await _wait_synced(pilot, app)
            app.sync._timer.stop()  # only `s` syncs
            first = _new_note(phone, "one", program.ids["s1"])
            _edit_note(phone, first, "one, edited")
            _new_note(phone, "two", program.ids["s1"])
            app.refresh_status()
            await _until(pilot, lambda: "online · 3 pending" in _status(app))
            assert pending_change_count(phone) == 3
            await pilot.press("s")
            await _until(pilot, lambda: "online · 0 pending" in _status(app))
            assert pending_change_count(phone) == 0
            pulled = _new_note(laptop, "from the laptop", program.ids["s1"])
            await asyncio.to_thread(sync_once, laptop)
            await pilot.press("s")
            await _until(pilot, lambda: _note_text(phone, pulled) is not None)
            await _until(pilot, lambda: not app.sync._running)
            await _until(pilot, lambda: "online · 0 pending" in _status(app))
            assert pending_change_count(phone) == 0, "a pulled change is not a local one"
            _edit_note(phone, pulled, "from the laptop, edited on the phone")
            _new_note(phone, "three", program.ids["s1"])
            app.refresh_status()
            await _until(pilot, lambda: "online · 2 pending" in _status(app))
            assert pending_change_count(phone) == 2
