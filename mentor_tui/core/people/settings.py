"""Local facts about this store (last signed-in user, ...), kept in the ``settings`` table."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core.access import Actor, actor_for_email
from mentor_tui.db.models import Setting, User
from mentor_tui.errors import UserError

LAST_USER = "last_user_email"


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def store_is_empty(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is None


def sign_in(session: Session, email: str | None) -> Actor:
    """The acting user: ``email`` if given, else the last one signed in on this store."""
    if email is None:
        email = get_setting(session, LAST_USER)
        if email is None:
            if store_is_empty(session):
                raise UserError(
                    "This database has no users yet; run `mentor-tui` to create the first admin "
                    "or `mentor-tui demo` for a demo database."
                )
            raise UserError("Nobody has signed in on this database yet; pass --user EMAIL.")
    actor = actor_for_email(session, email)
    set_setting(session, LAST_USER, actor.email)
    return actor
