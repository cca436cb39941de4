"""Local facts about this store (last signed-in user, ...), kept in the ``settings`` table,
and who may act on it.

A store linked to a server account (``mentor-tui login``) acts only as that account: the server
would refuse anyone else's changes when they are pushed. ``--user`` naming anyone else is refused
in one sentence; a last-used user left from before the login is replaced by the account. The
link outlives ``logout`` (logging in again as anyone else is refused too), so the rule does:
another person uses another store (``--db``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.core.access import Actor, actor_for_email
from mentor_tui.db.models import Setting, User
from mentor_tui.db.sync_models import SyncState
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


def linked_account(session: Session) -> tuple[str, str] | None:
    """(server URL, account email) of the server account this store is linked to, if any."""
    state = session.get(SyncState, 1)
    if state is None or state.server_url is None or state.account_id is None:
        return None
    if state.account_email is None:
        return None
    return state.server_url, state.account_email


def sign_in(session: Session, email: str | None) -> Actor:
    """The acting user: ``email`` if given, else the last one signed in on this store; on a
    store linked to a server account, that account and nobody else."""
    link = linked_account(session)
    if link is not None:
        server, account = link
        if email is not None and email.strip().lower() != account:
            raise UserError(
                f"This store is linked to {server} as {account}; it can act only as {account} "
                "(use another --db to act as someone else)."
            )
        email = account  # a last-used user left from before the login gives way
        if session.execute(select(User.id).where(User.email == account)).first() is None:
            raise UserError(
                f"This store is linked to {server} as {account}, whose account is not in it "
                "yet; run `mentor-tui sync` first."
            )
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
