"""The students list read by keyset (issue #21): `end`, `pageup`, `pagedown` and `home` on a
list of several pages, whose names tie in runs longer than a page, show exactly the rows the
database has at those places, for each order the screen offers, with a filter too; and a page
next to one already read is read from its neighbour's row, not by stepping over the rows
before it (`end` reads from the end)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_support import ADMIN, copy_store, services_for, settle, type_text

from mentor_tui.app.main import MentorApp
from mentor_tui.core import writes
from mentor_tui.core.people.students import list_students
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User, new_id
from mentor_tui.screens.students import students as screen
from mentor_tui.widgets.paged_table import PagedTable

TIED_NAMES = ("Ana Tie", "Bo Tie", "Cy Tie", "Di Tie")  # 4 names, 130 students each


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    path = copy_store(template, tmp_path / "keyset.db")
    services = services_for(path, ADMIN)
    assert services.actor is not None
    rows = [
        {
            "id": new_id(),
            "full_name": TIED_NAMES[n % len(TIED_NAMES)],
            "email": f"tie{n:03d}@example.org",
            "role": "student",
            "status": ("Active", "Inactive", "Passed out / Completed")[n % 3],
        }
        for n in range(520)
    ]
    with session_scope(services.engine) as session:
        writes.insert_many(session, services.actor.id, User, rows, audit_each=False)
    return path


def expected(path: Path, sort: str, descending: bool, text_filter: str = "") -> list[str]:
    """Every row of the list in its order, sorted here from the database's rows."""
    services = services_for(path, ADMIN)
    assert services.actor is not None
    actor = services.actor
    with session_scope(services.engine) as session:
        rows = list_students(
            session, actor, text_filter=text_filter, limit=100_000, include_graduated=False
        )
    value: dict[str, Any] = {
        "name": lambda r: (r.full_name,),
        "status": lambda r: (r.status, r.full_name),
        "pending": lambda r: (r.pending_submissions,),
    }[sort]
    if sort == "pending":  # the figure in the asked direction, ties by name then id ascending
        sign = -1 if descending else 1
        ordered = sorted(rows, key=lambda r: (sign * r.pending_submissions, r.full_name, r.id))
    else:
        ordered = sorted(rows, key=lambda r: (*value(r), r.id), reverse=descending)
    return [row.id for row in ordered]


def shown(table: PagedTable) -> tuple[int, list[str | None]]:
    top = int(table.scroll_y)
    rows = table.scrollable_content_region.height - 1
    return top, [table.key_at(i) for i in range(top, min(top + rows, table.row_count))]


SORTS = [  # the keys that give each order from the screen's first (name, ascending)
    ("name", False, ()),
    ("name", True, ("r",)),
    ("status", False, ("right_square_bracket",)),
    ("status", True, ("right_square_bracket", "r")),
    ("pending", True, ("right_square_bracket",) * 3 + ("r",)),
]


async def walk_pages(pilot: Any, table: PagedTable, want: list[str], reads: list[Any]) -> None:
    """Press end, pageup, home and pagedown over the list: each page shows the rows ``want``
    has there, and each read stepped over less than a page (``reads``: (skip, after) of each
    page read, cleared per key)."""
    anchored = 0
    for key in ("end", "pageup", "pageup", "pageup", "pageup", "home", *["pagedown"] * 9):
        reads.clear()
        await pilot.press(key)
        await settle(pilot)
        top, keys_shown = shown(table)
        assert keys_shown == want[top : top + len(keys_shown)], key
        assert table.cursor_key == want[table.cursor_index]
        # a page next to one read starts at its neighbour's row, a jump to the end at the
        # end: never more than a page's rows stepped over (OFFSET 100, 200, ... before)
        assert all(skip < 100 for skip, _ in reads), (key, reads)
        anchored += sum(1 for _, after in reads if after)
    assert anchored >= 2  # the pages before the last: read by keyset from the next one


@pytest.mark.parametrize(("sort", "descending", "keys"), SORTS)
@pytest.mark.parametrize("text_filter", ["", "tie"])
async def test_paging_shows_the_databases_rows_in_every_order(
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
    descending: bool,
    keys: tuple[str, ...],
    text_filter: str,
) -> None:
    reads: list[tuple[int, bool]] = []  # (rows stepped over, from an anchor) of each page read
    read_page = screen.read_page

    def recording(*args: Any, **options: Any) -> Any:
        reads.append((options["skip"], options["after"] is not None))
        return read_page(*args, **options)

    monkeypatch.setattr(screen, "read_page", recording)
    want = expected(store, sort, descending, text_filter)
    assert len(want) > 300  # several pages of 100
    app = MentorApp(services_for(store, ADMIN))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if text_filter:
            await pilot.press("slash")
            await type_text(pilot, text_filter)
            await pilot.press("enter")  # back to the list
            await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert (table.sort_key, table.sort_descending) == (sort, descending)
        assert table.row_count == len(want)
        await walk_pages(pilot, table, want, reads)
