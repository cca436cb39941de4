"""The students list's statements are compiled in the app's preload worker (issue #21): the first
scroll by page, the first `end` and `pageup` from there, and the first filter character do not
compile theirs in the list's worker while the key waits (15-20 ms of CPU each, cold, on the
50,000-student demo)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    compiled_now,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still in every test here)
    mentor_app,
    services_for,
    settle,
)

from mentor_tui.screens.students.students import StudentsScreen, StudentsSource

PAGE = 2


def open_and_scroll(services, source: StudentsSource) -> None:
    """The reads of a first open of the (counted) list, a page down past its first page, `end`,
    `pageup` from there, and of a filter's first page."""
    total = source.counted
    assert total is not None and total > 4 * PAGE
    first = source.fetch(0, PAGE)  # the first page, from the start
    following = source.fetch(PAGE, PAGE)  # by keyset from its last row (pagedown)
    last = (total - 1) // PAGE * PAGE
    end = source.fetch(last, PAGE)  # backwards from the end (end)
    before = source.fetch(last - PAGE, PAGE)  # backwards by keyset from there (pageup)
    assert [len(first), len(following), len(before)] == [PAGE] * 3 and end
    assert StudentsSource(services, source.actor, text_filter="e").fetch(0, PAGE)  # a filter


@pytest.mark.parametrize("warmed", [True, False])
def test_warm_up_compiles_the_first_open_scroll_and_filter_of_the_list(
    template: Path, tmp_path: Path, warmed: bool
) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), ADMIN)
    assert services.actor is not None
    source = StudentsSource(services, services.actor)
    source.count()  # counted (and its statement compiled) either way
    if warmed:
        assert any(compiled_now(services, lambda: StudentsScreen.warm_up(services)))
    compiled = compiled_now(services, lambda: open_and_scroll(services, source))
    assert compiled and any(compiled) != warmed, compiled


async def test_the_app_warms_the_students_list_up_once_start_up_is_over(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warmed: list[object] = []
    warm_up = StudentsScreen.warm_up

    def recorded(services) -> None:
        warm_up(services)
        warmed.append(services)

    monkeypatch.setattr(StudentsScreen, "warm_up", staticmethod(recorded))
    app = mentor_app(template, tmp_path)  # a mentor: the list of their own students
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        deadline = time.monotonic() + 10
        while not warmed and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert warmed == [app.services]
        services = app.services
        assert services.actor is not None
        source = StudentsSource(services, services.actor)
        source.count()
        compiled = compiled_now(services, lambda: open_and_scroll(services, source))
        assert compiled and not any(compiled), compiled
