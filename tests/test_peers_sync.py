"""Peer mentorship through a real sync server (uvicorn on 127.0.0.1, issue 20): an admin
certifies Sid, Maria makes a study group of Sam with Sid as facilitator; Sid's store receives
the group, Sam's name and work, Sid's peer review goes up and reaches Maria, whose
confirmation reaches Sam; a revoked peer loses the work. A progress review request reaches
the mentor. The server refuses every peer change the rules do not allow."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from mentor_tui.config import Config
from mentor_tui.core import clock, writes
from mentor_tui.core.messages.inbox import conversations
from mentor_tui.core.notifications.notify import list_notifications
from mentor_tui.core.peers.certify import certify, revoke
from mentor_tui.core.peers.groups import announce_to_group, create_group, group_views, leave_group
from mentor_tui.core.peers.reviews import confirm_review, peer_reviews, reviewable, write_review
from mentor_tui.core.sessions.booking import book_session
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission
from mentor_tui.db.peer_models import PeerReview, StudyGroup
from tests import factory, sync_helpers
from tests.sync_helpers import Program, ThreadServer, actor_in, change
from tests.test_student_sync import _open_windows, _push, _store, _sync

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture

CONFIG = Config(session_duration_minutes=60)


def _certify_sid(program: Program) -> None:
    """The admin gives Sid (s3) progress in Python, certifies him, and syncs."""
    admin = actor_in(program.admin_store, "admin@example.org")
    with session_scope(program.admin_store) as s:
        from mentor_tui.db.models import Module, User

        sid = s.get(User, program.ids["s3"])
        module = s.get(Module, program.ids["module"])
        assert sid is not None and module is not None
        factory.progress(s, sid, module, completed=True, minutes=90, quiz=95.0)
        certify(s, admin, "s3@example.org", capacity=2, course="Python")
    assert program.harness.sync(program.admin_store).rejected == 0


def test_a_peer_review_travels_from_the_peer_to_the_mentor_and_the_student(
    program: Program,
) -> None:
    program.harness.account("s3@example.org", "student")
    with ThreadServer(program.harness.engine) as server:
        url = server.url
        _certify_sid(program)
        maria_store = _store(program, "maria", "m1@example.org", url)
        maria = actor_in(maria_store, "m1@example.org")
        with session_scope(maria_store) as s:
            create_group(s, maria, "CSV club", ["s1@example.org"], facilitator="s3@example.org")
        assert _sync(maria_store, url).rejected == 0

        sid_store = _store(program, "sid", "s3@example.org", url)
        sid = actor_in(sid_store, "s3@example.org")
        with session_scope(sid_store) as s:
            [group] = group_views(s, sid)
            assert (group.name, group.facilitator_name) == ("CSV club", "Sid Three")
            assert [name for _, name in group.members] == ["Sam One"]
            work = reviewable(s, sid)
            assert [w.submission_id for w in work] == [program.ids["sub1"]]
            # Sue's work (another mentor's student) never reached Sid's store
            assert s.get(Submission, program.ids["sub2"]) is None
            review = write_review(s, sid, program.ids["sub1"], "request_changes", "Quote fields.")
        report = _sync(sid_store, url)
        assert (report.rejected, report.conflicts) == (0, 0), report

        assert _sync(maria_store, url).rejected == 0
        with session_scope(maria_store) as s:
            told = [n.type for n in list_notifications(s, maria)]
            assert "peer_review_written" in told, told
            [seen] = peer_reviews(s, maria, pending_only=True)
            assert (seen.id, seen.reviewer_name) == (review.id, "Sid Three")
            confirm_review(s, maria, review.id, CONFIG)
            announce_to_group(s, maria, "CSV club", "We meet on Friday.")
        assert _sync(maria_store, url).rejected == 0

        sam_store = _store(program, "sam", "s1@example.org", url)
        sam = actor_in(sam_store, "s1@example.org")
        with session_scope(sam_store) as s:
            [mine] = peer_reviews(s, sam)
            assert (mine.reviewer_name, mine.outcome) == ("Sid Three", "confirmed")
            sub = s.get(Submission, program.ids["sub1"])
            assert sub is not None and sub.status == "changes_requested"
            titles = [c.title for c in conversations(s, sam)]
            assert "Announcement by Maria Mentor to the study group CSV club" in titles, titles

        # revoked: Sid's store loses Sam's work on the next sync
        admin = actor_in(program.admin_store, "admin@example.org")
        with session_scope(program.admin_store) as s:
            revoke(s, admin, "s3@example.org")
        assert program.harness.sync(program.admin_store).rejected == 0
        assert _sync(sid_store, url).rejected == 0
        with session_scope(sid_store) as s:
            assert s.get(Submission, program.ids["sub1"]) is None
            assert reviewable(s, sid) == []


def test_a_progress_review_request_reaches_the_mentor(program: Program) -> None:
    with ThreadServer(program.harness.engine) as server:
        _open_windows(program)
        sam_store = _store(program, "sam", "s1@example.org", server.url)
        maria_store = _store(program, "maria", "m1@example.org", server.url)
        sam, maria = actor_in(sam_store, "s1@example.org"), actor_in(maria_store, "m1@example.org")
        start = (clock.now() + timedelta(days=3)).replace(
            hour=11, minute=0, second=0, microsecond=0
        )
        with session_scope(sam_store) as s:
            asked = book_session(s, sam, CONFIG, starts_at=start, progress_review=True)
        assert _sync(sam_store, server.url).rejected == 0
        assert _sync(maria_store, server.url).rejected == 0
        with session_scope(maria_store) as s:
            told = [(n.type, n.data) for n in list_notifications(s, maria)]
        assert ("progress_review_requested", {"session_id": asked.id}) in told, told


def test_the_server_refuses_peer_changes_the_rules_do_not_allow(program: Program) -> None:
    ids = program.ids
    program.harness.account("s3@example.org", "student")
    with ThreadServer(program.harness.engine) as server:
        url = server.url
        _certify_sid(program)
        now = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        def status(email: str, *changes) -> str:
            return _push(url, email, *changes)[-1]["status"]

        def review(submission: str, reviewer: str, **extra) -> dict:
            fields = {"submission_id": submission, "reviewer_id": ids[reviewer],
                      "verdict": "approved", "feedback": "ok", "outcome": "pending", **extra}  # fmt: skip
            return change("peer_reviews", str(uuid.uuid4()), "insert", fields)

        # a student certifies themself
        cert = {"student_id": ids["s1"], "certified_at": now, "capacity": 3, "completion": 100.0,
                "skills": []}  # fmt: skip
        assert status("s1@example.org", change("peer_mentors", str(uuid.uuid4()), "insert", cert)) == "rejected"  # fmt: skip
        # a mentor certifies a student of theirs: certification is the admins'
        assert status("m1@example.org", change("peer_mentors", str(uuid.uuid4()), "insert", cert)) == "rejected"  # fmt: skip
        # a student makes a group; Mark makes one of Maria's students
        group = {"mentor_id": ids["m1"], "name": "mine"}
        assert status("s1@example.org", change("study_groups", str(uuid.uuid4()), "insert", group)) == "rejected"  # fmt: skip
        assert status("m2@example.org", change("study_groups", str(uuid.uuid4()), "insert", group)) == "rejected"  # fmt: skip
        # Maria's group with Sam as facilitator: Sam is not certified
        bad = {**group, "facilitator_id": ids["s1"]}
        assert status("m1@example.org", change("study_groups", str(uuid.uuid4()), "insert", bad)) == "rejected"  # fmt: skip
        # with Sid (certified): fine, and Sam as member
        group_id, member_id = str(uuid.uuid4()), str(uuid.uuid4())
        good = {**group, "facilitator_id": ids["s3"]}
        assert status("m1@example.org", change("study_groups", group_id, "insert", good)) == "applied"  # fmt: skip
        member = {"group_id": group_id, "student_id": ids["s1"]}
        # Mark cannot put Sue in it; Sam cannot add himself; Maria can add Sam
        assert status("m2@example.org", change("study_group_members", str(uuid.uuid4()), "insert", {"group_id": group_id, "student_id": ids["s2"]})) == "rejected"  # fmt: skip
        assert status("s1@example.org", change("study_group_members", member_id, "insert", member)) == "rejected"  # fmt: skip
        assert status("m1@example.org", change("study_group_members", member_id, "insert", member)) == "applied"  # fmt: skip

        # an announcement to the group: Maria's own group only; not Mark's, not a student's
        def announcement(sender: str) -> dict:
            message_id = str(uuid.uuid4())
            fields = {"sender_id": ids[sender], "kind": "announcement", "body": "Friday",
                      "thread_id": message_id, "audience": f"group:{group_id}"}  # fmt: skip
            return change("messages", message_id, "insert", fields)

        assert status("m2@example.org", announcement("m2")) == "rejected"
        assert status("s1@example.org", announcement("s1")) == "rejected"
        assert status("m1@example.org", announcement("m1")) == "applied"
        # peer reviews: Sue (not certified) on Sam's work; Sid on Sue's work (not his
        # mentee); Sid writing one as someone else or already confirmed
        assert status("s2@example.org", review(ids["sub1"], "s2")) == "rejected"
        assert status("s3@example.org", review(ids["sub2"], "s3")) == "rejected"
        assert status("s3@example.org", review(ids["sub1"], "s1")) == "rejected"
        assert status("s3@example.org", review(ids["sub1"], "s3", outcome="confirmed")) == "rejected"  # fmt: skip
        fine = review(ids["sub1"], "s3")
        assert status("s3@example.org", fine) == "applied"
        # Sid confirms his own review; Mark confirms it; Maria may
        decided = {"outcome": "confirmed", "decided_by": ids["s3"], "decided_at": now}
        assert status("s3@example.org", change("peer_reviews", fine["entity_id"], "update", decided)) == "rejected"  # fmt: skip
        by_mark = {**decided, "decided_by": ids["m2"]}
        assert status("m2@example.org", change("peer_reviews", fine["entity_id"], "update", by_mark)) == "rejected"  # fmt: skip
        by_maria = {**decided, "decided_by": ids["m1"]}
        assert status("m1@example.org", change("peer_reviews", fine["entity_id"], "update", by_maria)) == "applied"  # fmt: skip
        # a member leaves (their own membership); not someone else's
        assert status("s2@example.org", change("study_group_members", member_id, "delete", {"deleted_at": now}, base=1)) == "rejected"  # fmt: skip
        assert status("s1@example.org", change("study_group_members", member_id, "delete", {"deleted_at": now}, base=1)) == "applied"  # fmt: skip
    with program.harness.engine.connect() as conn:
        groups = conn.execute(select(StudyGroup.id)).scalars().all()
        reviews = conn.execute(select(PeerReview.id, PeerReview.outcome)).all()
    assert groups == [group_id]
    assert [tuple(r) for r in reviews] == [(fine["entity_id"], "confirmed")]


def test_a_member_who_leaves_takes_their_work_out_of_the_facilitators_store(
    program: Program,
) -> None:
    program.harness.account("s3@example.org", "student")
    with ThreadServer(program.harness.engine) as server:
        url = server.url
        _certify_sid(program)
        maria_store = _store(program, "maria", "m1@example.org", url)
        with session_scope(maria_store) as s:
            maria = actor_in(maria_store, "m1@example.org")
            create_group(s, maria, "CSV club", ["s1@example.org"], facilitator="s3@example.org")
        assert _sync(maria_store, url).rejected == 0
        sid_store = _store(program, "sid", "s3@example.org", url)
        with session_scope(sid_store) as s:
            assert s.get(Submission, program.ids["sub1"]) is not None
        sam_store = _store(program, "sam", "s1@example.org", url)
        sam = actor_in(sam_store, "s1@example.org")
        with session_scope(sam_store) as s:
            leave_group(s, sam, "CSV club")
        assert _sync(sam_store, url).rejected == 0
        assert _sync(sid_store, url).rejected == 0
        with session_scope(sid_store) as s:
            assert s.get(Submission, program.ids["sub1"]) is None
        # Sam's later change to that work does not reach Sid either
        with session_scope(sam_store) as s:
            sub = s.get(Submission, program.ids["sub1"])
            assert sub is not None
            writes.update(s, sam.id, sub, {"content": "csv v2, quoted fields"})
        assert _sync(sam_store, url).rejected == 0
        assert _sync(sid_store, url).rejected == 0
        with session_scope(sid_store) as s:
            assert s.get(Submission, program.ids["sub1"]) is None
