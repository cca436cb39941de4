"""The students list in the at-risk order (issue #21), on screen: `]` five times from the name
order, `r` for the most at risk first, then `end`, `pageup`, `pagedown` and `home` on a list
of several pages whose names tie in runs longer than a page show exactly the rows sorted here
from what each row shows (how many at-risk reasons, ties by name then id), with a filter too;
whether the kept scores were counted as of this moment, or as of ten days before (many
students then counted afresh beside the kept scores), and pages next to one read are read by
keyset."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from app_support import ADMIN, FROZEN_NOW, services_for, settle, type_text
from test_app_students_keyset import store as store  # the fixture: 520 students, 4 names
from test_app_students_keyset import walk_pages

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.student_figures import RiskContext
from mentor_tui.core.people.student_pages import read_page as read_page_now
from mentor_tui.core.people.students import list_students
from mentor_tui.db.engine import session_scope
from mentor_tui.screens.students import students as screen
from mentor_tui.widgets.paged_table import PagedTable


def expected(path: Path, descending: bool, text_filter: str) -> list[str]:
    services = services_for(path, ADMIN)
    assert services.actor is not None
    with session_scope(services.engine) as session:
        rows = list_students(
            session, services.actor, text_filter=text_filter, limit=100_000,
            include_graduated=False,
        )  # fmt: skip
    sign = -1 if descending else 1
    rows.sort(key=lambda r: (sign * len(r.at_risk_reasons), r.full_name, r.id))
    return [row.id for row in rows]


@pytest.mark.parametrize("basis_days", [0, 10])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("text_filter", ["", "tie"])
async def test_paging_in_the_at_risk_order_shows_the_databases_rows(
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    basis_days: int,
    descending: bool,
    text_filter: str,
) -> None:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    services = services_for(store, ADMIN)
    assert services.actor is not None
    with session_scope(services.engine) as session:  # the kept scores' moment
        read_page_now(
            session, services.actor, sort="at_risk", limit=1,
            now=FROZEN_NOW - timedelta(days=basis_days),
        )  # fmt: skip
    monkeypatch.setattr(risk_keys, "RECOUNT_AT", 100_000)  # read beside them, never written
    reads: list[tuple[int, bool]] = []
    read_page = screen.read_page

    def recording(*args: Any, **options: Any) -> Any:
        reads.append((options["skip"], options["after"] is not None))
        return read_page(*args, **options)

    monkeypatch.setattr(screen, "read_page", recording)
    want = expected(store, descending, text_filter)
    assert len(want) > 300  # several pages of 100
    if basis_days:  # scores that differ from the kept ones: counted afresh
        with session_scope(services.engine) as session:
            assert (
                len(risk_keys.prepare(session, RiskContext.build(session, Config(), FROZEN_NOW)))
                >= 10
            )
    app = MentorApp(services_for(store, ADMIN))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        for key in ("right_square_bracket",) * 5 + (("r",) if descending else ()):
            await pilot.press(key)
            await settle(pilot)
        if text_filter:
            await pilot.press("slash")
            await type_text(pilot, text_filter)
            await pilot.press("enter")
            await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert (table.sort_key, table.sort_descending) == ("at_risk", descending)
        assert table.row_count == len(want)
        await walk_pages(pilot, table, want, reads)
