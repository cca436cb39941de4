"""The students list's page source: a page in the second half of the list is read backwards
from its end (so `end` on 100,000 students steps over one page, not every row before it), and
gives the same rows as reading forwards; pages read by keyset give the list read at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ADMIN, copy_store, services_for
from sqlalchemy import select

from mentor_tui.core import writes
from mentor_tui.core.people.student_pages import SORT_KEYS, read_page
from mentor_tui.core.people.students import StudentRow, list_students
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission
from mentor_tui.screens.students.students import StudentsSource


@pytest.mark.parametrize(
    ("sort", "descending"), [("name", False), ("status", True), ("pending", True)]
)
def test_pages_read_from_the_end_match_pages_read_forwards(
    template: Path, tmp_path: Path, sort: str, descending: bool
) -> None:
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    assert services.actor is not None
    forwards = StudentsSource(services, services.actor, sort=sort, descending=descending)
    backwards = StudentsSource(services, services.actor, sort=sort, descending=descending)
    total = backwards.count()  # known: pages past the middle are read from the end
    assert total > 20 and forwards.counted is None
    for offset in range(0, total + 7, 7):
        ahead = [row.key for row in forwards.fetch(offset, 7)]
        assert [row.key for row in backwards.fetch(offset, 7)] == ahead, offset
        assert len(ahead) == max(0, min(7, total - offset))


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", SORT_KEYS)
def test_keyset_pages_forwards_and_backwards_give_the_whole_list(
    template: Path, tmp_path: Path, sort: str, descending: bool
) -> None:
    """Page after page from the last row's anchor, and from the end page before page from the
    first row's, give the list read at once, in every order (ties and students without any
    activity included: the anchors compare)."""
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    actor = services.actor
    assert actor is not None
    options = {"sort": sort, "descending": descending, "include_graduated": False}
    with session_scope(services.engine) as session:
        whole = [row.id for row in list_students(session, actor, limit=10_000, **options)]
        assert len(whole) > 20
        forwards: list[str] = []
        anchor = None
        while True:
            page = read_page(session, actor, limit=7, after=anchor, **options)
            if not page:
                break
            forwards += [row.id for row, _ in page]
            anchor = page[-1][1]
        backwards: list[str] = []
        anchor = None
        while True:
            page = read_page(session, actor, limit=7, after=anchor, backwards=True, **options)
            if not page:
                break
            backwards = [row.id for row, _ in page] + backwards
            anchor = page[0][1]
        stepped = read_page(session, actor, limit=7, skip=3, after=None, **options)
    assert forwards == whole
    assert backwards == whole
    assert [row.id for row, _ in stepped] == whole[3:10]


def _figure(row: StudentRow, sort: str) -> object:
    """The figure ``sort`` orders by, as the row shows it (counted from the store's rows)."""
    figures: dict[str, object] = {
        "completion": row.completion_rate,
        "pending": row.pending_submissions,
        "last_activity": "" if row.last_activity_at is None else row.last_activity_at.isoformat(),
        "at_risk": len(row.at_risk_reasons),
    }
    return figures[sort]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", [key for key in SORT_KEYS if key not in ("name", "status")])
def test_each_order_follows_the_figures_its_rows_show(
    template: Path, tmp_path: Path, sort: str, descending: bool
) -> None:
    """The orders by a figure read the totals the store's triggers keep; the rows show figures
    counted from the progress rows and submissions themselves. After writes through the app,
    the list is still in the order of what it shows (ties by name, then id)."""
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    actor = services.actor
    assert actor is not None
    with session_scope(services.engine) as session:
        pending = session.execute(
            select(Submission).where(Submission.status == "pending").order_by(Submission.id)
        ).scalars()
        for n, row in enumerate(list(pending)[:5]):  # reviewed, or taken back
            if n % 2:
                writes.update(session, None, row, {"status": "approved"})
            else:
                writes.tombstone(session, None, row)
    with session_scope(services.engine) as session:
        rows = list_students(session, actor, sort=sort, descending=descending, limit=10_000)
    assert len(rows) > 20
    ties = sorted(rows, key=lambda row: (row.full_name, row.id))
    expected = sorted(ties, key=lambda row: _figure(row, sort), reverse=descending)  # type: ignore[arg-type,return-value]
    assert [row.id for row in rows] == [row.id for row in expected]
