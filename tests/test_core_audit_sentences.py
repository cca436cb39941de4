"""The audit log read as sentences: who did what to which thing, named as a person would name
it; a note's or a message's text never appears; a thing gone from the store is named by kind."""

from __future__ import annotations

from sqlalchemy import select

from mentor_tui.core.assignment.seats import assign_student, unassign_student
from mentor_tui.core.audit.log import list_audit
from mentor_tui.core.audit.sentences import describe
from mentor_tui.core.notes.notes import add_note
from mentor_tui.core.people.mentors import deactivate_mentor
from mentor_tui.core.reviews.decisions import decide
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, MentorshipNote
from tests import factory


def _sentences(engine, admin) -> list[str]:
    with session_scope(engine) as session:
        rows = list_audit(session, factory.actor(admin), limit=1000)
        mine = [r for r in rows if r.actor_id is not None]  # the factory's set-up has no actor
        return describe(session, list(reversed(mine)))


def test_each_kind_of_change_reads_as_a_sentence(engine) -> None:
    with session_scope(engine) as s:
        admin = factory.admin(s, "Ada Admin")
        maria = factory.mentor(s, "Maria Mentor", capacity=1)
        ben = factory.mentor(s, "Ben Backup")
        chris = factory.student(s, "Chris [b]Ortiz[/b]\x1b]0;pwn\x07")
        _, modules = factory.course(s, modules=1)
        task = factory.assignment(s, modules[0], "Week 3")
        work = factory.submission(s, chris, task, submitted_at=factory.hours_ago(5))
        s.expunge_all()
    with session_scope(engine) as s:
        assign_student(s, factory.actor(admin), chris.id, maria.id)
    with session_scope(engine) as s:
        decide(s, factory.actor(maria), work.id, "approve", "Lovely work, secret detail")
    with session_scope(engine) as s:
        add_note(s, factory.actor(maria), chris.id, "private: struggles at home")
    with session_scope(engine) as s:
        assign_student(s, factory.actor(admin), chris.id, ben.id)
        unassign_student(s, factory.actor(admin), chris.id)
        deactivate_mentor(s, factory.actor(admin), maria.id)

    chris_name = "Chris [b]Ortiz[/b]\N{REPLACEMENT CHARACTER}]0;pwn\N{REPLACEMENT CHARACTER}"
    sentences = _sentences(engine, admin)
    assert f"Ada Admin assigned {chris_name} to Maria Mentor." in sentences
    assert f"Maria Mentor approved {chris_name}'s 'Week 3' submission." in sentences
    assert f"Maria Mentor added a note about {chris_name}." in sentences
    assert f"Ada Admin assigned {chris_name} to Ben Backup over capacity." not in sentences
    assert f"Ada Admin assigned {chris_name} to Ben Backup." in sentences
    assert f"Ada Admin took {chris_name} away from Ben Backup; they have no mentor now." in (
        sentences
    )
    assert "Ada Admin deactivated Maria Mentor." in sentences
    text = "\n".join(sentences)
    assert "struggles" not in text and "secret" not in text  # what was written is never quoted
    assert "\x1b" not in text and "\x07" not in text


def test_a_thing_gone_from_the_store_is_named_by_its_kind(engine) -> None:
    with session_scope(engine) as s:
        admin = factory.admin(s, "Ada Admin")
        maria = factory.mentor(s, "Maria Mentor")
        sam = factory.student(s, "Sam", mentor=maria)
        s.expunge_all()
    with session_scope(engine) as s:
        note = add_note(s, factory.actor(maria), sam.id, "hello")
        note_id = note.id
    with session_scope(engine) as s:
        s.delete(s.get(MentorshipNote, note_id))  # as the purge of a reassigned student does
    sentences = _sentences(engine, admin)
    assert sentences == ["Maria Mentor added a note."]
    with session_scope(engine) as s:
        (entry,) = s.execute(select(AuditEntry).where(AuditEntry.entity_id == note_id)).scalars()
        assert entry.action == "create"


def test_a_bulk_entry_says_how_many_rows(engine) -> None:
    """The learning platform bridge's first pass audits a table taken in whole as one entry."""
    from mentor_tui.core import writes

    with session_scope(engine) as s:
        admin = factory.admin(s, "Ada Admin")
        writes.audit(s, None, "lms sync", "module_progress", "", {"rows": 1200, "bulk": True})
    with session_scope(engine) as s:
        (row,) = [r for r in list_audit(s, factory.actor(admin)) if r.action == "lms sync"]
        assert describe(s, [row]) == [
            "mentor-tui took in 1,200 module progress rows at once (lms sync)."
        ]
