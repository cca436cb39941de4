"""The at-risk scores counted where a bulk write already takes its time (issue 21): a store
the demo builder made, a store a first snapshot or the bridge's first pass filled, and a
store upgraded to revision 0023 once it is opened keep every student's score with a basis,
equal to a full recount as of that basis, so the students list's first read in the at-risk
order counts none of them; and the refresh the app runs after its start-up figures, a chunk
per transaction, leaves a new basis and every score equal to a recount as of it."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import ADMIN, REFERENCE, copy_store, services_for, settle
from sqlalchemy import select, text

from mentor_tui.app.main import MentorApp
from mentor_tui.config import Config
from mentor_tui.core import clock
from mentor_tui.core.people import risk_keys
from mentor_tui.core.people.student_figures import RiskContext
from mentor_tui.core.services import Services
from mentor_tui.db.derived_tables import RISK, RISK_BASIS, RISK_STALE
from mentor_tui.db.engine import make_engine, session_scope
from tests import sync_helpers

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

LATER = REFERENCE + timedelta(days=20)


class _Basis:
    def __init__(self, row) -> None:
        self.now, self.idle_before = row.now, row.idle_before
        self.overdue_before, self.behind_threshold = row.overdue_before, row.behind


def _risk_indexes(engine) -> set[str]:
    """The SQL of the scores table's indexes (every score written afresh drops them and makes
    them again, once the rows are in)."""
    found = text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :name")
    with engine.connect() as conn:
        return {str(sql) for (sql,) in conn.execute(found, {"name": RISK.name}) if sql}


def _fresh_risk_indexes() -> set[str]:
    with tempfile.TemporaryDirectory() as folder:
        fresh = make_engine(Path(folder) / "fresh.db")
        try:
            return _risk_indexes(fresh)
        finally:
            fresh.dispose()


def _kept_as_recounted(engine, at_least: int = 10) -> _Basis:
    """The basis, after checking no student is stale, every kept score is the recount's and
    the table has the indexes a fresh store's has."""
    made = _fresh_risk_indexes()
    assert made and _risk_indexes(engine) == made
    with session_scope(engine) as session:
        b = session.execute(select(RISK_BASIS)).one_or_none()
        assert b is not None, "no basis: the first read would count every student"
        assert not session.execute(select(RISK_STALE)).all()
        basis = _Basis(b)
        recounted = risk_keys.recount(session, basis)
        assert len(recounted) >= at_least
        assert risk_keys.kept(session) == recounted
        return basis


def test_a_demo_built_store_keeps_every_score(template: Path) -> None:
    engine = make_engine(template, migrate=False)
    try:
        _kept_as_recounted(engine)
    finally:
        engine.dispose()


def test_a_first_snapshot_into_an_empty_store_keeps_every_score(
    program: sync_helpers.Program,
) -> None:
    h = program.harness
    store = h.store("fresh")
    h.login(store, "m1@example.org")
    _kept_as_recounted(store, at_least=1)


@pytest.mark.postgres
def test_a_bridge_first_pass_keeps_every_score(pg_url: str, tmp_path: Path) -> None:
    from mentor_tui.lms import bridge
    from tests.lms_support import make_platform

    store = make_engine(tmp_path / "store.db")
    try:
        bridge.run_pass(make_platform(pg_url), store, Config())
        _kept_as_recounted(store, at_least=1)
    finally:
        store.dispose()


def _as_upgraded(path: Path) -> None:
    """The store as the upgrade to revision 0023 leaves it: its at-risk tables made empty."""
    conn = sqlite3.connect(path)
    try:
        for table in ("student_risk", "student_risk_basis", "student_risk_stale"):
            conn.execute(f"DELETE FROM {table}")
        conn.commit()
    finally:
        conn.close()


def test_an_upgraded_store_counts_every_score_when_first_opened(
    template: Path, tmp_path: Path
) -> None:
    path = copy_store(template, tmp_path / "store.db")
    _as_upgraded(path)
    services = Services(None, path, Config())
    try:
        _kept_as_recounted(services.engine)
    finally:
        services.engine.dispose()


def test_the_refresh_brings_every_score_to_now_a_chunk_at_a_time(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    with session_scope(services.engine) as session:
        risk_keys.count_all(session, Config(), REFERENCE)
    monkeypatch.setattr(clock, "now", lambda: LATER)
    with session_scope(services.engine) as session:
        moved = risk_keys.moved(session, RiskContext.build(session, Config(), LATER))
        assert moved is not None and len(moved) > 3  # twenty days on: some crossed a bound
    monkeypatch.setattr(risk_keys, "REFRESH_AT", 0)
    monkeypatch.setattr(risk_keys, "CHUNK", 2)
    steps: list[int] = []

    def run(job):
        steps.append(1)
        return services.run(job)

    assert risk_keys.refresh(run, Config()) >= len(moved)
    assert len(steps) >= 1 + len(moved) // 2 + 1  # the start, the chunks, the empty last one
    assert _kept_as_recounted(services.engine).now == LATER


async def test_the_app_refreshes_the_scores_after_its_start_up_figures(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_for(copy_store(template, tmp_path / "store.db"), ADMIN)
    with session_scope(services.engine) as session:
        risk_keys.count_all(session, Config(), REFERENCE)
    monkeypatch.setattr(clock, "now", lambda: LATER)
    monkeypatch.setattr(risk_keys, "REFRESH_AT", 0)
    refresh = risk_keys.refresh
    figures_in: list[bool] = []
    app = MentorApp(services)

    def recording(run, config):
        figures_in.append(app._after_home_figures is None)
        return refresh(run, config)

    monkeypatch.setattr(risk_keys, "refresh", recording)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
    assert figures_in == [True]
    assert _kept_as_recounted(services.engine).now == LATER
