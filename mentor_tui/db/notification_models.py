"""Tables of the notifications domain beyond the notifications themselves.

- ``notification_preferences``: how a person wants each kind of notification (off, in the app,
  by email at once, in a daily or a weekly digest); one synced row per person and kind, whose
  id is made from both, so the same choice made on two machines offline is one row (merged
  field by field), not two. A person's own: only they (or an admin) may write it.

Where emails and digests went is the sending side's bookkeeping, on the server's database
(``server/mail.py``), never synced.
"""

from __future__ import annotations

import uuid

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from mentor_tui.db.models import SYNCED_TABLES, Synced

# how a notification reaches its person: not at all, in the app only, and (each also in the
# app) by email at once, in a daily digest, in a weekly digest
DELIVERIES = ("off", "app", "email", "daily", "weekly")
# the kinds a person chooses a delivery for (core/notifications/prefs.py: which types each has)
NOTIFICATION_KINDS = (
    "new_student_assignment",
    "pending_submission_reminder",
    "overdue_feedback_alert",
    "student_milestone_achieved",
    "session_reminders",
    "sessions",
    "feedback",
    "mentor_changes",
    "reports",
    "other",
)
_PREFERENCES_NAMESPACE = uuid.UUID("0c6f6a52-51a4-4b59-8d0e-2f7b1f3c9a17")


def preference_id(user_id: str, kind: str) -> str:
    return str(uuid.uuid5(_PREFERENCES_NAMESPACE, f"notification_preferences:{user_id}:{kind}"))


class NotificationPreference(Synced, table=True):
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_pref_user_kind"),)

    user_id: str = Field(foreign_key="users.id")
    kind: str
    # "off", "app", "email" (at once), "daily", "weekly" (digests); email kinds also show in
    # the app
    delivery: str = "app"


SYNCED_TABLES.setdefault(NotificationPreference.__tablename__, NotificationPreference)
