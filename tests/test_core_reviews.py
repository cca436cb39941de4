"""The review workflow's core: queue, preview, decisions (one and bulk), reminders, figures and
the comment bank, each rule tried from the mentor's, another mentor's, a student's and an
admin's side."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config, Notifications
from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.comment_bank import (
    add_snippet,
    delete_snippet,
    list_snippets,
    update_snippet,
)
from mentor_tui.core.reviews.decisions import (
    decide,
    decide_many,
    review_hours,
    review_times,
    review_times_by_reviewer,
    submission_preview,
)
from mentor_tui.core.reviews.queue import (
    count_queue,
    get_queue_item,
    list_queue,
    next_pending_after,
    queue_position,
)
from mentor_tui.core.reviews.reminders import run_review_reminders
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, Notification, Submission, User
from mentor_tui.db.review_models import CommentSnippet, ReviewReminder
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import factory

CONFIG = Config()  # SLA 48 h, every toggle on


@dataclass
class World:
    now: datetime
    admin: Actor
    maria: Actor  # mentor of Sam and Tia
    otto: Actor  # mentor of Uma
    sam: User
    tia: User
    uma: User
    sam_recursion: str  # 60 h old: overdue
    tia_sorting: str  # 30 h old
    sam_sorting: str  # 5 h old
    uma_recursion: str  # 40 h old, Otto's student


@pytest.fixture
def world(engine) -> World:
    now = clock.now()
    with session_scope(engine) as s:
        admin = factory.admin(s, "Ada Admin")
        maria = factory.mentor(s, "Maria Mentor", timezone="Europe/Berlin")
        otto = factory.mentor(s, "Otto Other")
        sam = factory.student(s, "Sam Student", mentor=maria)
        tia = factory.student(s, "Tia Müller", mentor=maria)
        uma = factory.student(s, "Uma Unrelated", mentor=otto)
        _, (module,) = factory.course(s, "Python", modules=1)
        recursion = factory.assignment(s, module, "Recursion 100%")
        sorting = factory.assignment(s, module, "Sorting")
        sam_recursion = factory.submission(
            s, sam, recursion, submitted_at=now - timedelta(hours=60), content="# Fib\n```py\n```"
        )
        tia_sorting = factory.submission(s, tia, sorting, submitted_at=now - timedelta(hours=30))
        sam_sorting = factory.submission(s, sam, sorting, submitted_at=now - timedelta(hours=5))
        uma_recursion = factory.submission(
            s, uma, recursion, submitted_at=now - timedelta(hours=40)
        )
        return World(
            now,
            factory.actor(admin),
            factory.actor(maria),
            factory.actor(otto),
            sam,
            tia,
            uma,
            sam_recursion.id,
            tia_sorting.id,
            sam_sorting.id,
            uma_recursion.id,
        )


@pytest.fixture(params=["student_by_student", "queue_index"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a queue test both ways SQLite may read the queue."""
    from mentor_tui.core.reviews import queue as review_queue

    if request.param == "queue_index":
        monkeypatch.setattr(review_queue, "FEW_STUDENTS", 0)
    return request.param


def _queue_ids(s: Session, actor: Actor, w: World, **kw) -> list[str]:
    return [i.id for i in list_queue(s, actor, config=CONFIG, now=w.now, **kw)]


def _submission(engine, submission_id: str) -> Submission:
    with session_scope(engine) as s:
        return s.get_one(Submission, submission_id)


