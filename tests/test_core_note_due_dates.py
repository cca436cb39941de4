"""Due dates of action items in the core: set, change and clear through the write path, only
by the note's author; overdue items; and the mentor dashboard's list of items due."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.analytics.dashboard import dashboard
from mentor_tui.core.notes import notes
from mentor_tui.core.notes.notes import NoteConflict
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, User
from mentor_tui.errors import AccessDenied, UserError

SAM = "sam.student@example.org"


def _user(s: Session, name: str, role: str, mentor: User | None = None, tz: str = "UTC") -> User:
    email = name.lower().replace(" ", ".") + "@example.org"
    row = User(
        full_name=name, email=email, role=role, mentor_id=mentor.id if mentor else None, timezone=tz
    )
    writes.insert(s, None, row)
    s.flush()
    return row


@pytest.fixture
def people(engine) -> dict[str, Actor]:
    """Two mentors (Mia lives in Auckland) with a student each, and an admin."""
    with session_scope(engine) as s:
        mia = _user(s, "Mia Mentor", "mentor", tz="Pacific/Auckland")
        max_ = _user(s, "Max Mentor", "mentor")
        users = {
            "mia": mia,
            "max": max_,
            "ada": _user(s, "Ada Admin", "admin"),
            "sam": _user(s, "Sam Student", "student", mia),
            "tom": _user(s, "Tom Student", "student", max_),
        }
    return {key: Actor.of(user) for key, user in users.items()}


def _add(engine, actor: Actor, student: str, body: str, **kw) -> str:
    with session_scope(engine) as s:
        return notes.add_note(s, actor, student, body, **kw).id


def _journal(engine, note_id: str) -> list[JournalEntry]:
    with session_scope(engine) as s:
        return list(
            s.execute(
                select(JournalEntry).where(JournalEntry.entity_id == note_id).order_by("seq")
            ).scalars()
        )


def test_a_due_date_is_set_changed_and_cleared_through_the_write_path(engine, people) -> None:
    mia = people["mia"]
    note_id = _add(engine, mia, SAM, "Book mock interview", kind="action_item")
    for due in (date(2030, 3, 1), date(2030, 3, 8), None):
        with session_scope(engine) as s:
            notes.set_due_date(s, mia, note_id, due)
        with session_scope(engine) as s:
            assert notes.get_note(s, mia, note_id).due_date == due
    journal = _journal(engine, note_id)
    assert [(j.op, j.fields.get("due_date", "-")) for j in journal] == [
        ("insert", None),
        ("update", "2030-03-01"),
        ("update", "2030-03-08"),
        ("update", None),
    ]
    assert [j.base_version for j in journal] == [0, 1, 2, 3]
    with session_scope(engine) as s:
        # setting the same day again writes nothing
        notes.set_due_date(s, mia, note_id, None)
    with session_scope(engine) as s:
        audits = s.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.entity_id == note_id)
        ).all()
    assert sorted((action, str(detail.get("fields"))) for action, detail in audits) == [
        ("create", "None"),
        ("update", "['due_date']"),
        ("update", "['due_date']"),
        ("update", "['due_date']"),
    ]
    assert len(_journal(engine, note_id)) == 4


def test_only_the_author_sets_a_due_date_and_only_on_an_action_item(engine, people) -> None:
    mia, max_, ada = people["mia"], people["max"], people["ada"]
    item = _add(engine, mia, SAM, "Send CV", kind="action_item")
    plain = _add(engine, mia, SAM, "Just a note")
    with pytest.raises(AccessDenied, match="belongs to another mentor"), session_scope(engine) as s:
        notes.set_due_date(s, max_, item, date(2030, 1, 1))
    with pytest.raises(AccessDenied, match="an admin cannot"), session_scope(engine) as s:
        notes.set_due_date(s, ada, item, date(2030, 1, 1))
    with pytest.raises(UserError) as raised, session_scope(engine) as s:
        notes.set_due_date(s, mia, plain, date(2030, 1, 1))
    assert str(raised.value) == "Only an action item has a due date; this note is a note."
    with pytest.raises(NoteConflict), session_scope(engine) as s:
        notes.set_due_date(s, mia, item, date(2030, 1, 1), expected_version=7)
    with session_scope(engine) as s:
        assert notes.get_note(s, mia, item).due_date is None
        assert notes.get_note(s, mia, item).version == 1


def test_an_open_action_item_past_its_due_date_is_overdue(engine, people) -> None:
    mia = people["mia"]
    today = date(2030, 3, 10)
    cases = {
        "late": (date(2030, 3, 9), False, True),
        "late but done": (date(2030, 3, 9), True, False),
        "due today": (today, False, False),
        "no date": (None, False, False),
    }
    for body, (due, done, _) in cases.items():
        note_id = _add(engine, mia, SAM, body, kind="action_item")
        with session_scope(engine) as s:
            notes.save_note(s, mia, note_id, due_date=due, done=done)
    with session_scope(engine) as s:
        lines = notes.list_notes(s, mia, SAM)
    assert {line.note: notes.is_overdue(line, today) for line in lines} == {
        body: overdue for body, (_, _, overdue) in cases.items()
    }


def test_the_dashboard_lists_open_items_overdue_or_due_within_a_week(engine, people) -> None:
    mia, max_ = people["mia"], people["max"]
    # 23:30 UTC on Monday 2 March is Tuesday 3 March in Auckland: Mia's today
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    items = {
        "long overdue": (date(2025, 8, 8), False),
        "due Monday, yesterday for Mia": (date(2026, 3, 2), False),
        "due today": (date(2026, 3, 3), False),
        "due in a week": (date(2026, 3, 10), False),
        "due in eight days": (date(2026, 3, 11), False),
        "overdue but done": (date(2026, 2, 1), True),
    }
    for body, (due, done) in items.items():
        note_id = _add(engine, mia, SAM, body, kind="action_item", due_date=due)
        if done:
            with session_scope(engine) as s:
                notes.save_note(s, mia, note_id, done=True)
    _add(engine, mia, SAM, "no due date", kind="action_item")
    _add(engine, mia, SAM, "a plain note")
    _add(
        engine,
        max_,
        "tom.student@example.org",
        "Max's own",
        kind="action_item",
        due_date=date(2026, 3, 3),
    )
    with session_scope(engine) as s:
        shown = dashboard(s, mia, Config(), now=moment).action_items
        assert [line.note for line in shown] == [
            "long overdue",
            "due Monday, yesterday for Mia",
            "due today",
            "due in a week",
        ]
        assert [notes.is_overdue(line, date(2026, 3, 3)) for line in shown] == [
            True,
            True,
            False,
            False,
        ]
        assert {line.student_name for line in shown} == {"Sam Student"}
        assert [line.note for line in dashboard(s, max_, Config(), now=moment).action_items] == [
            "Max's own"
        ]
        assert dashboard(s, people["ada"], Config(), now=moment).action_items == []
        assert len(notes.action_items_due(s, mia, date(2026, 3, 3), limit=2)) == 2


def test_items_on_a_student_who_moved_to_another_mentor_leave_the_dashboard(engine, people) -> None:
    mia = people["mia"]
    _add(engine, mia, SAM, "Send CV", kind="action_item", due_date=date(2026, 3, 1))
    with session_scope(engine) as s:
        assert [n.note for n in notes.action_items_due(s, mia, date(2026, 3, 3))] == ["Send CV"]
        sam = s.execute(select(User).where(User.email == SAM)).scalar_one()
        writes.update(s, None, sam, {"mentor_id": people["max"].id})
    with session_scope(engine) as s:
        assert notes.action_items_due(s, mia, date(2026, 3, 3)) == []
