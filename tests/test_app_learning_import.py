"""Pilot test of the admin screen's learning import (key `I`): real keys, the store checked."""

from __future__ import annotations

import json
from pathlib import Path

from app_support import (
    ADMIN,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import func, select
from textual.widgets import Input

from mentor_tui.app.main import MentorApp
from mentor_tui.core.learning.keys import row_id
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Course, Module, ModuleProgress, User
from mentor_tui.screens.admin.admin import AdminScreen
from mentor_tui.screens.admin.csv_import import CsvImportScreen

SIZE = (130, 40)
COURSES = 40
MODULES = 5


def _records() -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        {"type": "user", "id": "s-new", "full_name": "Nia Newcomer",
         "email": "nia@import.example.org", "role": "student"},
    ]  # fmt: skip
    for c in range(COURSES):
        records.append({"type": "course", "id": f"c{c}", "title": f"Course {c}"})
        for m in range(MODULES):
            records.append(
                {"type": "module", "id": f"c{c}-m{m}", "course_id": f"c{c}",
                 "title": f"Module {m}", "position": m}
            )  # fmt: skip
    records.append({"type": "enrollment", "id": "e1", "user_id": "s-new", "course_id": "c0"})
    records.append(
        {"type": "progress", "id": "p1", "user_id": "s-new", "module_id": "c0-m0",
         "is_completed": True, "progress_percent": 100}
    )  # fmt: skip
    return records


async def test_import_learning_records_with_progress(template: Path, tmp_path: Path) -> None:
    records = _records()
    good = tmp_path / "lms.jsonl"
    good.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "course", "id": "x"}\n', encoding="utf-8")
    app = MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        await pilot.press("I")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CsvImportScreen)
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # refused: the dialog stays, nothing written
        assert any(
            "line 1, field 'title': a course needs a title." in n.message
            for n in app._notifications
        )
        dialog.query_one("#csv-path", Input).value = ""
        shown: list[tuple[int, int]] = []  # what the bar showed, each time it moved
        show = dialog._show_progress

        def showing(done: int, total: int) -> None:
            show(done, total)
            assert dialog.last_progress is not None
            shown.append(dialog.last_progress)

        dialog._show_progress = showing  # type: ignore[method-assign]
        await type_text(pilot, str(good))
        await pilot.press("enter")
        for _ in range(2400):  # at most two minutes; the import takes a second or two
            if app.screen is not dialog:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)
        total = len(records)
        assert dialog.last_progress == (total, total)
        assert any(0 < done < total for done, _ in shown)  # it moved during the writing
        assert [done for done, _ in shown] == sorted(done for done, _ in shown)
        rows = 2 + COURSES + COURSES * MODULES + 1 + MODULES  # account, profile, courses,
        # modules, the enrollment, and the student's progress rows for every module of its course
        said = [n.message for n in app._notifications]
        assert f"Imported {total} records; wrote {rows} rows." in said, said
        # the same file again: nothing written, and said so
        await pilot.press("I")
        await settle(pilot)
        await type_text(pilot, str(good))
        await pilot.press("enter")
        for _ in range(2400):
            if not isinstance(app.screen, CsvImportScreen):
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert any(
            n.message
            == f"Read {total} records; wrote 0 rows: the database already holds all of it."
            for n in app._notifications
        )
    with session_scope(app.services.engine) as session:
        assert session.execute(select(func.count()).select_from(Course).where(
            Course.id.in_([row_id("course", f"c{c}") for c in range(COURSES)])
        )).scalar_one() == COURSES  # fmt: skip
        assert session.execute(select(func.count()).select_from(Module).where(
            Module.course_id == row_id("course", "c0")
        )).scalar_one() == MODULES  # fmt: skip
        nia = session.get(User, row_id("user", "s-new"))
        assert nia is not None and nia.email == "nia@import.example.org"
        rows = session.execute(
            select(ModuleProgress.is_completed).where(ModuleProgress.user_id == nia.id)
        ).scalars().all()  # fmt: skip
        assert sorted(rows) == [False] * (MODULES - 1) + [True]
        assert session.get(Course, row_id("course", "x")) is None
