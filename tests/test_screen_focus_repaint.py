"""Issue #21: a focus move repaints the widget that loses the focus and the one that gets it,
not the whole screen in a frame of its own, on every screen of the app (`MentorScreen`), not
only on the review queue where it was first done."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from textual._compositor import Compositor
from textual.widgets import Input

from mentor_tui.app.main import MentorApp
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.students.students import StudentsScreen
from mentor_tui.widgets.paged_table import PagedTable


def test_the_base_screen_does_not_repaint_on_focus() -> None:
    assert MentorScreen.focused._repaint is False


async def test_moving_the_focus_repaints_no_whole_screen(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The students list and its filter box (shown already): `/` into the box and enter back
    to the list, three times; the box and the list repaint, never every line of the screen."""
    whole: list[str] = []
    render_update = Compositor.render_update

    def counted(compositor: Compositor, *args, **kwargs):
        if isinstance(compositor.root, StudentsScreen) and (
            compositor.size.region in compositor._dirty_regions
        ):
            whole.append(str(compositor.root.focused))
        return render_update(compositor, *args, **kwargs)

    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), ADMIN))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        await pilot.press("slash", "a", "enter")  # the box shown (a layout), the list focused
        await settle(pilot)
        table, box = app.screen.query_one(PagedTable), app.screen.query_one(Input)
        assert table.has_focus and box.display and box.value == "a"
        monkeypatch.setattr(Compositor, "render_update", counted)
        for _ in range(3):
            await pilot.press("slash")
            await settle(pilot)
            assert box.has_focus
            await pilot.press("enter")
            await settle(pilot)
            assert table.has_focus
        assert whole == []
