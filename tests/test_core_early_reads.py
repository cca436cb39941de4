"""``mentor-tui report program`` starts three of its reads over all time on a plain
``sqlite3`` connection before SQLAlchemy is imported (``core/analytics/early_reads.py``): their
rows equal the report's own reads, the report made with them equals the report made without,
and they start only on a store at the code's revision."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, copy_store

from mentor_tui.cli import main
from mentor_tui.config import Config
from mentor_tui.core.access import actor_for_email
from mentor_tui.core.analytics import early_reads as early_module
from mentor_tui.core.analytics.correlations import FEEDBACK_PAIRS, _turnaround
from mentor_tui.core.analytics.early_reads import start_early_reads
from mentor_tui.core.analytics.program import (
    by_specialization,
    program_figures,
    specialization_rows,
)
from mentor_tui.db.engine import make_engine, session_scope


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    return copy_store(template, tmp_path / "early.db")


def test_the_early_rows_equal_the_reports_own_reads(store: Path) -> None:
    early = start_early_reads(store)
    assert early is not None
    found = early.result()
    assert found is not None
    engine = make_engine(store)
    try:
        with session_scope(engine) as s:
            # the mean review time as the review turnaround groups it in SQLAlchemy
            hours = dict(s.connection().execute(_turnaround()).all())
            pairs = [tuple(row) for row in s.connection().execute(FEEDBACK_PAIRS).all()]
            grouped = by_specialization(s)  # the progress rows grouped, not the kept totals
            admin = actor_for_email(s, ADMIN)
            plain = program_figures(s, admin, Config(), now=FROZEN_NOW)
            again = start_early_reads(store)
            with_early = program_figures(s, admin, Config(), now=FROZEN_NOW, early_reads=again)
    finally:
        engine.dispose()
    assert hours and pairs
    assert found.review_hours == hours
    assert found.feedback_pairs == pairs
    assert grouped and specialization_rows(found.specializations) == grouped
    assert [t.rows for t in with_early.report.tables] == [t.rows for t in plain.report.tables]
    assert with_early.correlations == plain.correlations


def test_they_start_only_on_a_store_at_the_codes_revision(store: Path, tmp_path: Path) -> None:
    assert start_early_reads(tmp_path / "missing.db") is None
    assert not (tmp_path / "missing.db").exists()  # nothing made
    conn = sqlite3.connect(store)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0021'")
    conn.close()
    assert start_early_reads(store) is None


def test_the_cli_program_report_uses_them(store: Path, monkeypatch, capsys) -> None:
    used: list[object] = []
    result = early_module.EarlyReads.result

    def counted(self):
        found = result(self)
        used.append(found)
        return found

    monkeypatch.setattr(early_module.EarlyReads, "result", counted)
    argv = ["report", "program", "--format", "json", "--db", str(store), "--user", ADMIN]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(used) == 1 and used[0] is not None
    pairs = {row["name"]: row["n"] for row in report["tables"][-1]["rows"]}
    assert pairs["Feedback length vs resubmission success"] == sum(
        n for _, _, n in used[0].feedback_pairs
    )
