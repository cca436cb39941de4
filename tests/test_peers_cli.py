"""Peer mentorship through the command line (issue 20): `peers certify / list / revoke`
(admins), `groups create / add / remove / leave / facilitator / session`, `peers work /
review` (a certified peer mentor, on the work of the members they facilitate), `peers
reviews / confirm / override` (the students' mentor), recognition in `peers list`; and a
progress review meeting asked for with `sessions book --progress-review`. Each refusal is one
sentence with exit status 2 and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.cli import main
from mentor_tui.db.engine import make_engine, session_scope
from mentor_tui.db.models import MentorshipSession, Notification, Submission
from mentor_tui.db.peer_models import PeerMentor, PeerReview, StudyGroupMember
from tests import peer_school


@pytest.fixture
def store(db_path: Path) -> dict[str, str]:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            return peer_school.build(s)
    finally:
        engine.dispose()


def run(db_path: Path, *args: str, user: str) -> int:
    return main([*args, "--db", str(db_path), "--user", user])


def ok_json(capsys, db_path: Path, *args: str, user: str):
    code = run(db_path, *args, "--json", user=user)
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def refused(capsys, db_path: Path, *args: str, user: str) -> str:
    code = run(db_path, *args, user=user)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    line = captured.err.strip()
    assert line.startswith("mentor-tui: ") and "\n" not in line and "Traceback" not in line
    return line


def _count(db_path: Path, model) -> int:
    engine = make_engine(db_path)
    try:
        with session_scope(engine) as s:
            return int(s.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


ADA, MARIA, OMAR = "ada@example.org", "maria@example.org", "omar@example.org"
SAM, ANA, BEA, ZOE = "sam@example.org", "ana@example.org", "bea@example.org", "zoe@example.org"


def _certify_and_group(capsys, db_path: Path, capacity: str = "2") -> dict:
    ok_json(capsys, db_path, "peers", "certify", SAM, "--capacity", capacity, user=ADA)
    return ok_json(
        capsys,
        db_path,
        "groups",
        "create",
        "Loops club",
        "--students",
        f"{ANA},{BEA}",
        "--facilitator",
        SAM,
        user=MARIA,
    )


def test_an_admin_certifies_with_the_criteria_and_only_an_admin(store, db_path, capsys) -> None:
    for who in (MARIA, SAM):
        assert "Only an admin" in refused(capsys, db_path, "peers", "certify", SAM, user=who)
    assert _count(db_path, PeerMentor) == 0
    peer = ok_json(
        capsys, db_path, "peers", "certify", SAM, "--capacity", "2", "--skills", "loops,tests",
        user=ADA,
    )  # fmt: skip
    assert peer["course"] == "Python Basics"
    assert peer["completion"] == 75.0 and peer["quiz_average"] == 85.0
    assert peer["capacity"] == 2 and peer["skills"] == ["loops", "tests"] and peer["active"]
    # refusals: a capacity out of range, a student with no progress in the course
    assert "capacity" in refused(
        capsys, db_path, "peers", "certify", ANA, "--capacity", "50", user=ADA
    )
    assert "no module" in refused(capsys, db_path, "peers", "certify", BEA, user=ADA)
    assert _count(db_path, PeerMentor) == 1
    # who lists whom: the admin and Maria (Sam's mentor) see Sam; Omar and Zoe nobody
    for who, seen in ((ADA, [SAM]), (MARIA, [SAM]), (SAM, [SAM]), (OMAR, []), (ZOE, [])):
        assert [p["email"] for p in ok_json(capsys, db_path, "peers", "list", user=who)] == seen
    assert run(db_path, "peers", "list", user=ADA) == 0
    out = capsys.readouterr().out
    assert "Sam Tanaka" in out and "Python Basics" in out and "75" in out


def test_groups_take_the_mentors_own_students_and_a_certified_facilitator_within_capacity(
    store, db_path, capsys
) -> None:
    args = ("groups", "create", "Loops club", "--students", f"{ANA},{BEA}")
    # Sam is not certified yet
    assert "not a certified peer mentor" in refused(
        capsys, db_path, *args, "--facilitator", SAM, user=MARIA
    )
    ok_json(capsys, db_path, "peers", "certify", SAM, "--capacity", "1", user=ADA)
    assert "can facilitate 1 students" in refused(
        capsys, db_path, *args, "--facilitator", SAM, user=MARIA
    )
    assert "not one of your students" in refused(
        capsys, db_path, "groups", "create", "X", "--students", ZOE, user=MARIA
    )
    assert "Only a mentor or an admin" in refused(
        capsys, db_path, "groups", "create", "X", "--students", ANA, user=SAM
    )
    assert _count(db_path, StudyGroupMember) == 0
    ok_json(capsys, db_path, "peers", "certify", SAM, "--capacity", "2", user=ADA)
    group = ok_json(capsys, db_path, *args, "--facilitator", SAM, user=MARIA)
    assert group["facilitator"] == "Sam Tanaka"
    assert [m["name"] for m in group["members"]] == ["Ana Ruiz", "Bea Brown"]
    # who sees the group: Maria, its members, its facilitator, the admin; not Omar nor Zoe
    for who, n in ((MARIA, 1), (ANA, 1), (SAM, 1), (ADA, 1), (OMAR, 0), (ZOE, 0)):
        assert len(ok_json(capsys, db_path, "groups", "list", user=who)) == n, who
    # a member leaves; only the mentor removes others
    assert "Only the group's mentor" in refused(
        capsys, db_path, "groups", "remove", "Loops club", ANA, user=BEA
    )
    assert run(db_path, "groups", "leave", "Loops club", user=BEA) == 0
    assert "You left Loops club." in capsys.readouterr().out
    assert len(ok_json(capsys, db_path, "groups", "list", user=BEA)) == 0
    again = ok_json(capsys, db_path, "groups", "add", "Loops club", BEA, user=MARIA)
    assert len(again["members"]) == 2


def test_a_peer_reviews_a_members_work_and_the_mentor_confirms(store, db_path, capsys) -> None:
    _certify_and_group(capsys, db_path)
    work = ok_json(capsys, db_path, "peers", "work", user=SAM)
    assert {w["student"] for w in work} == {"Ana Ruiz", "Bea Brown"}  # not Zoe's
    # not a peer: Bea cannot review Ana; Sam cannot review Zoe's work
    review = ("peers", "review", store["anas"], "--request-changes", "--feedback", "Name i.")
    assert "certified peer mentor" in refused(capsys, db_path, *review, user=BEA)
    assert "No submission of a student you facilitate" in refused(
        capsys, db_path, "peers", "review", store["zoes"], "--approve", "--feedback", "ok",
        user=SAM,
    )  # fmt: skip
    assert "needs feedback" in refused(
        capsys, db_path, "peers", "review", store["anas"], "--approve", user=SAM
    )
    written = ok_json(capsys, db_path, *review, user=SAM)
    assert written["peer_review"] and written["reviewer"] == "Sam Tanaka"
    assert written["outcome"] == "pending" and written["verdict"] == "changes_requested"
    assert "already" in refused(capsys, db_path, *review, user=SAM)
    # Maria hears of it; Ana sees who reviewed; Bea and Omar see nothing
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        told = s.execute(
            select(Notification.user_id).where(Notification.type == "peer_review_written")
        ).scalars()
        assert list(told) == [store["maria"]]
    engine.dispose()
    assert [r["reviewer"] for r in ok_json(capsys, db_path, "peers", "reviews", user=ANA)] == [
        "Sam Tanaka"
    ]
    assert ok_json(capsys, db_path, "peers", "reviews", user=BEA) == []
    assert ok_json(capsys, db_path, "peers", "reviews", user=OMAR) == []
    # only Ana's mentor (or an admin) confirms: it decides the submission
    assert "No peer review" in refused(
        capsys, db_path, "peers", "confirm", written["id"], user=OMAR
    )
    assert "Only the student's mentor" in refused(
        capsys, db_path, "peers", "confirm", written["id"], user=ANA
    )
    done = ok_json(capsys, db_path, "peers", "confirm", written["id"][:8], user=MARIA)
    assert done["outcome"] == "confirmed" and done["submission_status"] == "changes_requested"
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        sub = s.get(Submission, store["anas"])
        assert sub is not None and sub.reviewer_id == store["maria"]
        assert (
            sub.feedback is not None and "Name i." in sub.feedback and "Sam Tanaka" in sub.feedback
        )
    engine.dispose()
    assert "confirmed already" in refused(
        capsys, db_path, "peers", "confirm", written["id"], user=MARIA
    )
    # recognition: Sam's count of peer reviews, as the admin and Sam see it
    for who in (ADA, SAM):
        [peer] = ok_json(capsys, db_path, "peers", "list", user=who)
        assert (peer["peer_reviews"], peer["peer_reviews_confirmed"]) == (1, 1)


def test_the_mentor_overrides_with_their_own_decision(store, db_path, capsys) -> None:
    _certify_and_group(capsys, db_path)
    written = ok_json(
        capsys, db_path, "peers", "review", store["beas"], "--approve", "--feedback", "Fine.",
        user=SAM,
    )  # fmt: skip
    done = ok_json(
        capsys, db_path, "peers", "override", written["id"], "--reject", "--feedback",
        "An endless loop.", user=MARIA,
    )  # fmt: skip
    assert done["outcome"] == "overridden" and done["submission_status"] == "rejected"
    [peer] = ok_json(capsys, db_path, "peers", "list", user=ADA)
    assert (peer["peer_reviews"], peer["peer_reviews_confirmed"]) == (1, 0)


def test_revoked_a_peer_reviews_no_more(store, db_path, capsys) -> None:
    _certify_and_group(capsys, db_path)
    assert "Only an admin" in refused(capsys, db_path, "peers", "revoke", SAM, user=MARIA)
    gone = ok_json(capsys, db_path, "peers", "revoke", SAM, user=ADA)
    assert not gone["active"] and gone["revoked_at"]
    assert "revoked already" in refused(capsys, db_path, "peers", "revoke", SAM, user=ADA)
    assert ok_json(capsys, db_path, "peers", "work", user=SAM) == []
    assert "certified peer mentor" in refused(
        capsys, db_path, "peers", "review", store["anas"], "--approve", "--feedback", "ok",
        user=SAM,
    )  # fmt: skip
    assert _count(db_path, PeerReview) == 0
    assert ok_json(capsys, db_path, "peers", "list", "--active", user=ADA) == []
    again = ok_json(capsys, db_path, "peers", "certify", SAM, user=ADA)  # renewed
    assert again["active"]


def test_a_group_session_has_every_member_and_the_facilitator(store, db_path, capsys) -> None:
    _certify_and_group(capsys, db_path)
    view = ok_json(
        capsys, db_path, "groups", "session", "Loops club", "--at", "2030-03-05 10:00",
        user=MARIA,
    )  # fmt: skip
    assert sorted(view["student_ids"]) == sorted([store["ana"], store["bea"], store["sam"]])
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        row = s.get(MentorshipSession, view["id"])
        assert row is not None and row.group_id is not None and row.kind == "group"
    engine.dispose()
    assert "Only the group's mentor" in refused(
        capsys, db_path, "groups", "session", "Loops club", "--at", "2030-03-06 10:00", user=SAM
    )


def test_a_student_asks_for_a_progress_review_meeting(store, db_path, capsys) -> None:
    asked = ok_json(
        capsys, db_path, "sessions", "book", "--next", "--progress-review", "--note",
        "my first month", user=ANA,
    )  # fmt: skip
    assert asked["status"] == "requested" and asked["title"].startswith("Progress review")
    requests = ok_json(capsys, db_path, "sessions", "requests", user=MARIA)
    assert [r["id"] for r in requests] == [asked["id"]]
    engine = make_engine(db_path)
    with session_scope(engine) as s:
        note = s.execute(
            select(Notification).where(Notification.type == "progress_review_requested")
        ).scalar_one()
        assert note.user_id == store["maria"] and "progress review" in note.message
    engine.dispose()
    accepted = ok_json(capsys, db_path, "sessions", "accept", asked["id"], user=MARIA)
    assert accepted["status"] == "scheduled"


def test_a_group_announcement_reaches_its_members_and_facilitator_only(
    store, db_path, capsys
) -> None:
    _certify_and_group(capsys, db_path)
    assert "Only the group's mentor" in refused(
        capsys, db_path, "groups", "announce", "Loops club", "hello", user=SAM
    )
    assert "No study group" in refused(
        capsys, db_path, "groups", "announce", "Loops club", "hello", user=OMAR
    )
    said = ok_json(capsys, db_path, "groups", "announce", "Loops club", "Meet Friday.", user=MARIA)
    assert said["group"] == "Loops club"

    def titles(who: str) -> list[str]:
        found = ok_json(capsys, db_path, "messages", "list", user=who)["conversations"]
        return [c["title"] for c in found]

    for who in (ANA, BEA, SAM):
        assert titles(who) == ["Announcement by Maria Mentor to the study group Loops club"], who
    assert titles(ZOE) == []
    # once Bea leaves, later announcements are not hers
    assert run(db_path, "groups", "leave", "Loops club", user=BEA) == 0
    capsys.readouterr()
    ok_json(capsys, db_path, "groups", "announce", "Loops club", "Moved to Monday.", user=MARIA)
    assert len(titles(ANA)) == 2 and len(titles(BEA)) == 0
