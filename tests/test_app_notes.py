"""Pilot tests of the notes screen (key `4`): real keys, checked against the store."""

from __future__ import annotations

import asyncio
import sys
from datetime import date

import pytest
from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import JournalEntry, MentorshipNote, User
from mentor_tui.screens.notes.due_date import DueDateScreen
from mentor_tui.screens.notes.notes import NOT_AUTHOR, NotesScreen

SIZE = (130, 40)


def _mentor_notes(services) -> list[MentorshipNote]:
    with session_scope(services.engine) as session:
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        rows = session.execute(
            select(MentorshipNote).where(
                MentorshipNote.mentor_id == mentor.id, MentorshipNote.deleted_at.is_(None)
            )
        ).scalars()
        return [MentorshipNote.model_validate(r) for r in rows]


def _note(services, note_id: str) -> MentorshipNote:
    with session_scope(services.engine) as session:
        row = session.get(MentorshipNote, note_id)
        return MentorshipNote.model_validate(row)


async def _open_notes(pilot) -> NotesScreen:
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NotesScreen)
    return screen


def _to_end(screen: NotesScreen) -> None:
    editor = screen.query_one("#notes-editor")
    editor.move_cursor(editor.document.end)


async def _wait_autosave(pilot) -> None:
    await asyncio.sleep(1.0)
    await settle(pilot)


