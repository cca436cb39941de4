"""The server starts and ends mentors' absences by itself (issue 18), the clock moved: nobody
runs `mentors due` and no admin's app is open; `run_upkeep` (what `serve` runs every ten
minutes) moves Maria's students to her backup on her first day away, through the change log
(the substitute's store gets them, Maria's loses them, the admin sees the absence under way),
and back the day after her last."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.matching.substitution import plan_absence
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, Notification, User
from mentor_tui.db.people_models import MentorAbsence
from mentor_tui.server import upkeep
from mentor_tui.server.upkeep import run_upkeep
from tests import sync_helpers
from tests.sync_helpers import Program, actor_in, live_rows

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

ADMIN = "admin@example.org"
M1, M2 = "m1@example.org", "m2@example.org"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)


@pytest.fixture
def moving(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(clock, "now", lambda: c.now)
    return c


def _mentor_of(engine, student_id: str) -> str | None:
    with Session(engine) as s:
        row = s.get(User, student_id)
        return None if row is None else row.mentor_id


def test_the_server_moves_students_on_the_first_day_and_back_after_the_last(
    program: Program, moving: Clock
) -> None:
    _away_and_back(program, moving)


@pytest.mark.postgres
def test_the_same_on_postgresql_one_process_at_a_time(
    pg_url: str, tmp_path: Path, moving: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_helpers.fast_hashing(monkeypatch)
    h = sync_helpers.Harness(tmp_path, pg_url)
    try:
        program = sync_helpers.seed_program(h)
        with h.engine.connect() as other:  # another server process holds the upkeep's lock
            other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": upkeep._LOCK_KEY})
            _plan(program, moving)
            moving.now += timedelta(days=1)
            assert run_upkeep(h.engine) == 0  # it skips its turn
            other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": upkeep._LOCK_KEY})
            other.commit()
        assert run_upkeep(h.engine) > 0
        h.sync(program.admin_store)
        assert _mentor_of(program.admin_store, program.ids["s1"]) == program.ids["m2"]
    finally:
        h.close()


def _plan(program: Program, moving: Clock) -> str:
    """Maria (m1) away tomorrow and the day after, Mark (m2) her backup with room."""
    h, admin, ids = program.harness, program.admin_store, program.ids
    today = moving.now.date()
    with session_scope(admin) as s:
        actor = actor_in(admin, ADMIN)
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == ids["m1"])
        ).scalar_one()
        writes.update(s, actor.id, profile, {"backup_mentor_id": ids["m2"], "capacity": 5})
        m2 = s.execute(select(MentorProfile).where(MentorProfile.user_id == ids["m2"])).scalar_one()
        writes.update(s, actor.id, m2, {"capacity": 5})
        absence_id = plan_absence(
            s, actor, M1, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=2),
            reason="conference", config=Config(),
        ).id  # fmt: skip
    h.sync(admin)
    return absence_id


def _away_and_back(program: Program, moving: Clock) -> None:
    h, admin, ids = program.harness, program.admin_store, program.ids
    absence_id = _plan(program, moving)
    maria, mark = h.store("maria"), h.store("mark")
    h.login(maria, M1)
    h.login(mark, M2)
    assert ids["s1"] in live_rows(maria, "users") and ids["s1"] not in live_rows(mark, "users")

    assert run_upkeep(h.engine) == 0  # not yet
    moving.now += timedelta(days=1)  # her first day away
    assert run_upkeep(h.engine) > 0
    assert run_upkeep(h.engine) == 0  # done once
    for store in (admin, maria, mark):
        h.sync(store)
    assert _mentor_of(admin, ids["s1"]) == ids["m2"] == _mentor_of(admin, ids["s3"])
    assert ids["s1"] in live_rows(mark, "users")  # the substitute has them
    assert ids["s1"] not in live_rows(maria, "users")  # and Maria's store does not
    with Session(admin) as s:
        assert s.get(MentorAbsence, absence_id).state == "active"
    with Session(mark) as s:
        told = s.execute(
            select(Notification.type).where(Notification.user_id == ids["m2"])
        ).scalars()
        assert "new_student_assignment" in set(told)

    moving.now += timedelta(days=1)  # her last day: still away
    assert run_upkeep(h.engine) == 0
    moving.now += timedelta(days=1)  # the day after
    assert run_upkeep(h.engine) > 0
    for store in (admin, maria, mark):
        h.sync(store)
    assert _mentor_of(admin, ids["s1"]) == ids["m1"] == _mentor_of(maria, ids["s1"])
    assert ids["s1"] not in live_rows(mark, "users")
    with Session(admin) as s:
        assert s.get(MentorAbsence, absence_id).state == "ended"
    with Session(maria) as s:
        told = set(
            s.execute(select(Notification.type).where(Notification.user_id == ids["m1"])).scalars()
        )
        assert "mentor_back" in told


def test_nothing_open_means_nothing_pushed(program: Program) -> None:
    assert run_upkeep(program.harness.engine) == 0


def test_serve_runs_the_upkeep_at_start(program: Program, moving: Clock) -> None:
    """`mentor-tui serve` itself (a real process, the real clock): an absence whose first day
    is today starts as the server starts, with no admin anywhere."""
    moving.now -= timedelta(days=1)  # planned yesterday, for today
    _plan(program, moving)
    h, ids = program.harness, program.ids
    assert _mentor_of(h.engine, ids["s1"]) == ids["m1"]
    port = sync_helpers.free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mentor_tui", "serve", "--database", h.url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        sync_helpers.wait_until(lambda: _mentor_of(h.engine, ids["s1"]) == ids["m2"], timeout=30)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert b"upkeep: mentor substitutions started or ended" in err
