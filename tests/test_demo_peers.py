"""The demo's peer mentorship (issue 20): the demo mentor has a certified peer mentor who
facilitates a study group of their other students and peer-reviewed some of their pending work;
the rows follow the core's rules (read back through the core), come from the seed alone, and
leave every other row of the demo as it was. With Pilot: the demo mentor confirms one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from app_support import (
    MENTOR,
    REFERENCE,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.core.access import Actor
from mentor_tui.core.peers.certify import peer_views
from mentor_tui.core.peers.groups import group_views
from mentor_tui.core.peers.reviews import peer_reviews
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import Submission, User
from mentor_tui.db.peer_models import PeerReview
from mentor_tui.demo import peers as demo_peers
from mentor_tui.demo.build import build_demo
from tests import session_people as people

PEER_TABLES = ("peer_mentors", "study_groups", "study_group_members", "peer_reviews")


def _actor(s, email: str) -> Actor:  # type: ignore[no-untyped-def]
    return people.actor(s.execute(select(User).where(User.email == email)).scalar_one())


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
            for t in tables
            if not t.startswith(("sqlite_", "notes_fts"))
        }
    finally:
        conn.close()


def test_the_demo_mentor_has_a_peer_mentor_a_study_group_and_peer_reviews(template) -> None:
    with session_scope(make_engine(template)) as s:
        morgan = _actor(s, MENTOR)
        peers = peer_views(s, morgan)
        assert len(peers) == 1 and peers[0].active
        peer = peers[0]
        assert peer.completion >= 50 and peer.quiz_average is not None and peer.capacity == 3
        groups = group_views(s, morgan)
        assert len(groups) == 1 and groups[0].facilitator_id == peer.student_id
        members = {i for i, _ in groups[0].members}
        assert 1 <= len(members) <= peer.capacity and peer.student_id not in members
        mine = {u for u in s.execute(select(User.id).where(User.mentor_id == morgan.id)).scalars()}
        assert members <= mine
        reviews = peer_reviews(s, morgan, pending_only=True)
        assert reviews
        for review in reviews:
            assert review.reviewer_id == peer.student_id and review.student_id in members
            assert review.submission_status == "pending" and review.feedback
        # the peer sees their own reviews, as the core lets them
        seen = peer_reviews(s, _actor(s, peer.email))
        assert {r.id for r in seen} == {r.id for r in reviews}


def test_peer_rows_come_from_the_seed_and_leave_the_rest_of_the_demo_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(name: str) -> dict[str, list[tuple[object, ...]]]:
        path = tmp_path / name
        build_demo(path, students=60, mentors=5, seed=7, reference=REFERENCE)
        return _dump(path)

    first, again = build("a.db"), build("b.db")
    assert first == again  # ids included
    assert all(first[t] for t in PEER_TABLES)
    monkeypatch.setattr(demo_peers.PeerPlanner, "_peer_rows", lambda *args: None)
    without = build("c.db")
    assert not any(without[t] for t in PEER_TABLES)

    def rest(dump: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
        return {t: rows for t, rows in dump.items() if t not in PEER_TABLES}

    assert rest(first) == rest(without)


async def test_the_demo_mentor_confirms_a_peer_review_with_c(template, tmp_path: Path) -> None:
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    app = MentorApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        waiting = app.screen.query_one("#peers-waiting")
        assert waiting.row_count >= 1
        first = str(waiting.coordinate_to_cell_key((0, 0)).row_key.value)
        await pilot.press("c")
        await settle(pilot)
    with session_scope(services.engine) as s:
        review = s.get_one(PeerReview, first)
        assert review.outcome == "confirmed"
        assert s.get_one(Submission, review.submission_id).status == review.verdict
