"""Pilot tests of issue 17's keys beyond screen 7's lists: `tab` to the next unread item from
anywhere in the app, and `P` (notification preferences) on screen 7, checked in the store."""

from __future__ import annotations

from app_support import MENTOR, copy_store, services_for, settle
from sqlalchemy import select
from test_app_inbox import SIZE, _actor, _footer, _open_inbox, _seed_unread

from mentor_tui.app.main import MentorApp
from mentor_tui.core.messages import inbox
from mentor_tui.db.engine import session_scope
from mentor_tui.db.notification_models import NotificationPreference
from mentor_tui.screens.dashboard import DashboardScreen
from mentor_tui.screens.inbox.inbox import InboxScreen
from mentor_tui.screens.inbox.preferences import PreferencesScreen
from mentor_tui.widgets.paged_table import PagedTable


async def test_tab_from_another_screen_opens_screen_7_on_the_first_unread(
    template, tmp_path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    _seed_unread(services, mentor)
    with session_scope(services.engine) as s:
        threads = inbox.conversations(s, mentor, limit=100)
        unread = [c.thread_id for c in threads if c.unread]
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")  # the review queue: far from the inbox
        await settle(pilot)
        assert not isinstance(app.screen, InboxScreen)
        await pilot.press("tab")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        table = screen.query_one("#inbox-conversations", PagedTable)
        assert app.focused is table and table.cursor_key == unread[0]
        # and from there on, the next one
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen is screen and table.cursor_key == unread[0]
        await pilot.press("tab")
        await settle(pilot)
        assert table.cursor_key == unread[1]


async def test_tab_in_a_field_being_typed_in_moves_the_focus_only(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    _seed_unread(services, _actor(services))
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        await pilot.press("slash")
        await settle(pilot)
        box = screen.query_one("#inbox-filter")
        assert app.focused is box
        await pilot.press("2")  # typed into the filter, not a jump to screen 2
        await settle(pilot)
        assert app.screen is screen


async def test_P_sets_how_each_kind_reaches_me_by_keys(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mentor = _actor(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_inbox(pilot)
        assert "P Prefs" in _footer(screen)
        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PreferencesScreen)
        footer = _footer(dialog)
        for label in ("o Off", "a App", "e Email", "d Daily", "w Weekly", "escape Close"):
            assert label in footer, footer
        hint = dialog.query_one("#prefs-hint")
        assert hint.region.bottom <= 24 and hint.region.width <= 80
        await pilot.press("down", "e")  # the second kind: new and waiting submissions
        await settle(pilot)
        await pilot.press("down", "down", "space")  # milestones: in the app -> email
        await settle(pilot)
        await pilot.press("o")  # ... and then off
        await settle(pilot)
        rows = dialog.query_one("#prefs-list")
        assert "email at once" in str(rows.get_option_at_index(1).prompt)
        assert "off" in str(rows.get_option_at_index(3).prompt)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    with session_scope(services.engine) as s:
        chosen = {
            r.kind: r.delivery
            for r in s.execute(
                select(NotificationPreference).where(NotificationPreference.user_id == mentor.id)
            ).scalars()
        }
    assert chosen == {"pending_submission_reminder": "email", "student_milestone_achieved": "off"}
