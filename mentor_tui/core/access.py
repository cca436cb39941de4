"""The access rules of SPEC section 2, written once. Every query in the core starts from a
scope defined here, so a mentor's query can only ever return their own students' rows.

- A mentor sees students whose ``mentor_id`` is theirs, and only those students' progress,
  submissions, sessions and messages.
- A mentorship note is readable and writable by its author alone (admins only count them).
- A student sees their own data, their mentor's public profile and feedback given to them.
- An admin sees and manages everything except the content of mentors' private notes.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlmodel import Session

from mentor_tui.core.actor import Actor
from mentor_tui.db.models import (
    MentorshipNote,
    MentorshipSession,
    Message,
    SessionAttendee,
    Submission,
    Synced,
    User,
)
from mentor_tui.errors import AccessDenied, NotFound, UserError


def actor_for_email(session: Session, email: str) -> Actor:
    user = session.execute(
        select(User).where(User.email == email.strip().lower(), User.deleted_at.is_(None))
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user with the email {email!r} in this database.")
    if user.status == "Inactive":
        raise AccessDenied(f"The account {user.email} is inactive.")
    return Actor.of(user)


def require_admin(actor: Actor, what: str = "do that") -> None:
    if not actor.is_admin:
        raise AccessDenied(f"Only an admin can {what}.")


def live(model: type[Synced]) -> ColumnElement[bool]:
    return model.deleted_at.is_(None)


def student_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``User`` selecting exactly the students ``actor`` may see."""
    base = and_(User.role == "student", live(User))
    if actor.is_admin:
        return base
    if actor.is_mentor:
        return and_(base, User.mentor_id == actor.id)
    return and_(base, User.id == actor.id)


def visible_student_ids(actor: Actor) -> Select[str]:
    return select(User.id).where(student_scope(actor))


def submission_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.is_admin:
        return live(Submission)
    if actor.is_student:
        return and_(live(Submission), Submission.student_id == actor.id)
    return and_(live(Submission), Submission.student_id.in_(visible_student_ids(actor)))


def note_scope(actor: Actor) -> ColumnElement[bool]:
    """Notes reach their author alone: not other mentors, not admins, not students."""
    if not actor.is_mentor:
        return false()
    return and_(live(MentorshipNote), MentorshipNote.mentor_id == actor.id)


def note_count_scope(actor: Actor) -> ColumnElement[bool]:
    """Notes whose existence the actor may count: an admin every live note (never its text),
    anyone else exactly the notes they may read."""
    if actor.is_admin:
        return live(MentorshipNote)
    return note_scope(actor)


def session_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.is_admin:
        return live(MentorshipSession)
    if actor.is_mentor:
        return and_(live(MentorshipSession), MentorshipSession.mentor_id == actor.id)
    attends = exists().where(
        SessionAttendee.session_id == MentorshipSession.id,
        SessionAttendee.student_id == actor.id,
        live(SessionAttendee),
    )
    return and_(live(MentorshipSession), attends)


def message_scope(actor: Actor) -> ColumnElement[bool]:
    """Direct messages the actor sent or received, and announcements meant for them."""
    if actor.is_admin:
        return live(Message)
    mine = or_(Message.sender_id == actor.id, Message.recipient_id == actor.id)
    if actor.is_student:
        my_mentor = select(User.mentor_id).where(User.id == actor.id).scalar_subquery()
        announcement = and_(Message.kind == "announcement", Message.sender_id == my_mentor)
        return and_(live(Message), or_(mine, announcement))
    return and_(live(Message), mine)


def user_scope(actor: Actor) -> ColumnElement[bool]:
    """People ``actor`` may look up: admins everyone; mentors themselves, their students and
    other mentors and admins (public profiles); students themselves and their mentor."""
    if actor.is_admin:
        return live(User)
    if actor.is_mentor:
        return and_(
            live(User),
            or_(User.id == actor.id, User.role != "student", User.mentor_id == actor.id),
        )
    my_mentor = select(User.mentor_id).where(User.id == actor.id).scalar_subquery()
    return and_(live(User), or_(User.id == actor.id, User.id == my_mentor))


def find_user(session: Session, actor: Actor, key: str) -> User:
    """A user the actor may see, by id or email; one clear error otherwise."""
    user = find_user_unscoped(session, key)
    visible = session.execute(
        select(exists().where(User.id == user.id, user_scope(actor)))
    ).scalar()
    if not visible:
        raise AccessDenied(f"{user.email} is not visible to you.")
    return user


def find_student(session: Session, actor: Actor, key: str) -> User:
    """A student the actor may see; 'not your student' when it exists but is someone else's."""
    user = find_user_unscoped(session, key)
    if user.role != "student":
        raise UserError(f"{user.email} is not a student.")
    visible = session.execute(
        select(exists().where(User.id == user.id, student_scope(actor)))
    ).scalar()
    if not visible:
        raise AccessDenied(f"{user.email} is not one of your students.")
    return user


def find_user_unscoped(session: Session, key: str) -> User:
    key = key.strip()
    if not key:
        raise UserError("Give a user's email or id.")
    by = User.email == key.lower() if "@" in key else User.id == key
    user: User | None = session.execute(select(User).where(by, live(User))).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user {key!r} in this database.")
    return user


__all__ = [
    "Actor",
    "actor_for_email",
    "find_student",
    "find_user",
    "message_scope",
    "note_count_scope",
    "note_scope",
    "require_admin",
    "session_scope",
    "student_scope",
    "submission_scope",
    "user_scope",
    "visible_student_ids",
]