async def test_typing_a_new_note_is_in_the_store_a_second_later(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    before = {n.id for n in _mentor_notes(services)}
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        student = screen.student_id
        await pilot.press("ctrl+n")
        await type_text(pilot, "# Talked about *recursion* [b]not markup[/b]")
        await _wait_autosave(pilot)
        new = [n for n in _mentor_notes(services) if n.id not in before]
        assert len(new) == 1
        assert new[0].note == "# Talked about *recursion* [b]not markup[/b]"
        assert new[0].student_id == student and new[0].kind == "note"
        # typing on saves into the same note (the version moves on, no conflict)
        await type_text(pilot, " more")
        await _wait_autosave(pilot)
        again = [n for n in _mentor_notes(services) if n.id not in before]
        assert [n.note for n in again] == ["# Talked about *recursion* [b]not markup[/b] more"]
        assert again[0].version > new[0].version


async def test_typing_on_without_a_pause_saves_every_second(template, tmp_path) -> None:
    """The autosave waits for a pause of 0.7 s, but never more than about a second (issue 15):
    a key every 50 ms for 1.6 s has the note in the store before the typing stops."""
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    before = {n.id for n in _mentor_notes(services)}
    app = MentorApp(services)
    text = "typing on and on without a pause"
    async with app.run_test(size=SIZE) as pilot:
        await _open_notes(pilot)
        await pilot.press("ctrl+n")
        for char in text:
            await pilot.press(char)
            await asyncio.sleep(0.05)
        await pilot.app.workers.wait_for_complete()  # no pause: a debounce alone has not fired
        new = [n.note for n in _mentor_notes(services) if n.id not in before]
        assert len(new) == 1 and new[0] and text.startswith(new[0])


async def test_edit_an_existing_note_and_switching_saves_at_once(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        assert screen.draft is not None and screen.draft.note_id is not None
        note_id, original = screen.draft.note_id, screen.draft.text
        await pilot.press("enter", "enter")  # students list -> notes list -> editor
        assert screen.focused is screen.query_one("#notes-editor")
        _to_end(screen)
        await type_text(pilot, " Follow-up ok")
        await pilot.press("ctrl+n")  # leaving the note saves it without waiting
        await settle(pilot)
        assert _note(services, note_id).note == original + " Follow-up ok"


async def test_kind_and_action_item_done_toggle(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        await pilot.press("ctrl+n")
        await type_text(pilot, "Send the reading list")
        await _wait_autosave(pilot)
        note_id = screen.draft.note_id
        assert _note(services, note_id).kind == "note"
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert _note(services, note_id).kind == "session_summary"
        await pilot.press("ctrl+k")
        await settle(pilot)
        row = _note(services, note_id)
        assert row.kind == "action_item" and row.done is False
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert _note(services, note_id).done is True
        assert "done" in str(screen.query_one("#notes-header").render())
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert _note(services, note_id).done is False
        # the text typed after the kind change still saves (versions kept in step)
        await type_text(pilot, " by Friday")
        await _wait_autosave(pilot)
        assert _note(services, note_id).note == "Send the reading list by Friday"


async def test_stale_save_keeps_the_text_and_says_so(template, tmp_path) -> None:
    from mentor_tui.core.notes import notes as core_notes

    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id = screen.draft.note_id
        services.run(lambda s: core_notes.save_note(s, services.actor, note_id, text="elsewhere"))
        await pilot.press("enter", "enter")
        _to_end(screen)
        await type_text(pilot, " mine")
        await _wait_autosave(pilot)
        assert _note(services, note_id).note == "elsewhere"
        assert screen.draft.conflict and screen.draft.text.endswith(" mine")
        assert screen.query_one("#notes-editor").text.endswith(" mine")
        assert "changed elsewhere" in str(screen.query_one("#notes-state").render())
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert _note(services, note_id).note.endswith(" mine")
        assert not screen.draft.conflict


async def test_search_and_open_a_result(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    target = max(_mentor_notes(services), key=lambda n: n.id)
    from mentor_tui.core.notes import notes as core_notes

    services.run(
        lambda s: core_notes.save_note(s, services.actor, target.id, text="Zebrafish résumé plan")
    )
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, "zebra resume")
        await pilot.press("enter")
        await settle(pilot)
        results = app.screen.query_one("#note-search-results")
        assert results.option_count == 1
        assert "Zebrafish" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.draft.note_id == target.id
        assert screen.student_id == target.student_id
        assert screen.query_one("#notes-editor").text == "Zebrafish résumé plan"


async def test_external_editor_unset_says_so(template, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        before = screen.draft.text
        await pilot.press("ctrl+e")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("No external editor is set" in m and "$EDITOR" in m for m in messages)
        assert screen.draft.text == before


async def test_external_editor_round_trip(template, tmp_path, monkeypatch) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "with open(sys.argv[1], 'a', encoding='utf-8') as f:\n"
        "    f.write('\\nedited in $EDITOR ✓')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id, before = screen.draft.note_id, screen.draft.text
        await pilot.press("ctrl+e")
        await settle(pilot)
        expected = before + "\nedited in $EDITOR ✓"
        assert screen.query_one("#notes-editor").text == expected
        assert _note(services, note_id).note == expected


async def test_admin_sees_only_a_count(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "a.db"), ADMIN)
    with session_scope(services.engine) as session:
        total = len(
            session.execute(
                select(MentorshipNote.id).where(MentorshipNote.deleted_at.is_(None))
            ).all()
        )
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        shown = str(app.screen.query_one("#notes-denied").render())
        assert NOT_AUTHOR in shown
        assert f"{total:,} notes exist" in shown


async def test_purge_asks_then_purges(template, tmp_path, monkeypatch) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    # a year and more later every demo note is due
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW.replace(year=FROZEN_NOW.year + 3))
    everything = _mentor_notes(services)
    # open action items are kept until they are done (issue 18)
    kept = [n for n in everything if n.kind == "action_item" and not n.done]
    count = len(everything) - len(kept)
    assert kept and count
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_notes(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert f"{count:,} of your notes" in str(app.screen.query_one("#confirm-lines").render())
        await pilot.press("enter")  # a destructive question: only y purges
        await settle(pilot)
        assert len(_mentor_notes(services)) == len(everything)
        assert app.screen.query("#confirm-lines")
        await pilot.press("n")
        await settle(pilot)
        assert len(_mentor_notes(services)) == len(everything)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert {n.id for n in _mentor_notes(services)} == {n.id for n in kept}


async def test_literal_text_any_script(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    before = {n.id for n in _mentor_notes(services)}
    nasty = "مرحبا 我们今天学习了 🎉 e\u0301 [red]x[/red] \x1b[31mred\x1b[0m"
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        await pilot.press("ctrl+n")
        screen.query_one("#notes-editor").insert(nasty)
        await _wait_autosave(pilot)
        new = [n for n in _mentor_notes(services) if n.id not in before]
        assert [n.note for n in new] == [nasty]
        label = str(screen.query_one("#notes-list").get_option(new[0].id).prompt)
        assert "[red]x[/red]" in label and "\x1b" not in label


async def test_n_on_a_student_opens_their_notes(template, tmp_path) -> None:
    from mentor_tui.screens.students.student_view import StudentViewScreen

    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    with session_scope(services.engine) as session:
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        students = (
            session.execute(
                select(User).where(User.mentor_id == mentor.id).order_by(User.full_name)
            )
            .scalars()
            .all()
        )
        student = students[-1]
        student_id, name = student.id, student.full_name
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.push_screen(StudentViewScreen(student_id))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        assert screen.student_id == student_id
        assert all(n.student_id == student_id for n in screen._notes)
        assert name in str(screen.query_one("#notes-list-title").render())
        # again, now that the notes screen exists: another student
        await pilot.press("2")
        await settle(pilot)
        app.push_screen(StudentViewScreen(students[0].id))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.student_id == students[0].id


# -- due dates (ctrl+d) ------------------------------------------------------------------------

MONDAY = date(2026, 3, 2)  # FROZEN_NOW is Monday 2 March 2026 in the mentor's Asia/Manila


def _due_box(app) -> DueDateScreen:
    assert isinstance(app.screen, DueDateScreen)
    return app.screen


async def _new_action_item(pilot, screen: NotesScreen, text: str) -> str:
    await pilot.press("ctrl+n")
    await type_text(pilot, text)
    await pilot.press("ctrl+k", "ctrl+k")  # note -> session summary -> action item
    await _wait_autosave(pilot)
    assert screen.draft.kind == "action_item" and screen.draft.note_id is not None
    return screen.draft.note_id


async def _set_due(pilot, typed: str, *, clear_first: bool = False) -> None:
    await pilot.press("ctrl+d")
    await settle(pilot)
    _due_box(pilot.app)
    if clear_first:
        await pilot.press("backspace")  # the current due date opens selected
    await type_text(pilot, typed)
    await pilot.press("enter")
    await settle(pilot)


async def test_ctrl_d_sets_changes_and_clears_a_due_date(template, tmp_path, frozen) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id = await _new_action_item(pilot, screen, "Send the CV to Ana")
        version = _note(services, note_id).version
        await _set_due(pilot, "fri")
        assert app.screen is screen
        assert (_note(services, note_id).due_date, _note(services, note_id).version) == (
            date(2026, 3, 6),
            version + 1,
        )
        assert "due Fri 06 Mar · in 4 days" in str(screen.query_one("#notes-header").render())
        label = str(screen.query_one("#notes-list").get_option(note_id).prompt)
        assert "○ due 06 Mar" in label
        # change it: the box opens with the current day selected, typing replaces it
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert _due_box(app).query_one("#due-input").value == "2026-03-06"
        await type_text(pilot, "+2w")
        assert "Monday 16 March 2026 · in 14 days" in str(
            _due_box(app).query_one("#due-meaning").render()
        )
        await pilot.press("enter")
        await settle(pilot)
        assert _note(services, note_id).due_date == date(2026, 3, 16)
        # clear it: empty input
        await _set_due(pilot, "", clear_first=True)
        row = _note(services, note_id)
        assert (row.due_date, row.version) == (None, version + 3)
        assert "no due date" in str(screen.query_one("#notes-header").render())
        with session_scope(services.engine) as session:
            changes = session.execute(
                select(JournalEntry.fields)
                .where(JournalEntry.entity_id == note_id)
                .order_by(JournalEntry.seq)
            ).all()
        assert [f.get("due_date") for (f,) in changes if "due_date" in f][-3:] == [
            "2026-03-06",
            "2026-03-16",
            None,
        ]


async def test_a_bad_due_date_is_one_sentence_and_saves_nothing(template, tmp_path, frozen) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id = await _new_action_item(pilot, screen, "Review the portfolio")
        await _set_due(pilot, "2026-03-20")
        before = _note(services, note_id)
        refusals = {
            "someday": (
                "A due date looks like 2026-03-31, today, tomorrow, +3d, +2w, fri or 13 mar, "
                "not 'someday'."
            ),
            "2026-02-30": "There is no 30 February 2026; February 2026 has 28 days.",
        }
        for typed, sentence in refusals.items():
            await pilot.press("ctrl+d")
            await settle(pilot)
            await pilot.press("backspace")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            box = _due_box(app)  # still open: a bad date is never handed back
            assert str(box.query_one("#due-meaning").render()) == sentence
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            after = _note(services, note_id)
            assert (after.due_date, after.version) == (before.due_date, before.version)
        # escape after a valid day changes nothing either
        await pilot.press("ctrl+d")
        await settle(pilot)
        await type_text(pilot, "tomorrow")
        await pilot.press("escape")
        await settle(pilot)
        assert _note(services, note_id).due_date == date(2026, 3, 20)


async def test_a_due_date_on_a_new_note_goes_with_its_first_save(
    template, tmp_path, frozen
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    before = {n.id for n in _mentor_notes(services)}
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        await pilot.press("ctrl+n", "ctrl+k", "ctrl+k")  # an empty new action item
        await _set_due(pilot, "tomorrow")
        assert [n for n in _mentor_notes(services) if n.id not in before] == []
        screen.query_one("#notes-editor").focus()
        await type_text(pilot, "Mock interview")
        await _wait_autosave(pilot)
        new = [n for n in _mentor_notes(services) if n.id not in before]
        assert [(n.note, n.kind, n.due_date) for n in new] == [
            ("Mock interview", "action_item", date(2026, 3, 3))
        ]


async def test_ctrl_d_on_a_plain_note_says_why_and_leaves_the_text(
    template, tmp_path, frozen
) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        assert screen.draft.kind == "note"
        note_id, text = screen.draft.note_id, screen.draft.text
        await pilot.press("enter", "enter")  # into the editor, where ctrl+d deletes otherwise
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#notes-editor").text == text
        assert any("Only an action item has a due date" in n.message for n in app._notifications)
        assert _note(services, note_id).due_date is None


async def test_overdue_open_action_items_stand_out(template, tmp_path, frozen) -> None:
    from mentor_tui.core.notes import notes as core_notes

    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id = await _new_action_item(pilot, screen, "Finish the capstone outline")
        await _set_due(pilot, "2026-02-27")
        listing = screen.query_one("#notes-list")
        prompt = listing.get_option(note_id).prompt
        overdue = [
            span for span in prompt.spans if "overdue" in prompt.plain[span.start : span.end]
        ]
        assert overdue and "red" in str(overdue[0].style)
        header = screen.query_one("#notes-header").render()
        assert "due Fri 27 Feb · 3 days overdue" in str(header)
        await pilot.press("ctrl+t")  # done: no longer overdue
        await settle(pilot)
        assert "overdue" not in str(listing.get_option(note_id).prompt)
        assert "✔ done" in str(listing.get_option(note_id).prompt)
        line = services.run(lambda s: core_notes.get_note(s, services.actor, note_id))
        assert line.done and not core_notes.is_overdue(line, MONDAY)


# -- snapshots (frozen clock) ----------------------------------------------------------------


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)


def test_snapshot_editor_with_a_note(snap_compare, frozen, template, tmp_path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))

    async def go(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter", "enter")
        pilot.app.screen.query_one("#notes-editor").cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_snapshot_search_results(snap_compare, frozen, template, tmp_path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))

    async def go(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        pilot.app.screen.query_one("#note-search-input").cursor_blink = False
        await type_text(pilot, "nudg follow")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


def test_snapshot_due_date_box(snap_compare, frozen, template, tmp_path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))

    async def go(pilot) -> None:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter", "down", "down", "down")  # the overdue action item
        await settle(pilot)
        assert pilot.app.screen.draft.kind == "action_item"
        await pilot.press("ctrl+d")
        await settle(pilot)
        pilot.app.screen.query_one("#due-input").cursor_blink = False
        await type_text(pilot, "fri")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go)


async def test_leaving_the_screen_saves_at_once(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id, original = screen.draft.note_id, screen.draft.text
        await pilot.press("enter", "enter")
        _to_end(screen)
        await type_text(pilot, "!")
        await pilot.press("escape")  # editor -> notes list
        assert screen.focused is screen.query_one("#notes-list")
        await pilot.press("1")  # another area: the note is saved without waiting
        await settle(pilot)
        assert _note(services, note_id).note == original + "!"


async def test_a_one_megabyte_note_opens_and_saves(template, tmp_path) -> None:
    from mentor_tui.core.notes import notes as core_notes

    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    target = min(_mentor_notes(services), key=lambda n: n.id)
    big = "".join(f"line {i} שלום 😀 [bold]x[/bold]\n" for i in range(30_000))
    assert len(big.encode()) > 1_000_000
    services.run(lambda s: core_notes.save_note(s, services.actor, target.id, text=big))
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        screen._select_student(target.student_id, open_note=target.id)
        await settle(pilot)
        assert screen.draft.note_id == target.id
        editor = screen.query_one("#notes-editor")
        assert editor.text == big
        editor.focus()
        _to_end(screen)
        await type_text(pilot, "end")
        await _wait_autosave(pilot)
        assert _note(services, target.id).note == big + "end"


async def test_kind_change_while_typing_keeps_both(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        await pilot.press("ctrl+n")
        await type_text(pilot, "Plan")
        await pilot.press("ctrl+k", "ctrl+k")  # before the first save: a new action item
        await type_text(pilot, " the demo")
        await _wait_autosave(pilot)
        row = _note(services, screen.draft.note_id)
        assert (row.note, row.kind) == ("Plan the demo", "action_item")
        await type_text(pilot, "!")
        await pilot.press("ctrl+t")  # done while the text is still unsaved
        await type_text(pilot, "!")
        await _wait_autosave(pilot)
        row = _note(services, screen.draft.note_id)
        assert (row.note, row.kind, row.done) == ("Plan the demo!!", "action_item", True)
        assert not screen.draft.conflict


async def test_help_lists_the_notes_keys(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_notes(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        described = {description for _key, description in app.screen.key_rows()}
        assert {
            "New note",
            "Kind",
            "Due date",
            "Preview",
            "Search",
            "$EDITOR",
            "Purge old",
        } <= described


async def test_quitting_right_after_typing_saves_first(template, tmp_path) -> None:
    services = services_for(copy_store(template, tmp_path / "m.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_notes(pilot)
        note_id, original = screen.draft.note_id, screen.draft.text
        await pilot.press("enter", "enter")
        _to_end(screen)
        await type_text(pilot, " bye")
        await pilot.press("ctrl+q")  # well inside the autosave delay
        await pilot.pause()
    assert _note(services, note_id).note == original + " bye"
