"""The review queue marks the work a peer mentor reviewed already (issue 20): the Peer column
holds the verdict in the core's word, the preview shows who wrote it and its feedback as
written (user text: markup and Markdown in it stay literal), and only those who may see the
peer review (``peer_review_scope``) get the mark. With Pilot, on the peer school: Sam (a
certified peer mentor facilitating Ana and Bea) reviewed Ana's work; Maria mentors them."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.core.peers.certify import certify
from mentor_tui.core.peers.groups import create_group
from mentor_tui.core.peers.reviews import override_review, write_review
from mentor_tui.core.reviews.decisions import submission_preview
from mentor_tui.core.reviews.peer_marks import marks_query, peer_marks
from mentor_tui.core.reviews.queue import get_queue_item, list_queue
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import Submission, User
from mentor_tui.screens.reviews.preview import PreviewPane
from mentor_tui.widgets.paged_table import PagedTable
from tests import peer_school
from tests import session_people as people

SIZE = (80, 24)
FEEDBACK = "[bold]Name[/bold] the *loop* variable: i is `range` [link=x]here[/link]."


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "peers.db"
    engine = make_engine(path)
    with session_scope(engine) as s:
        ids = peer_school.build(s)
        admin = people.actor(s.get(User, ids["admin"]))
        maria = people.actor(s.get(User, ids["maria"]))
        certify(s, admin, "sam@example.org", capacity=2)
        create_group(
            s, maria, "Loops club", ["ana@example.org", "bea@example.org"],
            facilitator="sam@example.org",
        )  # fmt: skip
        sam = people.actor(s.get(User, ids["sam"]))
        ids["review"] = write_review(s, sam, ids["anas"], "request_changes", FEEDBACK).id
    engine.dispose()
    return path, ids


def _actor(s, ids: dict[str, str], who: str):  # type: ignore[no-untyped-def]
    return people.actor(s.get(User, ids[who]))


def test_the_queue_items_carry_the_peer_review_their_mentor_sees(store) -> None:
    path, ids = store
    with session_scope(make_engine(path)) as s:
        maria = _actor(s, ids, "maria")
        items = {i.id: i for i in list_queue(s, maria)}
        assert set(items) == {ids["anas"], ids["beas"]}
        mark = items[ids["anas"]].peer
        assert mark is not None
        assert (mark.word, mark.outcome, mark.reviewer_name) == ("changes", "pending", "Sam Tanaka")
        assert mark.feedback == FEEDBACK
        assert items[ids["beas"]].peer is None
        one = get_queue_item(s, maria, ids["anas"])
        assert one is not None and one.peer == mark
        assert submission_preview(s, maria, ids["anas"]).peer == mark
        # overridden: still marked (the submission stays in the queue), as overridden
        override_review(s, maria, ids["review"])
        again = get_queue_item(s, maria, ids["anas"])
        assert again is not None and again.peer is not None
        assert again.peer.outcome == "overridden"


def test_only_those_who_may_see_the_peer_review_get_its_mark(store) -> None:
    path, ids = store
    with session_scope(make_engine(path)) as s:
        anas = [ids["anas"]]
        seen = {
            who: set(peer_marks(s, _actor(s, ids, who), anas))
            for who in ("maria", "admin", "omar", "sam", "ana", "bea", "zoe")
        }
    mine = {ids["anas"]}
    assert seen == {
        "maria": mine,  # the student's mentor
        "admin": mine,
        "omar": set(),  # another mentor
        "sam": mine,  # who wrote it
        "ana": mine,  # whose work it is
        "bea": set(),  # a fellow member
        "zoe": set(),
    }


async def test_the_queue_shows_the_peer_verdict_and_its_feedback_literally(store) -> None:
    path, ids = store
    services = services_for(path, "maria@example.org")
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one(PagedTable)
        assert [c.key for c in table.columns][:3] == ["student", "assignment", "peer"]
        rows = {table._row(i).key: table._row(i) for i in range(table.row_count)}
        assert rows[ids["anas"]].cells[2].plain == "~"  # changes asked: the header names it
        assert rows[ids["beas"]].cells[2].plain == ""
        while table.cursor_key != ids["anas"]:
            await pilot.press("down")
            await settle(pilot)
        header = str(app.screen.query_one("#preview-header").render())
        assert "Peer review ~ changes, by Sam Tanaka" in header
        pane = app.screen.query_one(PreviewPane)
        assert pane.shown is not None
        # the pane's lines, their wrapping undone
        drawn = " ".join(" ".join(strip.text for strip in pane.shown.lines).split())
        assert "Peer review by Sam Tanaka: changes (for you to confirm on 8)" in drawn
        # the feedback as written: brackets and Markdown characters kept, nothing styled away
        assert "[bold]Name[/bold] the *loop* variable" in drawn
        assert "[link=x]here[/link]" in drawn
        # the mentor decides on the work the peer reviewed: a real key, checked in the store
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with session_scope(services.engine) as s:
        status = s.execute(
            select(Submission.status).where(Submission.id == ids["anas"])
        ).scalar_one()
        assert status == "approved"


def _plan(s, query) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy.dialects import sqlite

    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    return " | ".join(r[3] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_a_pages_peer_marks_are_found_by_the_submission_index(store) -> None:
    """A page's marks are looked up by submission id, for an admin (every peer review) and a
    mentor (their students' work): never a scan of the peer reviews, however many."""
    path, ids = store
    with session_scope(make_engine(path)) as s:
        for who in ("admin", "maria"):
            plan = _plan(s, marks_query(_actor(s, ids, who), [ids["anas"], ids["beas"]]))
            assert "SCAN peer_reviews" not in plan, plan
            assert "INDEX ix_peer_reviews_submission_id (submission_id=?)" in plan, plan
