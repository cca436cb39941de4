"""The dashboard screen paints each part as its worker brings it, so a slow part (the student
figures of a large program) does not hold back the others; a mentor-only section is never
shown to anyone else, not even in the first frame."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR, copy_store, services_for, settle
from textual.widgets import DataTable, Static

from mentor_tui.app.main import MentorApp
from mentor_tui.core.analytics import dashboard as core


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _until(pilot, condition, what: str, limit: float = 10.0) -> None:
    """Wait (bounded) for ``condition()`` while the workers run."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        assert loop.time() < end, f"no {what} within {limit:.0f} s"
        await pilot.pause(0.02)


@pytest.mark.parametrize(("email", "mentor"), [(ADMIN, False), (MENTOR, True)])
async def test_cheap_parts_paint_before_the_student_figures_arrive(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, email: str, mentor: bool
) -> None:
    gate = threading.Event()
    real = core.student_summary

    def held_back(*args, **kwargs):
        assert gate.wait(30), "the test never let the student figures through"
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "student_summary", held_back)
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), email))
    async with app.run_test(size=(130, 40)) as pilot:
        screen = app.screen
        assert type(screen).__name__ == "DashboardScreen"
        title = screen.query_one("#action-items-title", Static)
        assert title.display is mentor  # from the first frame on
        try:
            await _until(
                pilot, lambda: "Pending reviews" in _text(screen, "#card-reviews"), "review card"
            )
            await _until(pilot, lambda: "Graduated" in _text(screen, "#performance"), "overview")
            # the student figures are still being read: the cards come from the early read
            # (summary_counts.EarlyCounts), an admin's and a mentor's alike
            await _until(
                pilot,
                lambda: "Average completion" in _text(screen, "#card-completion"),
                "the early student cards",
            )
            assert screen.query_one("#attention", DataTable).row_count == 0
            assert title.display is mentor
        finally:
            gate.set()
        await settle(pilot)
        assert "Average completion" in _text(screen, "#card-completion")
        assert screen.query_one("#attention", DataTable).row_count > 0
        assert title.display is mentor
        assert screen.query_one("#action-items", Static).display is mentor
