"""Shared set-up for the app's Pilot and snapshot tests: a small demo store with a frozen clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mentor_tui.config import Config
from mentor_tui.core.people.settings import sign_in
from mentor_tui.core.services import Services
from mentor_tui.db.engine import make_engine, session_scope

REFERENCE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FROZEN_NOW = REFERENCE + timedelta(minutes=17)
MENTOR = "mentor@example.org"
ADMIN = "admin@example.org"


def build_template(folder: Path) -> Path:
    from mentor_tui.demo.build import build_demo

    path = folder / "template.db"
    build_demo(path, students=60, mentors=5, seed=7, reference=REFERENCE)
    return path


def copy_store(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


def services_for(path: Path, email: str | None) -> Services:
    engine = make_engine(path)
    actor = None
    if email is not None:
        with session_scope(engine) as session:
            actor = sign_in(session, email)
    return Services(engine, path, Config(), actor)


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key, as a person would."""
    for char in text:
        await pilot.press(char)


async def settle(pilot) -> None:
    """Let every worker finish and the screen repaint."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
