"""Peer mentorship in the app (issue 20), with Pilot: `8` opens a student's peers screen (their
groups, the peer reviews they may see, and, for a certified peer mentor, their recognition and
their mentees' work: `v` writes a peer review, `l` leaves a group) and the mentors' and
admins' one (`c` confirms a peer review, `o` overrides it, `g` makes a group; an admin's `p`
certifies and `x` revokes). Keys change the store as they say; a key a role does not have does
nothing. Also the student calendar's Rated column, a second rating changing the first, and
`p` asking for a progress review meeting. Snapshots at 80x24."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import (
    FROZEN_NOW,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select
from textual.pilot import Pilot

from mentor_tui.app.main import MentorApp
from mentor_tui.core.peers.certify import certify
from mentor_tui.core.peers.groups import create_group
from mentor_tui.core.peers.reviews import write_review
from mentor_tui.core.services import Services
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import (
    MentorshipSession,
    Message,
    Notification,
    SessionAttendee,
    Submission,
    User,
)
from mentor_tui.db.peer_models import PeerMentor, PeerReview, StudyGroupMember
from tests import peer_school
from tests import session_people as people

SIZE = (80, 24)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The peer school with Sam certified (capacity 2) facilitating Maria's "Loops club" of
    Ana and Bea."""
    path = tmp_path / "peers.db"
    engine = make_engine(path)
    with session_scope(engine) as s:
        ids = peer_school.build(s)
        admin = people.actor(s.get(User, ids["admin"]))
        maria = people.actor(s.get(User, ids["maria"]))
        certify(s, admin, "sam@example.org", capacity=2, skills=["loops"])
        create_group(
            s, maria, "Loops club", ["ana@example.org", "bea@example.org"],
            facilitator="sam@example.org",
        )  # fmt: skip
    engine.dispose()
    return path, ids


def _review(path: Path, ids: dict[str, str], submission: str = "anas") -> str:
    with session_scope(make_engine(path)) as s:
        sam = people.actor(s.get(User, ids["sam"]))
        return write_review(
            s, sam, ids[submission], "request_changes", "Name the loop variable."
        ).id


@asynccontextmanager
async def signed_in(
    path: Path, email: str, key: str = "8"
) -> AsyncIterator[tuple[MentorApp, Pilot[None], Services]]:
    """The app signed in as ``email`` on ``path``, at 80x24, the screen of ``key`` open and
    settled: the app, its pilot and its services (for reading the store afterwards)."""
    services = services_for(path, email)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, key)
        yield app, pilot, services


async def open_screen(pilot: Pilot[None], key: str) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


def snapshot_of(snap_compare: Callable[..., bool], path: Path, email: str) -> bool:
    """``email``'s `8` screen at 80x24 matches its snapshot."""

    async def go(pilot: Pilot[None]) -> None:
        await open_screen(pilot, "8")

    app = MentorApp(services_for(path, email))
    return snap_compare(app, terminal_size=SIZE, run_before=go)


async def test_a_peer_mentor_reviews_a_members_work_with_v(store) -> None:
    path, ids = store
    async with signed_in(path, "sam@example.org") as (app, pilot, services):
        assert type(app.screen).__name__ == "MyPeersScreen"
        me = str(app.screen.query_one("#peers-me").render())
        assert "Peer mentor since" in me and "75% done" in me and "0 peer reviews" in me
        assert app.screen.query_one("#peers-work").row_count == 2
        await pilot.press("v")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await pilot.press("x", "enter")  # not a verdict: the core's sentence, nothing written
        await type_text(pilot, "Nice")
        await pilot.press("enter")
        await settle(pilot)
        with session_scope(services.engine) as s:
            assert s.execute(select(PeerReview)).first() is None
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("c", "enter")
        await type_text(pilot, "Name the loop variable.")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MyPeersScreen"
        assert "1 peer review (" in str(app.screen.query_one("#peers-me").render())
    with session_scope(services.engine) as s:
        review = s.execute(select(PeerReview)).scalar_one()
        assert (review.reviewer_id, review.verdict, review.outcome) == (
            ids["sam"], "changes_requested", "pending"
        )  # fmt: skip
        told = s.execute(
            select(Notification.user_id).where(Notification.type == "peer_review_written")
        ).scalar_one()
        assert told == ids["maria"]


async def test_a_member_sees_who_reviewed_and_leaves_with_l(store) -> None:
    path, ids = store
    _review(path, ids)
    async with signed_in(path, "ana@example.org") as (app, pilot, services):
        screen = app.screen
        assert "Not a peer mentor" in str(screen.query_one("#peers-me").render())
        assert not screen.query_one("#peers-work").display
        reviews = screen.query_one("#peers-reviews")
        assert reviews.row_count == 1
        assert "Sam Tanaka" in [str(c) for c in reviews.get_row_at(0)]
        await pilot.press("v")  # not a peer mentor: a warning, no dialog
        await settle(pilot)
        assert type(app.screen).__name__ == "MyPeersScreen"
        screen.query_one("#peers-groups").focus()
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen.query_one("#peers-groups").row_count == 0
    with session_scope(services.engine) as s:
        left = s.execute(
            select(StudyGroupMember.deleted_at).where(StudyGroupMember.student_id == ids["ana"])
        ).scalar_one()
        assert left is not None