def _count(engine, model, *where) -> int:
    with session_scope(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


# --- the queue ------------------------------------------------------------------------------


def test_queue_holds_the_mentors_students_oldest_first(engine, world: World, plan: str) -> None:
    w = world
    with session_scope(engine) as s:
        assert _queue_ids(s, w.maria, w) == [w.sam_recursion, w.tia_sorting, w.sam_sorting]
        assert count_queue(s, w.maria, config=CONFIG, now=w.now) == 3
        assert _queue_ids(s, w.otto, w) == [w.uma_recursion]
        assert _queue_ids(s, w.admin, w) == [
            w.sam_recursion,
            w.uma_recursion,
            w.tia_sorting,
            w.sam_sorting,
        ]
        assert count_queue(s, w.admin, config=CONFIG, now=w.now) == 4
        student = factory.actor(w.sam)
        assert _queue_ids(s, student, w) == [w.sam_recursion, w.sam_sorting]


def test_queue_items_carry_due_by_and_time_left_against_the_sla(
    engine, world: World, plan: str
) -> None:
    w = world
    with session_scope(engine) as s:
        first, second, third = list_queue(s, w.maria, config=CONFIG, now=w.now)
    assert (first.student_name, first.student_email) == ("Sam Student", w.sam.email)
    assert first.assignment_title == "Recursion 100%"
    assert first.due_by == first.submitted_at + timedelta(hours=48)
    assert first.overdue and first.time_left == timedelta(hours=-12)
    assert not second.overdue and second.time_left == timedelta(hours=18)
    assert third.time_left == timedelta(hours=43)
    assert first.submitted_at.tzinfo is not None


def test_the_sla_comes_from_the_config(engine, world: World, plan: str) -> None:
    w = world
    tight = Config(assignment_review_sla_hours=24)
    with session_scope(engine) as s:
        items = list_queue(s, w.maria, config=tight, now=w.now)
        assert [i.overdue for i in items] == [True, True, False]
        assert count_queue(s, w.maria, overdue_only=True, config=tight, now=w.now) == 2


def test_overdue_only(engine, world: World, plan: str) -> None:
    w = world
    with session_scope(engine) as s:
        assert _queue_ids(s, w.maria, w, overdue_only=True) == [w.sam_recursion]
        assert count_queue(s, w.maria, overdue_only=True, config=CONFIG, now=w.now) == 1
        assert _queue_ids(s, w.otto, w, overdue_only=True) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sam", ["sam_recursion", "sam_sorting"]),  # student name
        ("müller", ["tia_sorting"]),
        ("sorting", ["tia_sorting", "sam_sorting"]),  # assignment title
        ("sam sorting", ["sam_sorting"]),  # every word must match somewhere
        ("100%", ["sam_recursion"]),  # LIKE wildcards are literal
        ("%", ["sam_recursion"]),
        ("_", []),
        ("uma", []),  # Otto's student never shows in Maria's queue
    ],
)
def test_filter_by_student_or_assignment(engine, world: World, plan: str, text, expected) -> None:
    w = world
    with session_scope(engine) as s:
        assert _queue_ids(s, w.maria, w, text_filter=text) == [getattr(w, n) for n in expected]
        assert count_queue(s, w.maria, text_filter=text, config=CONFIG, now=w.now) == len(expected)


def test_filter_by_email(engine, world: World, plan: str) -> None:
    w = world
    with session_scope(engine) as s:
        assert _queue_ids(s, w.maria, w, text_filter=w.tia.email.upper()) == [w.tia_sorting]
        assert _queue_ids(s, w.admin, w, text_filter="@example.org sorting") == [
            w.tia_sorting,
            w.sam_sorting,
        ]


def test_pages_are_stable_when_submitted_at_ties(engine, plan: str) -> None:
    moment = clock.now() - timedelta(hours=1)
    with session_scope(engine) as s:
        mentor = factory.mentor(s)
        _, (module,) = factory.course(s, modules=1)
        task = factory.assignment(s, module)
        subs = [
            factory.submission(
                s, factory.student(s, f"S{n}", mentor=mentor), task, submitted_at=moment
            )
            for n in range(7)
        ]
        actor = factory.actor(mentor)
    expected = sorted(x.id for x in subs)
    with session_scope(engine) as s:
        pages = [list_queue(s, actor, offset=o, limit=3, config=CONFIG) for o in (0, 3, 6)]
        assert [i.id for page in pages for i in page] == expected
        third = pages[0][2]
        assert queue_position(s, actor, third.submitted_at, third.id, config=CONFIG) == 2


def test_next_pending_after_a_decision_lands_on_the_next_item(
    engine, world: World, plan: str
) -> None:
    w = world
    with session_scope(engine) as s:
        first = get_queue_item(s, w.maria, w.sam_recursion, config=CONFIG, now=w.now)
        assert first is not None
        decide(s, w.maria, first.id, "approve", None, CONFIG)
    with session_scope(engine) as s:
        landed = next_pending_after(s, w.maria, first.submitted_at, first.id, config=CONFIG)
        assert landed is not None and landed.id == w.tia_sorting
        assert queue_position(s, w.maria, landed.submitted_at, landed.id, config=CONFIG) == 0
        last = get_queue_item(s, w.maria, w.sam_sorting, config=CONFIG)
        decide(s, w.maria, w.sam_sorting, "approve", None, CONFIG)
        # after the last item the cursor falls back to the one before it
        assert last is not None
        back = next_pending_after(s, w.maria, last.submitted_at, last.id, config=CONFIG)
        assert back is not None and back.id == w.tia_sorting
        decide(s, w.maria, w.tia_sorting, "approve", None, CONFIG)
        assert next_pending_after(s, w.maria, last.submitted_at, last.id, config=CONFIG) is None
        assert get_queue_item(s, w.maria, w.tia_sorting, config=CONFIG) is None


