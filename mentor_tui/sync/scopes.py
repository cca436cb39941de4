"""Which synced rows an account may read and write, built from the scopes of ``core/access.py``.

The server filters every pull and authorises every pushed change with these conditions; the
client evaluates the same read conditions on its own store to drop what it may no longer see
(a student moved to another mentor takes their submissions, notes, progress and messages away
from the old mentor's store).

Two differences from the app's scopes, both needed by sync:

- Tombstones count: a deleted row is still delivered (as a tombstone) to whoever could see it
  alive, so deletions reach every store. ``readable`` therefore drops the access scopes'
  "not deleted" tests.
- Everything hanging off a student travels with the student: a mentor's own note about a
  student, or their messages with one, leave the mentor's store once the student is no longer
  theirs (the server keeps them; they come back if the student does).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, exists, false, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression

from mentor_tui.core.access import (
    Actor,
    message_scope,
    note_scope,
    peer_submission_scope,
    session_scope,
    student_scope,
    submission_scope,
    user_scope,
)
from mentor_tui.core.messages.rules import new_message_condition
from mentor_tui.core.notifications.notify import written_by
from mentor_tui.core.sessions.templates import template_scope
from mentor_tui.db.message_models import MessageRead
from mentor_tui.db.models import (
    MentorProfile,
    MentorshipNote,
    MentorshipSession,
    Message,
    ModuleProgress,
    Notification,
    SessionAttendee,
    SessionTemplate,
    StudentProfile,
    Submission,
    User,
)
from mentor_tui.db.notification_models import NotificationPreference
from mentor_tui.sync.grant import Grant
from mentor_tui.sync.grant import f as _f
from mentor_tui.sync.peer_scopes import PEER_GRANTS, PEER_READ_RULES
from mentor_tui.sync.protocol import REVIEW_FIELDS, spec, table_specs


def with_tombstones(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """``condition`` with every ``deleted_at IS NULL`` test (at any depth) made true."""

    def replace(element: object) -> ColumnElement[bool] | None:
        if (
            isinstance(element, BinaryExpression)
            and element.operator is operators.is_
            and getattr(element.left, "name", None) == "deleted_at"
        ):
            return true()
        return None

    return visitors.replacement_traverse(condition, {}, replace)  # type: ignore[return-value]


# "The row's user is one the actor may see", written as a correlated EXISTS probing the users'
# primary key: a page of a big table is then read in key order with one probe per row, where
# an IN list would make SQLite sort every candidate row (or cross two lists) for each page.


def _a_user(actor: Actor, column: Any) -> ColumnElement[bool]:
    return exists().where(User.id == column, user_scope(actor))


def _a_student(actor: Actor, column: Any) -> ColumnElement[bool]:
    return exists().where(User.id == column, student_scope(actor))


def _a_session(actor: Actor, column: Any) -> ColumnElement[bool]:
    return exists().where(MentorshipSession.id == column, session_scope(actor))


def _about_own(actor: Actor) -> ColumnElement[bool]:
    """A mentor's notification about a student (``data.student_id``: "new student
    assigned", ...) only while the student is theirs: it names them."""
    if not actor.is_mentor:
        return true()
    about = JsonText(Notification.data, "student_id")  # type: ignore[arg-type]
    return or_(about.is_(None), about.in_(_students(actor)))


class JsonText(ColumnElement[str]):
    """A JSON column's text at a constant key, its path written into the SQL (not a bound
    parameter, which the server's SQLite pages pass to the driver unprocessed)."""

    inherit_cache = True
    type = String()

    def __init__(self, column: ColumnElement[Any], key: str) -> None:
        if not key.isidentifier():
            raise ValueError(f"not a plain JSON key: {key!r}")
        self.column, self.key = column, key


