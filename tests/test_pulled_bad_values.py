"""Defence in depth (issue 15): a store that pulled values this version cannot show (a note
kind ``banana``, the time zone ``Mars/Olympus``, a submission status ``banana``: from an older
server, from the LMS bridge) shows them as unknown and keeps working. The values are written
straight into the store's tables, as a pull would; the CLI verbs and the screens that read
them neither crash nor empty out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from app_support import FROZEN_NOW, MENTOR, copy_store, services_for, settle
from sqlalchemy import select
from textual.widgets import OptionList, Static

from mentor_tui import cli
from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, User


@pytest.fixture
def spoiled(template: Path, tmp_path: Path) -> Path:
    path = copy_store(template, tmp_path / "pulled.db")
    conn = sqlite3.connect(path)
    with conn:
        mentor = conn.execute("SELECT id FROM users WHERE email = ?", (MENTOR,)).fetchone()[0]
        # one note of each of the mentor's students, of a kind nobody knows
        conn.execute(
            "UPDATE mentorship_notes SET kind = 'banana' WHERE id IN (SELECT min(id) FROM "
            "mentorship_notes WHERE mentor_id = ? AND deleted_at IS NULL GROUP BY student_id)",
            (mentor,),
        )
        for table, where in (
            ("users", "id = ?"),
            ("users", "mentor_id = ?"),
            ("mentorship_sessions", "mentor_id = ?"),
        ):
            conn.execute(f"UPDATE {table} SET timezone = 'Mars/Olympus' WHERE {where}", (mentor,))
        conn.execute(
            "UPDATE submissions SET status = 'banana' WHERE id IN (SELECT s.id FROM submissions s "
            "JOIN users u ON u.id = s.student_id WHERE u.mentor_id = ? LIMIT 3)",
            (mentor,),
        )
    conn.close()
    return path


def _a_student_with_an_unknown_note(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT u.email FROM mentorship_notes n JOIN users u ON u.id = n.student_id "
            "WHERE n.kind = 'banana' LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["notes", "list", "{student}"],
        ["queue"],
        ["sessions", "list"],
        ["notes", "list", "{student}", "--json"],
    ],
)
def test_the_cli_verbs_show_what_they_can_and_exit_0(
    spoiled: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    student = _a_student_with_an_unknown_note(spoiled)
    args = [a.format(student=student) for a in argv]
    code = cli.main([*args, "--db", str(spoiled), "--user", MENTOR])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err and "timezone" not in err
    if argv[:2] == ["notes", "list"] and "--json" not in argv:
        assert "unknown kind" in out
    assert out.strip(), "the verb emptied out"


async def test_the_notes_screen_and_the_dashboard_show_every_row(
    spoiled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    services = services_for(spoiled, MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = app.screen
        assert type(screen).__name__ == "DashboardScreen"
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        while " min " not in str(screen.query_one("#sessions", Static).render()):
            shown = str(screen.query_one("#sessions", Static).render())
            assert loop.time() < end, f"the dashboard's sessions never showed: {shown!r}"
            await pilot.pause(0.05)

        await pilot.press("4")
        await settle(pilot)
        notes_screen = app.screen
        student_id = notes_screen.student_id
        with session_scope(services.engine) as s:
            mentor = s.execute(select(User).where(User.email == MENTOR)).scalar_one()
            rows = s.execute(
                select(MentorshipNote.kind).where(
                    MentorshipNote.mentor_id == mentor.id,
                    MentorshipNote.student_id == student_id,
                    MentorshipNote.deleted_at.is_(None),
                )
            ).scalars()
            kinds = list(rows)
        assert "banana" in kinds and len(kinds) > 1
        listing = notes_screen.query_one("#notes-list", OptionList)
        assert listing.option_count == len(kinds), "every note is listed, the unknown one too"
        labels = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("unknown kind" in label for label in labels), labels

        # the note opens, and ctrl+k gives it a kind this version knows
        listing.focus()
        listing.highlighted = next(i for i, t in enumerate(labels) if "unknown kind" in t)
        await settle(pilot)
        assert (
            "unknown kind" in str(notes_screen.query_one("#notes-header", Static).render()).lower()
        )
        unknown = notes_screen.draft.note_id
        await pilot.press("ctrl+k")
        await asyncio.sleep(1.2)
        await settle(pilot)
        with session_scope(services.engine) as s:
            assert s.get(MentorshipNote, unknown).kind == "note"
