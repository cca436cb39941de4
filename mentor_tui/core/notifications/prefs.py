"""Each person's notification preferences (issue 17): per kind of notification, off, in the
app, by email at once, or in a daily or weekly digest.

A preference is a synced row of its person's own (``notification_preferences``); a kind
without one follows the config's ``[notifications]`` toggle that governs it (on: in the app,
off: nothing). ``notify`` asks ``stored_delivery`` before it writes; the email sender
(server/mail.py) asks ``delivery_of`` which notifications go out by email.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor, find_user
from mentor_tui.db.models import User
from mentor_tui.db.notification_models import (
    DELIVERIES,
    NOTIFICATION_KINDS,
    NotificationPreference,
    preference_id,
)
from mentor_tui.errors import AccessDenied, UserError


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    types: tuple[str, ...]
    toggle: str | None = None  # the config toggle its default follows


KINDS: tuple[Kind, ...] = (
    Kind(
        "new_student_assignment",
        "A student assigned (to mentor and student)",
        ("new_student_assignment", "mentor_assigned"),
        "new_student_assignment",
    ),
    Kind(
        "pending_submission_reminder",
        "New and waiting submissions",
        ("new_submission", "pending_submission_reminder"),
        "pending_submission_reminder",
    ),
    Kind(
        "overdue_feedback_alert",
        "Feedback overdue",
        ("overdue_feedback",),
        "overdue_feedback_alert",
    ),
    Kind(
        "student_milestone_achieved",
        "Milestones reached",
        ("student_milestone_achieved",),
        "student_milestone_achieved",
    ),
    Kind("session_reminders", "Session reminders", ("session_reminder",), "session_reminders"),
    Kind(
        "sessions",
        "Sessions scheduled, moved, cancelled, booked",
        (
            "session_scheduled",
            "session_rescheduled",
            "session_cancelled",
            "booking_requested",
            "booking_accepted",
            "booking_declined",
        ),
    ),
    Kind("feedback", "Feedback given and asked for", ("feedback_received", "feedback_requested")),
    Kind(
        "mentor_changes",
        "Mentor away, back, substituted",
        ("mentor_unavailable", "mentor_back", "substitution_ended"),
    ),
    Kind("reports", "Messages reported to the admins", ("message_reported",)),
    Kind("other", "Anything else", ()),
)
assert tuple(k.name for k in KINDS) == NOTIFICATION_KINDS
_BY_NAME = {k.name: k for k in KINDS}
_KIND_OF_TYPE = {t: k.name for k in KINDS for t in k.types}
DELIVERY_LABELS = {
    "off": "off",
    "app": "in the app",
    "email": "email at once",
    "daily": "daily digest",
    "weekly": "weekly digest",
}
EMAILED = ("email", "daily", "weekly")


def kind_of(notification_type: str) -> str:
    """The kind a notification type belongs to (``other`` for a type no kind names)."""
    return _KIND_OF_TYPE.get(notification_type, "other")


def default_delivery(config: Config | None, kind: str) -> str:
    toggle = _BY_NAME[kind].toggle
    if toggle is None or config is None:
        return "app"
    return "app" if getattr(config.notifications, toggle) else "off"


def stored_delivery(session: Session, user_id: str, kind: str) -> str | None:
    """The person's own choice for ``kind``; None when they made none."""
    return session.execute(
        select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user_id,
            NotificationPreference.kind == kind,
            NotificationPreference.deleted_at.is_(None),
        )
    ).scalar_one_or_none()


def delivery_of(session: Session, config: Config | None, user_id: str, kind: str) -> str:
    return stored_delivery(session, user_id, kind) or default_delivery(config, kind)


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    delivery: str
    chosen: bool  # False: the default (the config's toggle)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "delivery": self.delivery,
            "default": not self.chosen,
        }


def _whose(session: Session, actor: Actor, user: str | None) -> str:
    """Whose preferences: the actor's own; an admin may name anyone."""
    if user is None or not user.strip():
        return actor.id
    person = find_user(session, actor, user)
    if person.id != actor.id and not actor.is_admin:
        raise AccessDenied("Only your own notification preferences are yours to see or set.")
    return person.id


def preferences(
    session: Session, config: Config | None, actor: Actor, user: str | None = None
) -> list[Preference]:
    """Every kind with its delivery, in ``KINDS`` order."""
    user_id = _whose(session, actor, user)
    stored = dict(
        session.execute(
            select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user_id,
                NotificationPreference.deleted_at.is_(None),
            )
        ).all()
    )
    return [
        Preference(
            k.name,
            k.label,
            stored.get(k.name) or default_delivery(config, k.name),
            k.name in stored,
        )
        for k in KINDS
    ]


def check_kind(kind: str) -> str:
    name = kind.strip().lower().replace("-", "_")
    if name not in _BY_NAME:
        raise UserError(f"There is no notification kind {kind!r}; one of {', '.join(_BY_NAME)}.")
    return name


def check_delivery(delivery: str) -> str:
    name = delivery.strip().lower()
    if name not in DELIVERIES:
        raise UserError(f"A delivery is one of {', '.join(DELIVERIES)}, not {delivery!r}.")
    return name


def set_preference(
    session: Session, actor: Actor, kind: str, delivery: str, user: str | None = None
) -> Preference:
    """Choose how ``kind`` reaches the actor (an admin: anyone ``user`` names)."""
    kind = check_kind(kind)
    delivery = check_delivery(delivery)
    user_id = _whose(session, actor, user)
    if delivery in EMAILED:
        person = session.get(User, user_id)
        if person is None or not person.email.strip():
            raise UserError("An email delivery needs an email address on the account.")
    row = session.get(NotificationPreference, preference_id(user_id, kind))
    if row is None:
        row = NotificationPreference(
            id=preference_id(user_id, kind), user_id=user_id, kind=kind, delivery=delivery
        )
        writes.insert(session, actor.id, row, action="set", detail={"kind": kind})
    else:
        changes: dict[str, object] = {"delivery": delivery}
        if row.deleted_at is not None:
            changes["deleted_at"] = None
        writes.update(session, actor.id, row, changes, action="set", detail={"kind": kind})
    return Preference(kind, _BY_NAME[kind].label, delivery, True)


__all__ = [
    "DELIVERY_LABELS",
    "EMAILED",
    "KINDS",
    "Kind",
    "Preference",
    "check_delivery",
    "check_kind",
    "default_delivery",
    "delivery_of",
    "kind_of",
    "preferences",
    "set_preference",
    "stored_delivery",
]
