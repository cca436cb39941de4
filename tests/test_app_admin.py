"""Pilot tests of the admin screen (key `6`): real keys, checked against the store."""

from __future__ import annotations

import html
import re
from pathlib import Path

from app_support import (
    ADMIN,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select
from textual.widgets import Input, Static

from mentor_tui.app.main import MentorApp
from mentor_tui.core.matching.plan import draft_matches, rank_mentors
from mentor_tui.core.people.mentors import MentorEdit, edit_mentor
from mentor_tui.core.people.users import PROGRESS_EVERY
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, MentorProfile, Notification, StudentProfile, User
from mentor_tui.screens.admin.admin import AdminScreen
from mentor_tui.screens.admin.csv_import import CsvImportScreen
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.paged_table import PagedTable
from tests.people_csv import write_people_csv

SIZE = (130, 40)


def _admin_app(template: Path, tmp_path: Path) -> MentorApp:
    return MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))


def _user(app: MentorApp, key: str) -> User:
    with session_scope(app.services.engine) as session:
        user = (
            session.get(User, key)
            or session.execute(select(User).where(User.email == key)).scalar_one()
        )
        session.expunge(user)
        return user


async def _open(pilot) -> AdminScreen:
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    return screen


def _students_table(screen: AdminScreen) -> PagedTable:
    return screen.query_one("#assign-students", PagedTable)


async def test_assign_best_mentor_in_two_keys(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("f")  # only students without a mentor
        await settle(pilot)
        student_id = _students_table(screen).cursor_key
        assert student_id is not None and _user(app, student_id).mentor_id is None
        with session_scope(app.services.engine) as session:
            ranking = rank_mentors(
                session, app.services.actor, student_id, config=app.services.config
            )
        best = next(r for r in ranking if r.blocked is None).mentor
        await pilot.press("b", "enter")  # the two keys the README counts
        await settle(pilot)
    assert _user(app, student_id).mentor_id == best.id
    with session_scope(app.services.engine) as session:
        notes = session.execute(select(Notification)).scalars().all()
        to_mentor = [
            n
            for n in notes
            if n.user_id == best.id
            and n.type == "new_student_assignment"
            and n.data.get("student_id") == student_id
        ]
        to_student = [n for n in notes if n.user_id == student_id and n.type == "mentor_assigned"]
        assert len(to_mentor) == 1
        assert [n.data["mentor_id"] for n in to_student] == [best.id]
        audit = (
            session.execute(
                select(AuditEntry).where(
                    AuditEntry.action == "assign", AuditEntry.entity_id == student_id
                )
            )
            .scalars()
            .all()
        )
        assert len(audit) == 1 and audit[0].detail["forced"] is False


async def test_capacity_refused_then_overridden(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    services = app.services
    full = _user(app, MENTOR)
    with session_scope(services.engine) as session:
        load = len(session.execute(select(User.id).where(User.mentor_id == full.id)).all())
        edit_mentor(
            session, services.actor, full.id, MentorEdit(capacity=load), config=services.config
        )
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("f")
        await settle(pilot)
        student_id = _students_table(screen).cursor_key
        assert student_id is not None
        row = next(i for i, r in enumerate(screen._ranking) if r.mentor.id == full.id)
        await pilot.press("enter")  # to the mentor list
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("enter")  # pick the full mentor
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # first confirmation: the warning
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the second, explicit override
        await pilot.press("escape")
        await settle(pilot)
        assert _user(app, student_id).mentor_id is None  # refused: capacity kept
        assert isinstance(app.screen, AdminScreen)
        await pilot.press("enter", "enter")  # pick again, warning
        await settle(pilot)
        await pilot.press("enter")  # override
        await settle(pilot)
    assert _user(app, student_id).mentor_id == full.id
    with session_scope(services.engine) as session:
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.action == "assign", AuditEntry.entity_id == student_id
            )
        ).scalar_one()
        assert entry.detail["forced"] is True and entry.detail["load_before"] == load