def test_get_queue_item_is_scoped(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        assert get_queue_item(s, w.otto, w.sam_recursion, config=CONFIG) is None
        assert get_queue_item(s, w.admin, w.sam_recursion, config=CONFIG) is not None


def _query_plan(s: Session, actor: Actor, w: World) -> tuple[str, str]:
    """SQLite's plans for counting the queue and for finding its first page."""
    from sqlalchemy.dialects import sqlite

    from mentor_tui.core.reviews.queue import _queue_conditions

    conditions = _queue_conditions(
        s, actor, text_filter="", overdue_only=False, config=CONFIG, now=w.now
    )
    count = select(func.count()).select_from(Submission).where(*conditions)
    page = (
        select(Submission.id)
        .where(*conditions)
        .order_by(Submission.submitted_at, Submission.id)
        .limit(100)
    )
    plans = []
    for query in (count, page):
        sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
        plans.append(" | ".join(r[3] for r in rows))
    return plans[0], plans[1]


def test_a_mentors_queue_is_read_student_by_student(engine, world: World) -> None:
    with session_scope(engine) as s:
        for plan in _query_plan(s, world.maria, world):
            assert "SCAN submissions" not in plan, plan
            assert re.search(r"INDEX ix_submissions_student_(status|live) \(student_id=\?", plan), (
                plan
            )
            # 0020's covering ix_users_role_mentor_status, or the plain one it extends
            assert re.search(
                r"INDEX ix_users_role_mentor(_status)? \(role=\? AND mentor_id=\?", plan
            ), plan


def test_a_large_queue_is_counted_and_paged_from_the_queue_index(
    engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentor_tui.core.reviews import queue as review_queue

    monkeypatch.setattr(review_queue, "FEW_STUDENTS", 2)  # the admin sees 3 students: "many"
    with session_scope(engine) as s:
        count, page = _query_plan(s, world.admin, world)
        assert "COVERING INDEX ix_submissions_queue (status=? AND deleted_at=?)" in count, count
        assert "INDEX ix_submissions_queue" in page and "TEMP B-TREE" not in page, page
        count, page = _query_plan(s, world.maria, world)  # Maria's two stay "few"
        assert re.search(r"ix_submissions_student_(status|live)", count), count


def test_the_asked_items_are_counted_from_their_own_index(
    engine, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page and every decision counts the items a student asked feedback on: read from
    ix_submissions_feedback_requested, never by walking every pending item."""
    from sqlalchemy.dialects import sqlite

    from mentor_tui.core.reviews import queue as review_queue

    monkeypatch.setattr(review_queue, "FEW_STUDENTS", 2)  # the admin sees 3 students: "many"
    with session_scope(engine) as s:
        for actor in (world.admin, world.maria):
            asked = review_queue._queue_conditions(
                s, actor, text_filter="", overdue_only=False, config=CONFIG, now=world.now,
                asked=True,
            )  # fmt: skip
            count = select(func.count()).select_from(Submission).where(*asked)
            sql = str(
                count.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            plan = " | ".join(r[3] for r in rows)
            if actor is world.admin:
                assert "INDEX ix_submissions_feedback_requested (feedback_requested_at>?)" in plan
                assert "ix_submissions_queue" not in plan, plan
            assert "SCAN submissions" not in plan, plan


# --- the preview ----------------------------------------------------------------------------


def test_preview_shows_the_work_and_earlier_attempts(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        sub = s.get_one(Submission, w.sam_recursion)
        task_id = sub.assignment_id
        sam = s.get_one(User, w.sam.id)
        from mentor_tui.db.models import Assignment

        task = s.get_one(Assignment, task_id)
        reviewer = s.get_one(User, w.maria.id)
        first_try = factory.submission(
            s,
            sam,
            task,
            submitted_at=w.now - timedelta(days=9),
            status="rejected",
            reviewer=reviewer,
            reviewed_at=w.now - timedelta(days=8),
            feedback="Base case missing.",
        )
        second_try = factory.submission(
            s,
            sam,
            task,
            submitted_at=w.now - timedelta(days=5),
            status="changes_requested",
            reviewer=reviewer,
            reviewed_at=w.now - timedelta(days=4),
            feedback="Closer; add tests.",
            attempt=2,
        )
    with session_scope(engine) as s:
        preview = submission_preview(s, w.maria, w.sam_recursion)
    assert preview.content == "# Fib\n```py\n```"
    assert (preview.student_name, preview.assignment_title) == ("Sam Student", "Recursion 100%")
    assert preview.status == "pending" and preview.reviewer_name is None
    assert [a.id for a in preview.earlier_attempts] == [second_try.id, first_try.id]
    assert [a.feedback for a in preview.earlier_attempts] == [
        "Closer; add tests.",
        "Base case missing.",
    ]
    assert preview.earlier_attempts[0].status == "changes_requested"
    with session_scope(engine) as s:
        assert submission_preview(s, w.maria, w.sam_sorting).earlier_attempts == ()
        with pytest.raises(AccessDenied, match="not your student"):
            submission_preview(s, w.otto, w.sam_recursion)
        with pytest.raises(NotFound):
            submission_preview(s, w.maria, "no-such-id")


# --- decisions ------------------------------------------------------------------------------


def test_approve_writes_through_the_journal_audit_and_tells_the_student(
    engine, world: World
) -> None:
    w = world
    before = _submission(engine, w.tia_sorting)
    with session_scope(engine) as s:
        decided = decide(s, w.maria, w.tia_sorting, "approve", "Clean and clear.", CONFIG)
    after = _submission(engine, w.tia_sorting)
    assert decided.status == after.status == "approved"
    assert after.feedback == "Clean and clear."
    assert after.reviewer_id == w.maria.id
    assert after.reviewed_at is not None and abs(after.reviewed_at - clock.now()) < timedelta(
        seconds=30
    )
    assert after.version == before.version + 1

    with session_scope(engine) as s:
        journal = s.execute(
            select(JournalEntry).where(
                JournalEntry.entity_id == w.tia_sorting, JournalEntry.op == "update"
            )
        ).scalar_one()
        assert journal.base_version == before.version
        assert journal.actor_id == w.maria.id
        assert journal.fields["status"] == "approved"
        assert journal.fields["feedback"] == "Clean and clear."
        audit = s.execute(
            select(AuditEntry).where(
                AuditEntry.entity_id == w.tia_sorting, AuditEntry.action == "review.approve"
            )
        ).scalar_one()
        assert audit.actor_id == w.maria.id and audit.entity == "submissions"
        told = s.execute(select(Notification).where(Notification.user_id == w.tia.id)).scalar_one()
        assert told.type == "feedback_received"
        assert told.data["submission_id"] == w.tia_sorting
        assert told.data["status"] == "approved"


def test_approve_without_feedback_stores_none(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        decide(s, world.maria, w.sam_sorting, "approve", "   \n", CONFIG)
    assert _submission(engine, w.sam_sorting).feedback is None


@pytest.mark.parametrize("decision", ["reject", "request_changes"])
@pytest.mark.parametrize("feedback", [None, "", "  \n\t "])
def test_reject_and_request_changes_need_feedback(engine, world: World, decision, feedback) -> None:
    w = world
    journal_before = _count(engine, JournalEntry)
    with pytest.raises(UserError, match="Write feedback"), session_scope(engine) as s:
        decide(s, w.maria, w.tia_sorting, decision, feedback, CONFIG)
    assert _submission(engine, w.tia_sorting).status == "pending"
    assert _count(engine, JournalEntry) == journal_before


def test_request_changes_with_feedback(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        decide(s, w.maria, w.tia_sorting, "request_changes", "Handle the empty list.", CONFIG)
    after = _submission(engine, w.tia_sorting)
    assert (after.status, after.feedback) == ("changes_requested", "Handle the empty list.")
    assert _count(engine, AuditEntry, AuditEntry.action == "review.request_changes") == 1


def test_a_second_decision_names_who_decided_and_when(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        decide(s, w.admin, w.tia_sorting, "reject", "Not this time.", CONFIG)
    reviewed = _submission(engine, w.tia_sorting).reviewed_at
    berlin = clock.to_local(reviewed, "Europe/Berlin")
    with pytest.raises(UserError) as refused, session_scope(engine) as s:
        decide(s, w.maria, w.tia_sorting, "approve", None, CONFIG)
    message = str(refused.value)
    assert "Tia Müller's 'Sorting' was already rejected by Ada Admin" in message
    assert f"{berlin:%Y-%m-%d %H:%M}" in message  # in the reader's (Maria's) timezone
    assert _submission(engine, w.tia_sorting).status == "rejected"


def test_a_stale_screen_cannot_decide_twice(engine, world: World) -> None:
    """The screen's session still holds the submission as pending; the store moved on."""
    w = world
    with session_scope(engine) as screen:
        stale = screen.get_one(Submission, w.sam_sorting)
        assert stale.status == "pending"
        with session_scope(engine) as other_device:
            decide(other_device, w.admin, w.sam_sorting, "approve", None, CONFIG)
        with pytest.raises(UserError, match="already approved by Ada Admin"):
            decide(screen, w.maria, w.sam_sorting, "reject", "Too late.", CONFIG)


def test_no_rival_write_between_the_pending_check_and_the_decision(
    engine, db_path, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (the CLI, a second app) tries to decide the same item after our check
    passed: it must wait for our transaction instead of slipping in a second decision."""
    import sqlite3

    from mentor_tui.core import writes

    w = world
    rival = sqlite3.connect(db_path, timeout=0.2)
    attempts: list[str] = []
    real_update = writes.update

    def update_with_a_rival(*args, **kwargs):
        try:
            rival.execute(
                "UPDATE submissions SET status = 'rejected' WHERE id = ?", (w.tia_sorting,)
            )
            rival.commit()
            attempts.append("rival decided")
        except sqlite3.OperationalError as exc:
            attempts.append(str(exc))
        return real_update(*args, **kwargs)

    monkeypatch.setattr(writes, "update", update_with_a_rival)
    with session_scope(engine) as s:
        decide(s, w.maria, w.tia_sorting, "approve", None, CONFIG)
    rival.close()
    assert attempts == ["database is locked"]
    assert _submission(engine, w.tia_sorting).status == "approved"


def test_another_mentor_cannot_decide(engine, world: World) -> None:
    w = world
    refused = pytest.raises(AccessDenied, match=f"{w.sam.email}, who is not your student")
    with refused, session_scope(engine) as s:
        decide(s, w.otto, w.sam_recursion, "approve", None, CONFIG)
    assert _submission(engine, w.sam_recursion).status == "pending"


def test_a_student_cannot_decide_even_their_own(engine, world: World) -> None:
    w = world
    refused = pytest.raises(AccessDenied, match="Only a mentor or an admin")
    with refused, session_scope(engine) as s:
        decide(s, factory.actor(w.sam), w.sam_recursion, "approve", None, CONFIG)


def test_an_admin_decides_anyones(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        decide(s, w.admin, w.uma_recursion, "reject", "See the rubric.", CONFIG)
    after = _submission(engine, w.uma_recursion)
    assert (after.status, after.reviewer_id) == ("rejected", w.admin.id)


def test_unknown_submission_and_decision(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        with pytest.raises(NotFound, match="No submission 'nope'"):
            decide(s, w.maria, "nope", "approve", None, CONFIG)
        with pytest.raises(UserError, match="Unknown decision 'maybe'"):
            decide(s, w.maria, w.sam_sorting, "maybe", "x", CONFIG)


def test_a_tombstoned_submission_cannot_be_decided(engine, world: World) -> None:
    from mentor_tui.core import writes

    w = world
    with session_scope(engine) as s:
        writes.tombstone(s, None, s.get_one(Submission, w.sam_sorting))
    with session_scope(engine) as s:
        with pytest.raises(NotFound):
            decide(s, w.maria, w.sam_sorting, "approve", None, CONFIG)
        assert w.sam_sorting not in _queue_ids(s, w.maria, w)


@pytest.mark.parametrize(
    "feedback",
    [
        "[bold]Great[/bold] [@click=app.quit]x[/] [link=https://x]y[/link]",
        "Отлично! 很好 👍 مرحبا\n\n```python\nprint('ok')\n```\n  trailing  ",
        "\x1b]8;;https://evil\x07click\x1b[0m",
        "x" * 1_048_576,
    ],
    ids=["markup", "scripts", "escapes", "one-megabyte"],
)
def test_feedback_is_stored_exactly_as_typed(engine, world: World, feedback: str) -> None:
    w = world
    with session_scope(engine) as s:
        decide(s, w.maria, w.tia_sorting, "request_changes", feedback, CONFIG)
    assert _submission(engine, w.tia_sorting).feedback == feedback


# --- bulk -----------------------------------------------------------------------------------


def test_bulk_decides_every_marked_item_with_one_feedback(engine, world: World) -> None:
    w = world
    ids = [w.sam_recursion, w.tia_sorting, w.sam_recursion]  # a double mark counts once
    with session_scope(engine) as s:
        decided = decide_many(s, w.maria, ids, "request_changes", "Add docstrings.", CONFIG)
    assert [d.id for d in decided] == [w.sam_recursion, w.tia_sorting]
    for sid in (w.sam_recursion, w.tia_sorting):
        after = _submission(engine, sid)
        assert (after.status, after.feedback) == ("changes_requested", "Add docstrings.")
    assert _count(engine, AuditEntry, AuditEntry.action == "review.request_changes") == 2
    assert _count(engine, Notification, Notification.type == "feedback_received") == 2
    with session_scope(engine) as s:
        assert _queue_ids(s, w.maria, w) == [w.sam_sorting]


@pytest.mark.parametrize("spoiler", ["decided", "not_mine", "missing"])
def test_bulk_is_all_or_nothing(engine, world: World, spoiler: str) -> None:
    w = world
    if spoiler == "decided":
        with session_scope(engine) as s:
            decide(s, w.admin, w.sam_sorting, "approve", None, CONFIG)
        bad, error = w.sam_sorting, "already approved"
    elif spoiler == "not_mine":
        bad, error = w.uma_recursion, "not your student"
    else:
        bad, error = "no-such-submission", "No submission"
    journal = _count(engine, JournalEntry)
    notes = _count(engine, Notification)
    marked = [w.sam_recursion, bad, w.tia_sorting]
    refused = pytest.raises(UserError, match=f"{error}.*nothing was decided")
    with refused, session_scope(engine) as s:
        decide_many(s, w.maria, marked, "approve", "ok", CONFIG)
    assert _submission(engine, w.sam_recursion).status == "pending"
    assert _submission(engine, w.tia_sorting).status == "pending"
    assert _count(engine, JournalEntry) == journal
    assert _count(engine, Notification) == notes


def test_bulk_with_nothing_marked(engine, world: World) -> None:
    with session_scope(engine) as s, pytest.raises(UserError, match="Mark at least one"):
        decide_many(s, world.maria, [], "approve", None, CONFIG)


# --- reminders ------------------------------------------------------------------------------


def _reminders(engine, user_id: str) -> list[tuple[str, str]]:
    with session_scope(engine) as s:
        rows = s.execute(
            select(Notification.type, Notification.data)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at)
        ).all()
    return [(t, d["submission_id"]) for t, d in rows]


def test_reminders_fire_once_per_item_and_threshold(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        # Sam's 60 h item is past the SLA at first sight: the overdue alert alone.
        # Tia's 30 h item is past half the SLA. Otto's Uma (40 h) too.
        assert len(run_review_reminders(s, CONFIG, w.now)) == 3
    assert sorted(_reminders(engine, w.maria.id)) == sorted(
        [
            ("overdue_feedback", w.sam_recursion),
            ("pending_submission_reminder", w.tia_sorting),
        ]
    )
    assert _reminders(engine, w.otto.id) == [("pending_submission_reminder", w.uma_recursion)]
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, w.now)) == 0  # second run, same moment
        assert len(run_review_reminders(s, CONFIG, w.now + timedelta(hours=1))) == 0

    later = w.now + timedelta(hours=20)  # Tia's item at 50 h, Sam's sorting at 25 h
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, later)) == 3
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, later)) == 0
    assert sorted(_reminders(engine, w.maria.id)) == sorted(
        [
            ("overdue_feedback", w.sam_recursion),
            ("pending_submission_reminder", w.tia_sorting),
            ("overdue_feedback", w.tia_sorting),
            ("pending_submission_reminder", w.sam_sorting),
        ]
    )
    assert _reminders(engine, w.otto.id)[-1] == ("overdue_feedback", w.uma_recursion)
    with session_scope(engine) as s:
        superseded = s.get_one(ReviewReminder, (w.sam_recursion, "half_sla"))
        assert superseded.notification_id is None
        assert s.get_one(ReviewReminder, (w.sam_recursion, "overdue")).notification_id


def test_reminders_honour_the_toggles(engine, world: World) -> None:
    w = world
    quiet = Config(
        notifications=Notifications(pending_submission_reminder=False, overdue_feedback_alert=False)
    )
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, quiet, w.now)) == 0
    assert _count(engine, ReviewReminder) == 0
    only_overdue = Config(notifications=Notifications(pending_submission_reminder=False))
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, only_overdue, w.now)) == 1
    assert _reminders(engine, w.maria.id) == [("overdue_feedback", w.sam_recursion)]
    only_half = Config(notifications=Notifications(overdue_feedback_alert=False))
    with session_scope(engine) as s:
        # Sam's overdue item already had its alert, so its half reminder stays superseded
        assert len(run_review_reminders(s, only_half, w.now)) == 2
    assert sorted(_reminders(engine, w.maria.id)) == sorted(
        [
            ("overdue_feedback", w.sam_recursion),
            ("pending_submission_reminder", w.tia_sorting),
        ]
    )


def test_reminders_skip_decided_items_and_students_without_a_mentor(engine, world: World) -> None:
    from mentor_tui.core import writes

    w = world
    with session_scope(engine) as s:
        decide(s, w.maria, w.sam_recursion, "approve", None, CONFIG)
        decide(s, w.maria, w.tia_sorting, "approve", None, CONFIG)
        writes.update(s, None, s.get_one(User, w.uma.id), {"mentor_id": None})
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, w.now)) == 0
    with session_scope(engine) as s:
        writes.update(s, None, s.get_one(User, w.uma.id), {"mentor_id": w.maria.id})
    with session_scope(engine) as s:  # Uma's work reaches her new mentor
        assert len(run_review_reminders(s, CONFIG, w.now)) == 1
    assert _reminders(engine, w.maria.id)[-1] == ("pending_submission_reminder", w.uma_recursion)


def test_reminders_for_one_mentor(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, w.now, mentor_id=w.otto.id)) == 1
    assert _reminders(engine, w.maria.id) == []
    with session_scope(engine) as s:
        assert len(run_review_reminders(s, CONFIG, w.now)) == 2


def test_the_signed_in_mentors_reminders_name_the_item_and_an_admin_gets_none(
    engine, world: World
) -> None:
    w = world
    with session_scope(engine) as s:  # what the app runs on an admin's device
        assert run_review_reminders(s, CONFIG, w.now, mentor_id=w.admin.id) == []
    with session_scope(engine) as s:
        sent = run_review_reminders(s, CONFIG, w.now, mentor_id=w.maria.id)
        assert [(n.user_id, n.type, n.title) for n in sent] == [
            (w.maria.id, "overdue_feedback", "Feedback overdue"),
            (w.maria.id, "pending_submission_reminder", "Review due soon"),
        ]
        assert sent[0].message.startswith(f"{w.sam.full_name}'s 'Recursion 100%' has waited")
    assert _reminders(engine, w.otto.id) == []


def test_with_the_overdue_alert_off_an_overdue_item_is_not_called_due_soon(
    engine, world: World
) -> None:
    w = world
    only_half = Config(notifications=Notifications(overdue_feedback_alert=False))
    with session_scope(engine) as s:
        sent = run_review_reminders(s, only_half, w.now, mentor_id=w.maria.id)
    assert [n.data["submission_id"] for n in sent] == [w.tia_sorting]
    assert "feedback is due within 18 h" in sent[0].message
    with session_scope(engine) as s:  # Sam's 60 h item is settled: not looked at again
        assert s.get_one(ReviewReminder, (w.sam_recursion, "half_sla")).notification_id is None
        assert run_review_reminders(s, only_half, w.now, mentor_id=w.maria.id) == []


def test_a_reminder_synced_from_another_device_is_not_sent_again(engine, world: World) -> None:
    from mentor_tui.core import writes

    w = world
    with session_scope(engine) as s:  # Maria's laptop alerted her; sync brings it to this store
        for submission_id, kind in (
            (w.sam_recursion, "overdue_feedback"),
            (w.tia_sorting, "pending_submission_reminder"),
        ):
            writes.insert(
                s,
                None,
                Notification(
                    user_id=w.maria.id,
                    type=kind,
                    title="laptop",
                    data={"submission_id": submission_id},
                ),
            )
    with session_scope(engine) as s:
        assert run_review_reminders(s, CONFIG, w.now, mentor_id=w.maria.id) == []
    with session_scope(engine) as s:  # settled once: logged, so not looked at again
        assert _count(engine, ReviewReminder) == 3
        assert run_review_reminders(s, CONFIG, w.now + timedelta(hours=20), mentor_id=w.maria.id)
    assert sorted(_reminders(engine, w.maria.id)) == sorted(
        [
            ("overdue_feedback", w.sam_recursion),
            ("pending_submission_reminder", w.tia_sorting),
            ("overdue_feedback", w.tia_sorting),  # Tia's item passed the SLA meanwhile
            ("pending_submission_reminder", w.sam_sorting),
        ]
    )


# --- figures --------------------------------------------------------------------------------


def test_review_times(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        maria = s.get_one(User, w.maria.id)
        admin = s.get_one(User, w.admin.id)
        from mentor_tui.db.models import Assignment

        task = s.execute(select(Assignment).where(Assignment.title == "Sorting")).scalar_one()
        base = w.now - timedelta(days=10)
        for student, hours, reviewer in (
            (w.sam, 10, maria),
            (w.tia, 60, maria),
            (w.uma, 30, admin),
        ):
            factory.submission(
                s,
                s.get_one(User, student.id),
                task,
                submitted_at=base,
                status="approved",
                reviewer=reviewer,
                reviewed_at=base + timedelta(hours=hours),
            )
    with session_scope(engine) as s:
        mine = review_times(s, w.maria, config=CONFIG)
        assert (mine.decisions, mine.within_sla) == (2, 1)
        assert mine.average_hours == pytest.approx(35.0, abs=1e-3)
        assert mine.within_sla_share == 0.5
        everyone = review_times(s, w.admin, config=CONFIG)
        assert everyone.decisions == 3
        assert everyone.average_hours == pytest.approx(100 / 3, abs=1e-3)
        by_admin = review_times(s, w.admin, reviewer_id=w.admin.id, config=CONFIG)
        assert (by_admin.decisions, by_admin.within_sla) == (1, 1)
        per = review_times_by_reviewer(s, w.admin, config=CONFIG)
        assert per[w.maria.id].decisions == 2 and per[w.admin.id].average_hours == pytest.approx(30)
        assert review_times(s, w.otto, config=CONFIG).decisions == 1  # Uma's, by the admin
        tight = review_times(s, w.maria, config=Config(assignment_review_sla_hours=5))
        assert tight.within_sla == 0
        recent = review_times(s, w.admin, since=w.now - timedelta(days=9), config=CONFIG)
        assert recent.decisions == 2  # the 10 h one was reviewed 9 d 14 h ago
        empty = review_times(s, w.maria, until=w.now - timedelta(days=30), config=CONFIG)
        assert (empty.decisions, empty.average_hours, empty.within_sla_share) == (0, None, None)
        first = (
            s.execute(
                select(Submission)
                .where(Submission.status == "approved")
                .order_by(Submission.reviewed_at)
            )
            .scalars()
            .first()
        )
        assert review_hours(first) == pytest.approx(10)
        assert review_hours(s.get_one(Submission, w.sam_sorting)) is None


# --- comment bank ---------------------------------------------------------------------------


def test_comment_bank_add_list_edit_delete(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        tests = add_snippet(s, w.maria, "tests", "Please add tests for the edge cases.")
        add_snippet(s, w.maria, "Äpfel", "Ä first in German order, after tests here")
        add_snippet(s, w.maria, "Naming", "Names should say what a thing is.")
        add_snippet(s, w.otto, "Otto's", "Not Maria's.")
    with session_scope(engine) as s:
        assert [x.title for x in list_snippets(s, w.maria)] == ["Naming", "tests", "Äpfel"]
        update_snippet(s, w.maria, tests.id, title="Tests", body="Add a test per branch.")
    with session_scope(engine) as s:
        edited = s.get_one(CommentSnippet, tests.id)
        assert (edited.title, edited.body, edited.version) == ("Tests", "Add a test per branch.", 2)
        delete_snippet(s, w.maria, tests.id)
    with session_scope(engine) as s:
        assert [x.title for x in list_snippets(s, w.maria)] == ["Naming", "Äpfel"]
        assert s.get_one(CommentSnippet, tests.id).deleted_at is not None  # a tombstone
        assert [x.title for x in list_snippets(s, w.otto)] == ["Otto's"]
    journaled = _count(engine, JournalEntry, JournalEntry.entity == "comment_snippets")
    assert journaled == 4 + 1 + 1  # four adds, one edit, one delete: sync can push them


def test_comment_bank_refusals(engine, world: World) -> None:
    w = world
    with session_scope(engine) as s:
        mine = add_snippet(s, w.maria, "Tests", "Add tests.")
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="already have a snippet called 'tests'"):
            add_snippet(s, w.maria, "  tests ", "again")
        with pytest.raises(UserError, match="Give the snippet a title"):
            add_snippet(s, w.maria, "  ", "body")
        with pytest.raises(UserError, match="needs some text"):
            add_snippet(s, w.maria, "Empty", " \n ")
        with pytest.raises(UserError, match="one line"):
            add_snippet(s, w.maria, "two\nlines", "body")
        with pytest.raises(UserError, match="at most 80"):
            add_snippet(s, w.maria, "x" * 81, "body")
        with pytest.raises(NotFound):
            update_snippet(s, w.otto, mine.id, body="hijack")
        with pytest.raises(NotFound):
            delete_snippet(s, w.admin, mine.id)
        with pytest.raises(AccessDenied, match="comment bank"):
            add_snippet(s, factory.actor(w.sam), "Mine", "text")
        # renaming to its own title (another case) is not a clash
        assert update_snippet(s, w.maria, mine.id, title="TESTS").title == "TESTS"
    with session_scope(engine) as s:
        assert s.get_one(CommentSnippet, mine.id).body == "Add tests."