async def test_the_mentor_confirms_with_c_and_overrides_with_o(store) -> None:
    path, ids = store
    first = _review(path, ids, "anas")
    second = _review(path, ids, "beas")
    async with signed_in(path, "maria@example.org") as (app, pilot, services):
        assert type(app.screen).__name__ == "PeersScreen"
        waiting = app.screen.query_one("#peers-waiting")
        assert waiting.row_count == 2
        await pilot.press("p")  # an admin's key: nothing for a mentor
        await settle(pilot)
        assert type(app.screen).__name__ == "PeersScreen"
        order = [str(waiting.coordinate_to_cell_key((r, 0)).row_key.value) for r in range(2)]
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        assert waiting.row_count == 0
    with session_scope(services.engine) as s:
        outcomes = dict(s.execute(select(PeerReview.id, PeerReview.outcome)).all())
        assert outcomes == {order[0]: "confirmed", order[1]: "overridden"}
        assert {first, second} == set(order)
        confirmed_sub = ids["anas"] if order[0] == first else ids["beas"]
        other_sub = ids["beas"] if confirmed_sub == ids["anas"] else ids["anas"]
        assert s.get(Submission, confirmed_sub).status == "changes_requested"
        assert s.get(Submission, other_sub).status == "pending"  # in Maria's queue still


async def test_an_admin_certifies_with_p_and_revokes_with_x(store) -> None:
    path, ids = store
    async with signed_in(path, "ada@example.org") as (app, pilot, services):
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await type_text(pilot, "ana@example.org")
        await pilot.press("enter", "1", "enter", "enter")  # Ana completed no module yet
        await settle(pilot)
        assert app.screen.query_one("#peers-list").row_count == 1
        await pilot.press("p")
        await settle(pilot)
        await type_text(pilot, "ana@example.org")
        await pilot.press("enter", "1", "enter")
        await type_text(pilot, "Python Basics")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#peers-list").row_count == 2
        app.screen.query_one("#peers-list").focus()
        await pilot.press("x")  # the first peer by name: Ana
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    with session_scope(services.engine) as s:
        rows = {r.student_id: r for r in s.execute(select(PeerMentor)).scalars()}
        assert rows[ids["ana"]].capacity == 1 and rows[ids["ana"]].revoked_at is not None
        assert rows[ids["sam"]].revoked_at is None


async def test_the_calendar_marks_rated_sessions_and_a_second_rating_changes_it(store) -> None:
    path, ids = store
    with session_scope(make_engine(path)) as s:
        ana, maria = s.get(User, ids["ana"]), s.get(User, ids["maria"])
        past = people.booked(s, maria, [ana], FROZEN_NOW - timedelta(days=2)).id
    async with signed_in(path, "ana@example.org", "5") as (app, pilot, services):
        table = app.screen.query_one("#cal-sessions")
        assert str(table.get_row(past)[3]) == "rate it"
        table.focus()
        for rating in ("3", "5"):
            await pilot.press("r")
            await settle(pilot)
            await pilot.press(rating, "enter", "enter")
            await settle(pilot)
            assert str(table.get_row(past)[3]) == f"{rating}/5"
    with session_scope(services.engine) as s:
        assert s.execute(select(SessionAttendee.rating)).scalar_one() == 5


async def test_p_on_the_calendar_asks_for_a_progress_review(store) -> None:
    path, ids = store
    async with signed_in(path, "ana@example.org", "5") as (app, pilot, services):
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await type_text(pilot, "my first month")
        await pilot.press("enter")
        await settle(pilot)
    with session_scope(services.engine) as s:
        row = s.execute(select(MentorshipSession)).scalar_one()
        assert row.status == "requested" and row.title.startswith("Progress review")
        assert row.agenda == "my first month"
        told = s.execute(
            select(Notification.user_id).where(Notification.type == "progress_review_requested")
        ).scalar_one()
        assert told == ids["maria"]


def test_snapshot_student_peers(snap_compare, store) -> None:
    path, ids = store
    _review(path, ids)

    assert snapshot_of(snap_compare, path, "sam@example.org")


def test_snapshot_mentor_peers(snap_compare, store) -> None:
    path, ids = store
    _review(path, ids)

    assert snapshot_of(snap_compare, path, "maria@example.org")


async def test_a_on_a_group_announces_to_it(store) -> None:
    path, ids = store
    async with signed_in(path, "maria@example.org") as (app, pilot, services):
        app.screen.query_one("#peers-groups").focus()
        await pilot.press("a")
        await settle(pilot)
        assert type(app.screen).__name__ == "AskScreen"
        await type_text(pilot, "We meet on Friday.")
        await pilot.press("enter")
        await settle(pilot)
    with session_scope(services.engine) as s:
        row = s.execute(select(Message)).scalar_one()
        assert (row.kind, row.body, row.sender_id) == (
            "announcement",
            "We meet on Friday.",
            ids["maria"],
        )
        assert row.audience is not None and row.audience.startswith("group:")