@compiles(JsonText)
def _json_text(element: JsonText, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    if compiler.dialect.name == "postgresql":
        return f"({column} ->> '{element.key}')"
    return f"json_extract({column}, '$.{element.key}')"


def _users(actor: Actor) -> Select[tuple[str]]:
    return select(User.id).where(user_scope(actor))


def _students(actor: Actor) -> Select[tuple[str]]:
    return select(User.id).where(student_scope(actor))


def _column(table: str, name: str):
    return spec(table).table.c[name]


_READ_RULES: dict[str, Callable[[Actor], ColumnElement[bool]]] = {
    "users": user_scope,
    "mentor_profiles": lambda a: _a_user(a, MentorProfile.user_id),
    "mentor_specializations": lambda a: _a_user(a, _column("mentor_specializations", "mentor_id")),
    "student_profiles": lambda a: _a_student(a, StudentProfile.user_id),
    "courses": lambda a: true(),
    "modules": lambda a: true(),
    "assignments": lambda a: true(),
    "module_progress": lambda a: _a_student(a, ModuleProgress.user_id),
    "enrollments": lambda a: _a_student(a, _column("enrollments", "user_id")),
    # a peer mentor also holds the work of the students they facilitate (core/peers)
    "submissions": lambda a: or_(submission_scope(a), peer_submission_scope(a)),
    "mentorship_notes": lambda a: and_(note_scope(a), _a_student(a, MentorshipNote.student_id)),
    "session_templates": template_scope,
    "mentorship_sessions": session_scope,
    "session_attendees": lambda a: and_(
        _a_session(a, SessionAttendee.session_id), _a_student(a, SessionAttendee.student_id)
    ),
    "notifications": lambda a: and_(Notification.user_id == a.id, _about_own(a)),
    "messages": lambda a: and_(
        message_scope(a),
        _a_user(a, Message.sender_id),
        or_(Message.recipient_id.is_(None), _a_user(a, Message.recipient_id)),
    ),
    "message_reads": lambda a: and_(
        MessageRead.user_id == a.id,
        exists().where(Message.id == MessageRead.message_id, _READ_RULES["messages"](a)),
    ),
    "student_availability": lambda a: _a_student(a, _column("student_availability", "student_id")),
    # a person's notification preferences are theirs (an admin's rules: every row)
    "notification_preferences": lambda a: (
        true() if a.is_admin else NotificationPreference.user_id == a.id
    ),
    "comment_snippets": lambda a: _column("comment_snippets", "owner_id") == a.id,
    "program_settings": lambda a: true(),
    # the away mentor sees their own absences (admins every one; grants: admins only)
    "mentor_absences": lambda a: (
        true() if a.is_admin else _column("mentor_absences", "mentor_id") == a.id
    ),
    **PEER_READ_RULES,
}


@lru_cache(maxsize=8192)
def readable(actor: Actor, table: str) -> ColumnElement[bool]:
    """Rows of ``table`` that ``actor`` may hold in their store, tombstones included.
    A table without a rule is never delivered. (Built once per account and table.)"""
    rule = _READ_RULES.get(table)
    if rule is None or table not in table_specs():
        return false()
    return with_tombstones(rule(actor))


def has_read_rule(table: str) -> bool:
    return table in _READ_RULES


# --- writes -------------------------------------------------------------------------------


_WriteRules = Callable[[Actor], list[Grant]]


def _users_grants(actor: Actor) -> list[Grant]:
    return [
        Grant(User.id == actor.id, _f("update"), _f("full_name", "timezone")),
        *([Grant(student_scope(actor), _f("update"), _f("status"))] if actor.is_mentor else []),
    ]


def _own(table: str, column: str, actor: Actor, **kw: object) -> Grant:
    return Grant(_column(table, column) == actor.id, **kw)  # type: ignore[arg-type]


def _submission_grants(actor: Actor) -> list[Grant]:
    own = Submission.student_id == actor.id
    return [
        # the work alone: pending, undecided; the decision is the reviewer's
        Grant(
            own,
            _f("insert"),
            _f("content", "submitted_at", "attempt"),
            after=and_(
                Submission.status == "pending",
                Submission.feedback.is_(None),
                Submission.reviewer_id.is_(None),
                Submission.reviewed_at.is_(None),
            ),
        ),
        Grant(
            and_(own, Submission.status == "pending"),
            _f("update"),
            _f("content", "submitted_at", "attempt"),
        ),
        # a request for feedback on their own work still waiting (core/reviews/requests.py)
        Grant(
            and_(own, Submission.status == "pending"),
            _f("update"),
            _f("feedback_requested_at", "feedback_request"),
        ),
        # the feedback given to them, read
        Grant(and_(own, Submission.feedback.is_not(None)), _f("update"), _f("feedback_seen_at")),
        Grant(
            and_(submission_scope(actor), Submission.student_id != actor.id),
            _f("update"),
            REVIEW_FIELDS,
            after=or_(Submission.reviewer_id.is_(None), Submission.reviewer_id == actor.id),
        ),
    ]


def _session_grants(actor: Actor) -> list[Grant]:
    if actor.is_mentor:
        return [Grant(MentorshipSession.mentor_id == actor.id)]
    if actor.is_student:
        # a booking with their own mentor (core/sessions/booking.py): a request the mentor
        # answers, or scheduled at once when the mentor's profile says so; nothing else
        my_mentor = select(User.mentor_id).where(User.id == actor.id).scalar_subquery()
        takes_at_once = exists().where(
            MentorProfile.user_id == MentorshipSession.mentor_id,
            MentorProfile.auto_accept_bookings.is_(True),
            MentorProfile.deleted_at.is_(None),
        )
        return [
            Grant(
                MentorshipSession.mentor_id == my_mentor,
                _f("insert"),
                after=and_(
                    MentorshipSession.kind == "one_on_one",
                    MentorshipSession.summary == "",
                    MentorshipSession.decline_reason == "",
                    or_(
                        MentorshipSession.status == "requested",
                        and_(MentorshipSession.status == "scheduled", takes_at_once),
                    ),
                ),
            )
        ]
    return []


def _attendee_grants(actor: Actor) -> list[Grant]:
    mine = SessionAttendee.session_id.in_(
        select(MentorshipSession.id).where(MentorshipSession.mentor_id == actor.id)
    )
    if actor.is_mentor:
        return [Grant(and_(mine, SessionAttendee.student_id.in_(_students(actor))))]
    if actor.is_student:
        my_mentor = select(User.mentor_id).where(User.id == actor.id).scalar_subquery()
        with_my_mentor = SessionAttendee.session_id.in_(
            select(MentorshipSession.id).where(MentorshipSession.mentor_id == my_mentor)
        )
        own = SessionAttendee.student_id == actor.id
        return [
            Grant(and_(own, with_my_mentor), _f("insert")),
            Grant(own, _f("update"), _f("rating", "rating_comment")),
        ]
    return []


def _message_grants(actor: Actor) -> list[Grant]:
    """What the app allows and nothing more (``core/messages``): a new message only to someone
    the sender may write to (or an announcement to an audience they may address); an edit of
    one's own text only as an edit (the earlier text kept is the client's part); the
    recipient's read mark; and anyone's report of a message they received."""
    return [
        Grant(Message.sender_id == actor.id, _f("insert"), after=new_message_condition(actor)),
        Grant(
            Message.sender_id == actor.id,
            _f("update"),
            _f("body", "edited_at", "history"),
            after=Message.edited_at.is_not(None),
        ),
        Grant(Message.recipient_id == actor.id, _f("update"), _f("read_at")),
        Grant(
            and_(message_scope(actor), Message.sender_id != actor.id),
            _f("update"),
            _f("reported_at", "reported_by"),
            after=and_(Message.reported_by == actor.id, Message.reported_at.is_not(None)),
        ),
    ]


def _message_read_grants(actor: Actor) -> list[Grant]:
    """A person's own read marks, on messages they may read."""
    readable_message = exists().where(Message.id == MessageRead.message_id, message_scope(actor))
    return [Grant(and_(MessageRead.user_id == actor.id, readable_message), _f("insert", "update"))]


_NON_ADMIN: dict[str, _WriteRules] = {
    "users": _users_grants,
    "mentor_profiles": lambda a: [
        Grant(
            MentorProfile.user_id == a.id,
            _f("insert", "update"),
            # what a mentor keeps up to date themself (core/people/editing.py): the rest of
            # the profile (expertise, style, hours, capacity, backup) is the admin's
            _f(
                "availability",
                "availability_exceptions",
                "contact_preferences",
                "bio",
                "auto_accept_bookings",
            ),
        )
    ],
    "student_profiles": lambda a: [
        Grant(
            StudentProfile.user_id.in_(_students(a)),
            _f("insert", "update"),
            _f("learning_style", "needed_skills", "goals")
            if a.is_student
            else _f("needed_skills", "goals"),
        )
    ],
    "student_availability": lambda a: (
        [_own("student_availability", "student_id", a)] if a.is_student else []
    ),
    "module_progress": lambda a: (
        [Grant(ModuleProgress.user_id == a.id, _f("insert", "update"))] if a.is_student else []
    ),
    "submissions": _submission_grants,
    "mentorship_notes": lambda a: (
        [Grant(and_(note_scope(a), MentorshipNote.student_id.in_(_students(a))))]
        if a.is_mentor
        else []
    ),
    "session_templates": lambda a: [Grant(SessionTemplate.owner_id == a.id)],
    "mentorship_sessions": _session_grants,
    "session_attendees": _attendee_grants,
    "notifications": lambda a: [
        Grant(written_by(a), _f("insert")),
        Grant(Notification.user_id == a.id, _f("update"), _f("read_at")),
    ],
    "messages": _message_grants,
    "message_reads": _message_read_grants,
    "notification_preferences": lambda a: [
        Grant(NotificationPreference.user_id == a.id, _f("insert", "update"))
    ],
    "comment_snippets": lambda a: [_own("comment_snippets", "owner_id", a)],
    **PEER_GRANTS,
}


@lru_cache(maxsize=8192)
def grants(actor: Actor, table: str) -> tuple[Grant, ...]:
    """The ways ``actor`` may change rows of ``table``; empty: not at all.

    Admins manage everything except mentors' private notes (their content is not theirs to
    read, let alone write) and other people's comment banks."""
    if actor.is_admin and table not in ("mentorship_notes", "comment_snippets"):
        return (Grant(true()),)
    rules = _NON_ADMIN.get(table)
    return () if rules is None else tuple(rules(actor))


def scope_columns(table: str) -> frozenset[str]:
    """Columns whose change can change who sees a row (and what hangs off it)."""
    extra = {"role"} if table == "users" else set()
    return frozenset(c for c, _ in spec(table).ref_columns) | extra


__all__ = [
    "Grant",
    "grants",
    "has_read_rule",
    "readable",
    "scope_columns",
    "with_tombstones",
]
