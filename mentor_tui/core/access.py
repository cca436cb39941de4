"""The access rules of SPEC section 2, written once. Every query in the core starts from a
scope defined here, so a mentor's query can only ever return their own students' rows.

- A mentor sees students whose ``mentor_id`` is theirs, and only those students' progress,
  submissions, sessions and messages.
- A mentorship note is readable and writable by its author alone (admins only count them).
- A student sees their own data, their mentor's public profile and feedback given to them.
- An admin sees and manages everything except the content of mentors' private notes.
- Peer mentorship: a certified peer mentor sees the members of the study groups they
  facilitate, and their work, which they review; group members see each other's names.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_tui.core.actor import Actor
from mentor_tui.db.models import (
    MentorshipNote,
    MentorshipSession,
    MentorSpecialization,
    Message,
    Module,
    ModuleProgress,
    SessionAttendee,
    Submission,
    Synced,
    User,
)
from mentor_tui.db.peer_models import PeerMentor, PeerReview, StudyGroup, StudyGroupMember
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


def _my_mentor(actor: Actor) -> ColumnElement[str]:
    return select(User.mentor_id).where(User.id == actor.id).scalar_subquery()


def _admins() -> Select[str]:
    return select(User.id).where(User.role == "admin")


# an announcement to a study group: its ``audience`` is this prefix and the group's id
GROUP_AUDIENCE = "group:"


def group_audience(group: Any) -> ColumnElement[str]:
    """The ``audience`` of an announcement to the study group whose id is ``group``."""
    audience: ColumnElement[str] = literal(GROUP_AUDIENCE, String) + group
    return audience


def _to_my_group(actor: Actor) -> ColumnElement[bool]:
    """An announcement by a group's mentor to a study group the student is in (or
    facilitates)."""
    return exists().where(
        study_group_scope(actor),
        Message.audience == group_audience(StudyGroup.id),
        Message.sender_id == StudyGroup.mentor_id,
    )


def announcement_scope(actor: Actor) -> ColumnElement[bool]:
    """Announcements meant for ``actor`` (or sent by them): a mentor's to their students, an
    admin's to all students, all mentors or everyone. Admins see every announcement (none is
    private)."""
    announcement = Message.kind == "announcement"
    if actor.is_admin:
        return announcement
    if actor.is_student:
        # a group: the students of one course (those with progress in its modules)
        in_my_course = and_(
            Message.audience.startswith(COURSE_GROUP, autoescape=True),
            exists().where(
                ModuleProgress.user_id == actor.id,
                ModuleProgress.deleted_at.is_(None),
                Module.id == ModuleProgress.module_id,
                Module.course_id == func.substr(Message.audience, len(COURSE_GROUP) + 1),
            ),
        )
        to_me = or_(
            and_(
                or_(Message.audience == "students", in_my_course),
                Message.sender_id == _my_mentor(actor),
            ),
            and_(
                or_(Message.audience.in_(("students", "everyone")), in_my_course),
                Message.sender_id.in_(_admins()),
            ),
            _to_my_group(actor),
        )
    else:
        # a group: the mentors of one specialization
        my_specialization = and_(
            Message.audience.startswith(SPECIALIZATION_GROUP, autoescape=True),
            exists().where(
                MentorSpecialization.mentor_id == actor.id,
                MentorSpecialization.deleted_at.is_(None),
                MentorSpecialization.specialization
                == func.substr(Message.audience, len(SPECIALIZATION_GROUP) + 1),
            ),
        )
        to_me = or_(
            Message.sender_id == actor.id,
            and_(
                or_(Message.audience.in_(("mentors", "everyone")), my_specialization),
                Message.sender_id.in_(_admins()),
            ),
        )
    return and_(announcement, to_me)


def message_scope(actor: Actor) -> ColumnElement[bool]:
    """Direct messages the actor sent or received and announcements meant for them. Admins
    read other people's conversations only once a message in one has been reported to them
    (the escalation path); a private conversation otherwise stays its two people's."""
    mine = or_(Message.sender_id == actor.id, Message.recipient_id == actor.id)
    visible = or_(mine, announcement_scope(actor))
    if actor.is_admin:
        reported = aliased(Message)
        in_reported = select(reported.thread_id).where(reported.reported_at.is_not(None))
        visible = or_(visible, Message.thread_id.in_(in_reported))
    return and_(live(Message), visible)


