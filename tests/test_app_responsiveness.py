"""What keeps key presses quick in the real app: opening a list loads it once, a screen's first
show does not re-parse every stylesheet, the footer is one widget, start-up's objects are out of
the garbage collector's way. Pilot on the demo store; each check fails if the waste comes back."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR, copy_store, services_for, settle
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input

from mentor_tui.app.main import FULL_COLLECTION_EVERY, MentorApp
from mentor_tui.screens.students import students
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable


async def test_opening_the_students_list_fetches_one_page_and_counts_at_most_once(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page comes first (painted before the count); a list that fits in it is
    never counted, a longer one once."""
    calls: list[str] = []
    count, fetch = students.StudentsSource.count, students.StudentsSource.fetch

    def counting(self: students.StudentsSource) -> int:
        calls.append("count")
        return count(self)

    def fetching(self: students.StudentsSource, offset: int, limit: int) -> list:
        calls.append(f"fetch {offset}")
        return fetch(self, offset, limit)

    monkeypatch.setattr(students.StudentsSource, "count", counting)
    monkeypatch.setattr(students.StudentsSource, "fetch", fetching)
    app = MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.row_count > 0 and table.cursor_key is not None
        assert table.row_count < 100  # the template fits in one page
        assert calls == ["fetch 0"]


async def test_a_screens_first_show_parses_the_stylesheets_at_most_once(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "m.db"), MENTOR))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        reparses: list[int] = []
        reparse = Stylesheet.reparse

        def counted(self: Stylesheet) -> None:
            reparses.append(1)
            reparse(self)

        monkeypatch.setattr(Stylesheet, "reparse", counted)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query(PagedTable)
        assert len(reparses) <= 1  # adding students.tcss; Textual alone would parse three times
        reparses.clear()
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert reparses == []


async def test_the_footer_follows_the_filter_box_as_one_widget(
    template: Path, tmp_path: Path
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "m.db"), MENTOR))
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        shown = [item.description for item in footer.items]
        assert {"Filter", "Dashboard", "Reverse sort"} <= set(shown)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        # typing goes to the box: the letter and digit keys leave the footer
        typing = [item.description for item in footer.items]
        assert "Dashboard" not in typing and "Reverse sort" not in typing and "Quit" in typing
        await pilot.press("escape")
        await settle(pilot)
        assert [item.description for item in footer.items] == shown
        assert not footer.children and not app.screen.query("FooterKey")


async def test_start_up_objects_are_frozen_while_the_app_runs(
    template: Path, tmp_path: Path
) -> None:
    assert gc.get_freeze_count() == 0
    before = gc.get_threshold()
    app = MentorApp(services_for(copy_store(template, tmp_path / "m.db"), MENTOR))
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == (*before[:2], FULL_COLLECTION_EVERY)  # full ones rarer
    assert gc.get_freeze_count() == 0  # collectable again once the app is gone
    assert gc.get_threshold() == before
