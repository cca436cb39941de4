"""Students as first-class users through a real sync server (uvicorn on 127.0.0.1, issue 20):
a student books a slot in their own store and syncs, their mentor syncs and accepts, both
calendars show the session, and the student's rating after it reaches the mentor's store and
analytics; a student's push touching anything else is refused by the server."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.analytics.performance import mentor_performance
from mentor_tui.core.notifications.notify import list_notifications
from mentor_tui.core.reviews.queue import list_queue
from mentor_tui.core.reviews.requests import request_feedback
from mentor_tui.core.sessions.booking import accept_request, book_session, booking_requests
from mentor_tui.core.sessions.followup import rate_session
from mentor_tui.core.sessions.views import list_sessions
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, MentorshipSession, SessionAttendee, Submission
from mentor_tui.sync import login, sync_once
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, actor_in, change

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

CONFIG = Config(session_duration_minutes=60)
EVERY_DAY_8_TO_20 = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(7)]


def _open_windows(program: Program) -> None:
    """The admin gives Maria (m1) windows every day 08:00-20:00 UTC and syncs."""
    with session_scope(program.admin_store) as s:
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == program.ids["m1"])
        ).scalar_one()
        writes.update(s, None, profile, {"availability": EVERY_DAY_8_TO_20})
    report = program.harness.sync(program.admin_store)  # the admin's store is logged in there
    assert report.rejected == 0, report


def _store(program: Program, name: str, email: str, url: str):
    store = program.harness.store(name)
    with httpx.Client(base_url=url) as client:
        login(store, url, email, PASSWORD, client=client)
    return store


def _sync(store, url: str):
    with httpx.Client(base_url=url) as client:
        return sync_once(store, client=client)


def _push(url: str, email: str, *changes: dict[str, Any]) -> list[dict[str, Any]]:
    with httpx.Client(base_url=url) as client:
        token = client.post("/auth/login", json={"email": email, "password": PASSWORD}).json()
        answer = client.post(
            "/sync/push",
            json={"client_id": "student-cli", "changes": list(changes)},
            headers={"Authorization": f"Bearer {token['token']}"},
        )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _slot(days: int = 4):
    return (clock.now() + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


def test_a_booking_accepted_shows_in_both_calendars_and_its_rating_in_the_mentors_store(
    program: Program,
) -> None:
    with ThreadServer(program.harness.engine) as server:
        _open_windows(program)
        sam_store = _store(program, "sam", "s1@example.org", server.url)
        maria_store = _store(program, "maria", "m1@example.org", server.url)
        sam, maria = actor_in(sam_store, "s1@example.org"), actor_in(maria_store, "m1@example.org")
        start = _slot()

        with session_scope(sam_store) as s:
            booked = book_session(s, sam, CONFIG, starts_at=start, note="my CLI project")
            assert booked.status == "requested"
        report = _sync(sam_store, server.url)
        assert (report.rejected, report.conflicts) == (0, 0), report

        assert _sync(maria_store, server.url).rejected == 0
        with session_scope(maria_store) as s:
            told = [(n.type, n.data) for n in list_notifications(s, maria)]
            assert ("booking_requested", {"session_id": booked.id}) in told, told
            assert [v.id for v in booking_requests(s, maria)] == [booked.id]
            accepted = accept_request(s, maria, booked.id)
            assert accepted.status == "scheduled"
        assert _sync(maria_store, server.url).rejected == 0
        assert _sync(sam_store, server.url).rejected == 0
        with session_scope(sam_store) as s:
            told = [(n.type, n.data) for n in list_notifications(s, sam)]
            assert ("booking_accepted", {"session_id": booked.id}) in told, told

        for store, who in ((sam_store, sam), (maria_store, maria)):
            with session_scope(store) as s:
                shown = {
                    v.id: v.status
                    for v in list_sessions(s, who, start=start, end=start + timedelta(hours=1))
                }
            assert shown == {booked.id: "scheduled"}, (who.email, shown)

        # after the session: Sam rates it; Maria's store and analytics have it
        with session_scope(sam_store) as s:
            rate_session(
                s, sam, booked.id, 4, comment="clear next steps", now=start + timedelta(hours=2)
            )
        assert _sync(sam_store, server.url).rejected == 0
        assert _sync(maria_store, server.url).rejected == 0
        with session_scope(maria_store) as s:
            attendee = s.execute(
                select(SessionAttendee).where(SessionAttendee.session_id == booked.id)
            ).scalar_one()
            assert (attendee.rating, attendee.rating_comment) == (4, "clear next steps")
            figures = mentor_performance(s, maria, maria.id, CONFIG)
            assert figures.average_rating == 4.0


def test_a_feedback_request_reaches_the_mentors_queue_first(program: Program) -> None:
    with ThreadServer(program.harness.engine) as server:
        sam_store = _store(program, "sam", "s1@example.org", server.url)
        maria_store = _store(program, "maria", "m1@example.org", server.url)
        sam, maria = actor_in(sam_store, "s1@example.org"), actor_in(maria_store, "m1@example.org")
        with session_scope(sam_store) as s:
            request_feedback(s, sam, program.ids["sub1"], "is my parser right?")
        assert _sync(sam_store, server.url).rejected == 0
        assert _sync(maria_store, server.url).rejected == 0
        with session_scope(maria_store) as s:
            first = list_queue(s, maria, config=CONFIG)[0]
        assert (first.id, first.feedback_request) == (program.ids["sub1"], "is my parser right?")


def _session_row(program: Program, mentor: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "mentor_id": program.ids[mentor],
        "kind": "one_on_one",
        "title": "Session with Sam One",
        "starts_at": _slot(5).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "duration_minutes": 60,
        "timezone": "UTC",
        "status": status,
        **extra,
    }


def test_the_server_refuses_a_students_push_touching_anything_else(program: Program) -> None:
    ids = program.ids
    with ThreadServer(program.harness.engine) as server:
        url = server.url

        def one(*changes: dict[str, Any]) -> str:
            return _push(url, "s1@example.org", *changes)[-1]["status"]

        made: list[str] = []

        def new() -> str:
            made.append(str(uuid.uuid4()))
            return made[-1]

        # a session scheduled outright while Maria takes requests only
        assert one(change("mentorship_sessions", new(), "insert", _session_row(program, "m1", "scheduled"))) == "rejected"  # fmt: skip
        # with another mentor
        assert one(change("mentorship_sessions", new(), "insert", _session_row(program, "m2", "requested"))) == "rejected"  # fmt: skip
        # a request carrying the mentor's answer or summary
        assert one(change("mentorship_sessions", new(), "insert", _session_row(program, "m1", "requested", decline_reason="x"))) == "rejected"  # fmt: skip
        assert one(change("mentorship_sessions", new(), "insert", _session_row(program, "m1", "requested", summary="done"))) == "rejected"  # fmt: skip
        # a plain request is fine
        request_id = new()
        assert one(change("mentorship_sessions", request_id, "insert", _session_row(program, "m1", "requested"))) == "applied"  # fmt: skip
        # but accepting it themself is not
        assert one(change("mentorship_sessions", request_id, "update", {"status": "scheduled"})) == "rejected"  # fmt: skip
        # Maria's existing session with Sam: a student does not reschedule or rename it
        assert one(change("mentorship_sessions", ids["meet1"], "update", {"title": "mine"})) == "rejected"  # fmt: skip
        # the mentor's profile flag is the mentor's
        with program.harness.engine.connect() as conn:
            profile_id = conn.execute(
                select(MentorProfile.id).where(MentorProfile.user_id == ids["m1"])
            ).scalar_one()
        assert one(change("mentor_profiles", profile_id, "update", {"auto_accept_bookings": True})) == "rejected"  # fmt: skip
        # feedback: asking on their own pending work is fine; writing the feedback, asking on
        # someone else's work, or marking someone else's feedback read is not
        assert one(change("submissions", ids["sub1"], "update", {"feedback": "great"})) == "rejected"  # fmt: skip
        assert one(change("submissions", ids["sub2"], "update", {"feedback_request": "pls"})) == "rejected"  # fmt: skip
        assert one(change("submissions", ids["sub1"], "update", {"feedback_seen_at": "2030-01-01T00:00:00.000000Z"})) == "rejected"  # fmt: skip
        assert one(change("submissions", ids["sub1"], "update", {"feedback_request": "pls", "feedback_requested_at": "2030-01-01T00:00:00.000000Z"})) == "applied"  # fmt: skip
        # a rating on a session of someone else's
        with program.harness.engine.connect() as conn:
            other = conn.execute(
                select(SessionAttendee.id).where(SessionAttendee.session_id == ids["meet2"])
            ).scalar_one()
        assert one(change("session_attendees", other, "update", {"rating": 1})) == "rejected"
        # once Maria takes bookings at once, a scheduled booking with her is fine
        assert _push(url, "m1@example.org", change("mentor_profiles", profile_id, "update", {"auto_accept_bookings": True}))[0]["status"] == "applied"  # fmt: skip
        at_once = new()
        assert one(change("mentorship_sessions", at_once, "insert", _session_row(program, "m1", "scheduled", starts_at=_slot(6).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))) == "applied"  # fmt: skip
    with program.harness.engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(MentorshipSession.id, MentorshipSession.status).where(
                    MentorshipSession.id.in_(made)
                )
            ).all()
        )
        sub1 = conn.execute(
            select(Submission.feedback, Submission.feedback_seen_at).where(
                Submission.id == ids["sub1"]
            )
        ).one()
    assert stored == {request_id: "requested", at_once: "scheduled"}, stored
    assert tuple(sub1) == (None, None)