def message_recipient_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``User``: the people ``actor`` may write to. A student: their mentor and
    the admins; a mentor: their students, the other mentors and the admins; an admin: anyone.
    Never oneself, never an inactive account."""
    base = and_(live(User), User.id != actor.id, User.status != "Inactive")
    if actor.is_admin:
        return base
    if actor.is_mentor:
        return and_(
            base,
            or_(
                User.role.in_(("mentor", "admin")),
                and_(User.role == "student", User.mentor_id == actor.id),
            ),
        )
    return and_(base, or_(User.role == "admin", User.id == _my_mentor(actor)))


# An announcement to a group: "course:<course id>" (the students of a course: a mentor's own,
# an admin's all) or "specialization:<name>" (an admin's, to the mentors who have it).
COURSE_GROUP = "course:"
SPECIALIZATION_GROUP = "specialization:"


def group_prefixes(actor: Actor) -> tuple[str, ...]:
    """The kinds of group ``actor`` may announce to."""
    if actor.is_admin:
        return (COURSE_GROUP, SPECIALIZATION_GROUP)
    return (COURSE_GROUP,) if actor.is_mentor else ()


def announcement_audiences(actor: Actor) -> tuple[str, ...]:
    """Whom ``actor`` may announce to: a mentor their students; an admin all students, all
    mentors or everyone; a student nobody."""
    if actor.is_admin:
        return ("students", "mentors", "everyone")
    return ("students",) if actor.is_mentor else ()


def user_scope(actor: Actor) -> ColumnElement[bool]:
    """People ``actor`` may look up: admins everyone; mentors themselves, their students and
    other mentors and admins (public profiles); students themselves, their mentor and the
    admins (whom they may write to: the escalation path)."""
    if actor.is_admin:
        return live(User)
    if actor.is_mentor:
        return and_(
            live(User),
            or_(User.id == actor.id, User.role != "student", User.mentor_id == actor.id),
        )
    return and_(
        live(User),
        or_(
            User.id == actor.id,
            User.id == _my_mentor(actor),
            User.role == "admin",
            User.id.in_(_group_mates(actor)),
        ),
    )


# --- peer mentorship (issue 20) ------------------------------------------------------------
# A peer mentor is a student an admin certified (``peer_mentors``, not revoked). A mentor makes
# study groups of their own students, optionally with one of them (certified) as facilitator;
# a facilitator's mentees are the members of the groups they facilitate, whose work they see
# and review (peer reviews), under the students' own mentor, who confirms or overrides.


def still_live(model: type[Synced]) -> ColumnElement[bool]:
    """``live(model)`` for a row that grants access to others (a membership, a group, a
    certification): written so that sync's ``with_tombstones`` keeps it (it makes every
    ``deleted_at IS NULL`` true to deliver tombstones), since a deleted membership must end
    the access it gave, not widen it."""
    return func.coalesce(model.deleted_at, null()).is_(None)


def certified_peers() -> Select[str]:
    """Ids of the students whose peer mentor certification stands."""
    return select(PeerMentor.student_id).where(
        still_live(PeerMentor), PeerMentor.revoked_at.is_(None)
    )


def _my_groups(actor: Actor) -> Select[str]:
    """Live groups ``actor`` is a live member of."""
    return select(StudyGroupMember.group_id).where(
        StudyGroupMember.student_id == actor.id, live(StudyGroupMember)
    )


def study_group_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``StudyGroup``: an admin every group, a mentor their own, a student the
    groups they belong to or facilitate."""
    base = live(StudyGroup)
    if actor.is_admin:
        return base
    if actor.is_mentor:
        return and_(base, StudyGroup.mentor_id == actor.id)
    return and_(
        base, or_(StudyGroup.facilitator_id == actor.id, StudyGroup.id.in_(_my_groups(actor)))
    )


def group_member_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``StudyGroupMember``: the members of the groups the actor sees."""
    groups = select(StudyGroup.id).where(study_group_scope(actor))
    return and_(live(StudyGroupMember), StudyGroupMember.group_id.in_(groups))


def peer_mentee_ids(actor: Actor) -> Select[str]:
    """The students a certified peer mentor facilitates (members of their live groups); none
    for anyone else, nor once the certification is revoked."""
    if not actor.is_student:
        return select(User.id).where(false())
    groups = select(StudyGroup.id).where(
        still_live(StudyGroup),
        StudyGroup.facilitator_id == actor.id,
        StudyGroup.facilitator_id.in_(certified_peers()),
    )
    return select(StudyGroupMember.student_id).where(
        still_live(StudyGroupMember),
        StudyGroupMember.group_id.in_(groups),
        StudyGroupMember.student_id != actor.id,
    )


def peer_submission_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``Submission``: a peer mentor's mentees' work, which they may review."""
    return and_(live(Submission), Submission.student_id.in_(peer_mentee_ids(actor)))


def peer_review_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``PeerReview``: an admin every one; a mentor those on their students'
    work; a student those they wrote and those on their own work (they see who reviewed)."""
    base = live(PeerReview)
    if actor.is_admin:
        return base
    about = select(Submission.id).where(submission_scope(actor))
    if actor.is_mentor:
        return and_(base, PeerReview.submission_id.in_(about))
    return and_(base, or_(PeerReview.reviewer_id == actor.id, PeerReview.submission_id.in_(about)))


def peer_mentor_scope(actor: Actor) -> ColumnElement[bool]:
    """Condition on ``PeerMentor``: an admin every certification (revoked ones too); a mentor
    their students'; a student their own and their groups' facilitators' (the profile with its
    recognition)."""
    base = live(PeerMentor)
    if actor.is_admin:
        return base
    if actor.is_mentor:
        return and_(base, PeerMentor.student_id.in_(visible_student_ids(actor)))
    facilitators = select(StudyGroup.facilitator_id).where(study_group_scope(actor))
    return and_(
        base, or_(PeerMentor.student_id == actor.id, PeerMentor.student_id.in_(facilitators))
    )


def _group_mates(actor: Actor) -> CompoundSelect[str]:
    """A student's fellow members and facilitators of their groups (names they see)."""
    groups = select(StudyGroup.id).where(study_group_scope(actor))
    members = select(StudyGroupMember.student_id).where(
        live(StudyGroupMember), StudyGroupMember.group_id.in_(groups)
    )
    facilitators = select(StudyGroup.facilitator_id).where(study_group_scope(actor))
    return members.union(facilitators)


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
    "COURSE_GROUP",
    "GROUP_AUDIENCE",
    "SPECIALIZATION_GROUP",
    "Actor",
    "actor_for_email",
    "announcement_audiences",
    "announcement_scope",
    "certified_peers",
    "find_student",
    "find_user",
    "group_audience",
    "group_member_scope",
    "group_prefixes",
    "message_recipient_scope",
    "message_scope",
    "note_count_scope",
    "note_scope",
    "peer_mentee_ids",
    "peer_mentor_scope",
    "peer_review_scope",
    "peer_submission_scope",
    "require_admin",
    "session_scope",
    "student_scope",
    "study_group_scope",
    "submission_scope",
    "user_scope",
    "visible_student_ids",
]