async def test_unassign_by_keys(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    with session_scope(app.services.engine) as session:
        student = (
            session.execute(
                select(User)
                .where(User.role == "student", User.mentor_id.is_not(None))
                .order_by(User.email)
            )
            .scalars()
            .first()
        )
        email, student_id = student.email, student.id
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("slash")
        await type_text(pilot, email)
        await pilot.press("enter")
        await settle(pilot)
        assert _students_table(screen).cursor_key == student_id
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert _user(app, student_id).mentor_id is None


async def test_reassign_by_keys(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    with session_scope(app.services.engine) as session:
        student = (
            session.execute(
                select(User)
                .where(User.role == "student", User.mentor_id.is_not(None), User.status == "Active")
                .order_by(User.email)
            )
            .scalars()
            .first()
        )
        email, student_id, before = student.email, student.id, student.mentor_id
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("slash")
        await type_text(pilot, email)
        await pilot.press("enter")
        await settle(pilot)
        assert all(r.mentor.id != before for r in screen._ranking)  # the current one is left out
        best = next(r for r in screen._ranking if r.blocked is None).mentor
        await pilot.press("b", "enter")
        await settle(pilot)
    assert _user(app, student_id).mentor_id == best.id != before
    with session_scope(app.services.engine) as session:
        entry = session.execute(
            select(AuditEntry).where(
                AuditEntry.action == "assign", AuditEntry.entity_id == student_id
            )
        ).scalar_one()
        assert entry.detail["previous_mentor_id"] == before


async def test_bulk_assign_marked_students(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        marked = set(_students_table(screen).marked_keys)
        assert len(marked) == 2
        await pilot.press("enter")  # to the mentor list (ranked for the highlighted student)
        await settle(pilot)
        top = screen._ranking[0].mentor
        assert top.free_seats >= 2
        await pilot.press("enter")  # pick the top mentor
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
    assert {s: _user(app, s).mentor_id for s in marked} == {s: top.id for s in marked}


async def test_students_of_one_mentor(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("m")
        await settle(pilot)
        mentor = screen._mentors[0]
        await pilot.press("enter")  # their students, in the Assign pane
        await settle(pilot)
        with session_scope(app.services.engine) as session:
            theirs = session.execute(
                select(User.id).where(User.mentor_id == mentor.id, User.status == "Active")
            ).all()
        table = _students_table(screen)
        assert screen.query_one("#admin-tabs").active == "pane-assign"
        assert table.row_count == len(theirs) > 0
        await pilot.press("f")  # back to everyone
        await settle(pilot)
        assert table.row_count == 60


async def _listed(pilot, table: PagedTable) -> list[str]:
    """The keys of every row of the table, read by moving the cursor down through them."""
    await pilot.press("home")
    await settle(pilot)
    keys = []
    for _ in range(table.row_count):
        keys.append(table.cursor_key)
        await pilot.press("down")
        await settle(pilot)
    return keys


def _needing(app: MentorApp, skill: str, *, unassigned: bool, text: str = "") -> list[str]:
    """Students (by name, then id) whose profile lists ``skill`` in any case, read straight
    from the store."""
    with session_scope(app.services.engine) as session:
        rows = session.execute(
            select(User.id, User.full_name, User.email, User.status, User.mentor_id, StudentProfile)
            .join(StudentProfile, StudentProfile.user_id == User.id)
            .where(User.role == "student", User.deleted_at.is_(None))
        ).all()
    wanted = [
        (r.full_name, r.id)
        for r in rows
        if skill in [" ".join(s.split()).casefold() for s in r.StudentProfile.needed_skills]
        and (not unassigned or (r.status == "Active" and r.mentor_id is None))
        and (text.casefold() in r.full_name.casefold() or text.casefold() in r.email.casefold())
    ]
    return [sid for _name, sid in sorted(wanted)]


async def test_students_by_needed_skill(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        table = _students_table(screen)
        await pilot.press("f")  # students without a mentor
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        box = screen.query_one("#assign-skill", Input)
        assert app.focused is box
        await type_text(pilot, "PYT")  # completes to the skill the students need
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is table and box.value == "python"
        unassigned = _needing(app, "python", unassigned=True)
        assert 0 < len(unassigned) < 4  # some, not all, of the four without a mentor
        assert await _listed(pilot, table) == unassigned
        assert "needing 'python'" in str(screen.query_one("#assign-mode", Static).render())

        await pilot.press("f")  # everyone who needs python, mentor or not
        await settle(pilot)
        everyone = _needing(app, "python", unassigned=False)
        assert len(everyone) > len(unassigned)
        assert await _listed(pilot, table) == everyone

        await pilot.press("slash")  # and a name filter on top
        await type_text(pilot, "an")
        await pilot.press("enter")  # back to the list
        await settle(pilot)
        both = _needing(app, "python", unassigned=False, text="an")
        assert 0 < len(both) < len(everyone)
        assert await _listed(pilot, table) == both

        await pilot.press("slash", "escape")  # clears the name filter, keeps the skill
        await settle(pilot)
        assert table.row_count == len(everyone)
        await pilot.press("escape")  # clears the skill
        await settle(pilot)
        assert table.row_count == 60

        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "cobol")
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is box  # refused in one sentence; nothing changed
        assert any(
            n.message == "No student needs a skill that begins with 'cobol'."
            for n in app._notifications
        )
        assert table.row_count == 60


async def test_match_draft_apply_some(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("t", "d")
        await settle(pilot)
        draft = screen._draft
        assert draft is not None and len(draft.matches) >= 3
        await pilot.press("space", "down", "space")  # mark the first and third pairs
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
    chosen = {draft.matches[0], draft.matches[2]}
    for match in draft.matches:
        expected = match.mentor.id if match in chosen else None
        assert _user(app, match.student.id).mentor_id == expected


async def test_draft_matches_the_core(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    with session_scope(app.services.engine) as session:
        expected = draft_matches(session, app.services.actor, config=app.services.config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("t", "d")
        await settle(pilot)
        assert screen._draft is not None
        assert screen._draft.total_score == expected.total_score
        await pilot.press("x")  # none applied
        await settle(pilot)
        assert screen._draft is None
    for match in expected.matches:
        assert _user(app, match.student.id).mentor_id is None


async def test_mentor_create_then_deactivate(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("m", "c")
        await settle(pilot)
        for text in ("aaron@example.org", "Aaron Aardvark", "", "python, sql", "", "", "", ""):
            await type_text(pilot, text) if text else None
            await pilot.press("tab")
        # the timezone, capacity, hours and style keep their defaults
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        mentor = _user(app, "aaron@example.org")
        assert mentor.role == "mentor" and mentor.status == "Active"
        with session_scope(app.services.engine) as session:
            profile = session.execute(
                select(MentorProfile).where(MentorProfile.user_id == mentor.id)
            ).scalar_one()
            assert profile.capacity == app.services.config.max_students_per_mentor
            assert list(profile.expertise) == ["python", "sql"]
        # sorted by name, Aaron is the first row
        await pilot.press("home", "x")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert _user(app, "aaron@example.org").status == "Inactive"


async def test_deactivating_a_mentor_with_students_is_refused(
    template: Path, tmp_path: Path
) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("m")
        await settle(pilot)
        first = screen._mentors[0]
        assert first.student_count > 0
        await pilot.press("x", "enter")
        await settle(pilot)
        assert any("still has" in n.message for n in app._notifications)
    assert _user(app, first.id).status == "Active"


async def test_mark_unavailable_preview_then_apply(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("m")
        await settle(pilot)
        mentor = screen._mentors[0]
        await pilot.press("u")
        await settle(pilot)
        await type_text(pilot, "parental leave")
        await pilot.press("enter", "enter")  # reason, then an empty date: preview
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await settle(pilot)
    with session_scope(app.services.engine) as session:
        profile = session.execute(
            select(MentorProfile).where(MentorProfile.user_id == mentor.id)
        ).scalar_one()
        assert profile.unavailable_reason == "parental leave"
        left = session.execute(select(User.id).where(User.mentor_id == mentor.id)).all()
        assert left == [] or len(left) < mentor.student_count


async def test_audit_log_filter(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot)
        await pilot.press("f")
        await settle(pilot)
        student_id = _students_table(screen).cursor_key
        await pilot.press("b", "enter")
        await settle(pilot)
        await pilot.press("l", "slash")
        await type_text(pilot, "admin@")
        await pilot.press("tab", "tab")
        await type_text(pilot, "assign")
        await settle(pilot)
        table = screen.query_one("#audit-table", PagedTable)
        assert table.row_count == 1 and table.cursor_key is not None
        with session_scope(app.services.engine) as session:
            entry = session.get(AuditEntry, table.cursor_key)
            assert entry.entity_id == student_id and entry.action == "assign"
            student = session.get(User, student_id)
            mentor = session.get(User, student.mentor_id)
            admin = session.get(User, entry.actor_id)
            sentence = f"{admin.full_name} assigned {student.full_name} to {mentor.full_name}."
        shown = html.unescape("".join(re.findall(r">([^<]*)</text>", app.export_screenshot())))
        shown = shown.replace("\xa0", " ")
        assert sentence in shown and '"mentor_id"' not in shown  # a sentence, not JSON
        await pilot.press("tab")
        await type_text(pilot, "1999-01-01")
        await settle(pilot)
        assert table.row_count == 0


async def test_csv_import_with_progress(template: Path, tmp_path: Path) -> None:
    good = tmp_path / "people.csv"
    good.write_text(
        "full_name,email,role\nZed Zephyr,zed@example.org,student\nYu Yamada,yu@example.org,student\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("full_name,email,role\nNo Mail,not-an-email,student\n", encoding="utf-8")
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("m", "i")
        await settle(pilot)
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CsvImportScreen)  # refused: the dialog stays
        assert any("Nothing was imported" in n.message for n in app._notifications)
        box = app.screen.query_one("#csv-path", Input)
        box.value = ""
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
    assert _user(app, "zed@example.org").role == "student"
    assert _user(app, "yu@example.org").full_name == "Yu Yamada"
    with session_scope(app.services.engine) as session:
        assert session.execute(select(User).where(User.email == "not-an-email")).first() is None


async def test_csv_import_of_hundreds_of_rows_shows_progress_by_rows(
    template: Path, tmp_path: Path
) -> None:
    # 400 rows: eight of the import's progress steps (one every PROGRESS_EVERY = 50 rows), so
    # the bar is seen between its first and its last step as a thousand rows showed it, at
    # 40% of the writing (that writing was most of this test's time)
    people = write_people_csv(tmp_path / "people.csv", mentors=10, students=390, capacity=30)
    assert people.rows == 8 * PROGRESS_EVERY
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("m", "i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CsvImportScreen)
        dialog.query_one("#csv-path", Input).value = str(people.path)
        shown: list[tuple[int, int]] = []
        show = dialog._show_progress

        def recorded(done: int, total: int) -> None:
            # each step as the bar shows it, on the UI thread while the worker waits for it
            # (polling between pauses missed steps when a busy machine made the pauses long)
            show(done, total)
            assert dialog.last_progress is not None
            shown.append(dialog.last_progress)

        dialog._show_progress = recorded  # type: ignore[method-assign]
        await pilot.press("enter")
        for _ in range(2400):  # at most two minutes; the import takes seconds
            if app.screen is not dialog:
                break
            await pilot.pause(0.05)  # the UI keeps running while the worker writes
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        assert dialog.last_progress == (400, 400)  # the bar reached the total
        # it moved while the rows were written, not only at the end
        assert any(0 < done < total for done, total in shown)
        assert all(total == 400 for _done, total in shown)
        assert [done for done, _ in shown] == sorted(done for done, _ in shown)
        assert any(
            n.message == "Imported 400 users (10 mentor, 390 student)." for n in app._notifications
        )
    with session_scope(app.services.engine) as session:
        imported = session.execute(
            select(User.role, User.mentor_id).where(User.email.like("%@import.example.org"))
        ).all()
    assert len(imported) == people.rows == 400
    assert sum(1 for role, _ in imported if role == "mentor") == 10
    assert sum(1 for _, mentor in imported if mentor is not None) == people.assigned


async def test_a_mentor_cannot_reach_the_admin_screen(template: Path, tmp_path: Path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "m.db"), MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.current_mode
        await pilot.press("6")
        await settle(pilot)
        assert app.current_mode == before
        assert not isinstance(app.screen, AdminScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Admin" not in titles and "Dashboard" in titles


async def test_the_admin_palette_has_the_admin_entry(template: Path, tmp_path: Path) -> None:
    app = _admin_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Admin" in titles


# -- snapshots ------------------------------------------------------------------------------


def test_snapshot_assignment_view(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(_admin_app(template, tmp_path), terminal_size=SIZE, run_before=go)


def test_snapshot_matching_draft(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("t", "d")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(_admin_app(template, tmp_path), terminal_size=SIZE, run_before=go)
