"""Pilot tests of the dashboard, students and student view: real keys, checked against the store."""

from __future__ import annotations

from pathlib import Path

from app_support import ADMIN, MENTOR, copy_store, services_for, settle, type_text
from sqlalchemy import func, or_, select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission, User
from mentor_tui.widgets.paged_table import PagedTable


def _students_of(services, mentor_email: str | None) -> list[User]:
    """The students the list shows: graduated ones leave the working list (issue 18)."""
    with session_scope(services.engine) as session:
        query = select(User).where(
            User.role == "student",
            User.deleted_at.is_(None),
            User.status != "Passed out / Completed",
        )
        if mentor_email is not None:
            mentor = session.execute(select(User).where(User.email == mentor_email)).scalar_one()
            query = query.where(User.mentor_id == mentor.id)
        return list(session.execute(query.order_by(User.full_name)).scalars())


async def test_mentor_sees_exactly_their_students(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mine = _students_of(services, MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.row_count == len(mine) > 0
        shown = [table.render_line(y + 1).text for y in range(len(mine))]
        for student, line in zip(mine, shown, strict=True):
            assert student.full_name in line


async def test_admin_sees_every_student(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "a.db"), ADMIN)
    everyone = _students_of(services, None)
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one(PagedTable).row_count == len(everyone)


async def test_filter_as_you_type_then_open_and_come_back(template: Path, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mine = _students_of(services, MENTOR)
    target = mine[len(mine) // 2]
    needle = target.full_name.split()[-1][:4]
    expected = [s for s in mine if needle.lower() in (s.full_name + s.email).lower()]
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, needle)
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert table.row_count == len(expected)
        counter = str(app.screen.query_one("#students-count").render())
        assert counter.startswith(f"{len(expected)} student")
        await pilot.press("enter")  # leaves the filter box for the table
        await pilot.press("enter")  # opens the highlighted student
        await settle(pilot)
        assert type(app.screen).__name__ == "StudentViewScreen"
        assert app.screen.student_id == expected[0].id
        header = str(app.screen.query_one("#student-header").render())
        assert expected[0].full_name in header
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "StudentsScreen"
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert app.screen.query_one(PagedTable).row_count == len(mine)


async def test_sorting_by_pending_puts_the_busiest_student_first(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mine = _students_of(services, MENTOR)
    with session_scope(services.engine) as session:
        pending = {
            sid: n
            for sid, n in session.execute(
                select(Submission.student_id, func.count())
                .where(Submission.status == "pending", Submission.deleted_at.is_(None))
                .group_by(Submission.student_id)
            )
        }
    most = max(pending.get(s.id, 0) for s in mine)
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        for _ in range(3):  # name -> status -> completion -> pending
            await pilot.press("right_square_bracket")
        await pilot.press("r")  # most pending first
        await settle(pilot)
        assert (table.sort_key, table.sort_descending) == ("pending", True)
        assert pending.get(table.cursor_key, 0) == most


async def test_student_view_tabs_show_the_students_own_records(
    template: Path, tmp_path: Path
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    mine = _students_of(services, MENTOR)
    with session_scope(services.engine) as session:
        busiest = session.execute(
            select(Submission.student_id, func.count().label("n"))
            .where(or_(*[Submission.student_id == s.id for s in mine]))
            .group_by(Submission.student_id)
            .order_by(func.count().desc())
        ).first()
    student_id, submissions = busiest
    from mentor_tui.screens.students.student_view import StudentViewScreen

    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.push_screen(StudentViewScreen(student_id))
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        tabs = app.screen.query_one("#student-tabs")
        assert tabs.active == "submissions"
        assert app.screen.query_one("#submissions-table").row_count == submissions
