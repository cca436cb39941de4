"""Issue #22: the review queue at 80x24 shows every column, "Time left" included, with more
pending work than the screen holds (its scrollbar takes width too), and nothing cut."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from app_support import (
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Assignment, Submission, User
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.widgets.paged_table import PagedTable


async def test_every_column_of_a_long_queue_shows_at_80x24(template: Path, tmp_path: Path) -> None:
    path = copy_store(template, tmp_path / "s.db")
    services = services_for(path, MENTOR)
    with session_scope(services.engine) as s:
        pending = s.scalars(select(Submission).where(Submission.status == "pending")).all()
        mine = select(User.id).where(User.mentor_id == services.actor.id)
        students = sorted(s.scalars(mine).all())
        taken = {(p.assignment_id, p.student_id) for p in pending}
        pairs = [
            (assignment, student)
            for assignment in s.scalars(select(Assignment.id)).all()
            for student in students
            if (assignment, student) not in taken
        ][:40]  # more than the screen holds, overdue by weeks
        for n, (assignment, student) in enumerate(pairs):
            s.add(
                Submission(
                    assignment_id=assignment,
                    student_id=student,
                    content="Here it is.",
                    submitted_at=FROZEN_NOW - timedelta(days=20 + n),
                    created_at=FROZEN_NOW,
                    updated_at=FROZEN_NOW,
                )
            )
    app = MentorApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        table = app.screen.query_one(PagedTable)
        assert table.row_count > table.size.height  # it scrolls: its scrollbar shows
        header = table.render_line(0).text
        assert header.rstrip().endswith("Time left"), header
        assert "→" not in header and "Date" in header
        first_row = table.render_line(1).text.rstrip()
        assert re.search(r"\d\d \w\w\w  overdue \d\d d$", first_row), first_row  # in full
