"""Profiles are what the matching and the free-slot finder stand on: after one profile change
(and nothing else) their answers change, and the explanation names the changed field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mentor_tui.cli import main
from mentor_tui.core import clock, writes
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorSpecialization
from tests import factory

ADMIN = "ada@example.org"
VERA = "vera@example.org"
UMA = "uma@example.org"
KIM = "kim@example.org"
FROZEN_NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def store(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Vera teaches visual, Uma mixed; both have Rust at proficiency 5, unverified, and Uma
    has Go as an expertise area. Kim learns visually and needs Rust; she has no mentor."""
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    with session_scope(engine) as s:
        factory.admin(s, "Ada Admin", email=ADMIN)
        vera = factory.mentor(s, "Vera", email=VERA, capacity=5)
        uma = factory.mentor(s, "Uma", email=UMA, capacity=5, expertise=["Go"])
        for mentor in (vera, uma):
            writes.insert(
                s,
                None,
                MentorSpecialization(
                    mentor_id=mentor.id, specialization="Rust", proficiency_level=5, verified=False
                ),
            )
        factory.student(s, "Kim", email=KIM, learning_style="visual", needed_skills=["Rust"])


def cli(db_path: Path, capsys, *argv: str, user: str = ADMIN):
    try:
        code = main([*argv, "--json", "--db", str(db_path), "--user", user])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert (code or 0, err) == (0, ""), err
    return json.loads(out)


def _match(db_path: Path, capsys) -> dict:
    (kim,) = cli(db_path, capsys, "match")["assignments"]
    return kim


def test_verifying_a_specialization_is_why_the_match_changes(db_path, capsys, store) -> None:
    cli(db_path, capsys, "mentors", "edit", VERA, "--teaching-style", "visual")
    cli(db_path, capsys, "mentors", "edit", UMA, "--teaching-style", "mixed")
    before = _match(db_path, capsys)
    # equal skills (Rust 5, unverified, both), Vera's style fits better: Vera
    assert before["mentor_email"] == VERA
    assert (
        "skills 32.00/40: Rust (specialization, proficiency 5, unverified, counted at 80%)"
        in before["reasons"]
    )
    cli(db_path, capsys, "mentors", "edit", UMA, "--verify", "Rust")
    after = _match(db_path, capsys)
    assert after["mentor_email"] == UMA
    assert after["reasons"][0] == (
        "skills 40.00/40: Rust (specialization, proficiency 5, verified, counted in full)"
    )
    # nothing else about Uma changed: her other lines are what they were against Kim
    ranked = {line["criterion"]: line for line in after["breakdown"]}
    assert ranked["teaching_style"]["points"] == 10.5  # mixed for a visual learner, as before


def test_a_students_needs_are_why_the_match_changes(db_path, capsys, store) -> None:
    cli(db_path, capsys, "mentors", "edit", VERA, "--teaching-style", "visual")
    cli(db_path, capsys, "mentors", "edit", UMA, "--teaching-style", "mixed")
    assert _match(db_path, capsys)["mentor_email"] == VERA
    cli(db_path, capsys, "students", "edit", KIM, "--needs", "Go")
    after = _match(db_path, capsys)
    assert after["mentor_email"] == UMA
    assert after["reasons"][0] == "skills 24.00/40: Go (expertise)"


def test_windows_and_time_zones_are_why_the_free_slots_change(db_path, capsys, store) -> None:
    assert main(["assign", KIM, VERA, "--db", str(db_path), "--user", ADMIN]) == 0
    capsys.readouterr()
    weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    cli(db_path, capsys, "availability", "set", VERA, *[f"{d} 07:00-17:00" for d in weekdays])
    cli(db_path, capsys, "availability", "set", KIM, "Tue 10:00-11:00", "--tz", "UTC")
    (slot,) = cli(db_path, capsys, "sessions", "free", KIM, "--count", "1")
    assert slot["starts_at_utc"] == "2026-03-03T10:00:00+00:00"
    # the same window in another zone: the slot moves by the offset
    cli(db_path, capsys, "students", "edit", KIM, "--timezone", "Europe/Athens")
    (slot,) = cli(db_path, capsys, "sessions", "free", KIM, "--count", "1")
    assert slot["starts_at_utc"] == "2026-03-03T08:00:00+00:00"
    assert slot["student"]["starts_at"] == "2026-03-03T10:00:00+02:00"
    # new windows: Monday afternoon comes first
    cli(db_path, capsys, "availability", "set", KIM, "Mon 15:00-16:00", "Tue 10:00-11:00")
    (slot,) = cli(db_path, capsys, "sessions", "free", KIM, "--count", "1")
    assert slot["starts_at_utc"] == "2026-03-02T13:00:00+00:00"
    # the mentor's own day off on Monday: back to Tuesday
    cli(db_path, capsys, "availability", "except", VERA, "2026-03-02", user=VERA)
    (slot,) = cli(db_path, capsys, "sessions", "free", KIM, "--count", "1")
    assert slot["starts_at_utc"] == "2026-03-03T08:00:00+00:00"
