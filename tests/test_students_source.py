"""The students list's page source: a page in the second half of the list is read backwards
from its end (so `end` on 100,000 students steps over one page, not every row before it), and
gives the same rows as reading forwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ADMIN, copy_store, services_for

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
