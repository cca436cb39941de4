"""Server accounts: a user row (synced like any other) plus a password hash."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, update

from mentor_tui.core import clock
from mentor_tui.core.text import has_control
from mentor_tui.db.models import ROLES, AuditEntry, User, new_id
from mentor_tui.errors import UserError
from mentor_tui.server.auth import MIN_PASSWORD_LENGTH, hash_password
from mentor_tui.server.log import LogWriter
from mentor_tui.server.schema import credentials, ensure_schema, integrations, write_options

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INTEGRATION = "integration"
ACCOUNT_ROLES = (*ROLES, INTEGRATION)
"""An integration account (a learning platform) may only post xAPI statements: it is no user,
is never synced and can neither push nor pull."""


@dataclass(frozen=True)
class AccountResult:
    user_id: str
    email: str
    role: str
    created: bool


def add_server_user(
    engine: Engine, email: str, *, role: str, name: str | None, password: str
) -> AccountResult:
    """Create the account, or set the password of the user who has that email (same role)."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an email address.")
    if role not in ACCOUNT_ROLES:
        raise UserError(f"The role must be one of {', '.join(ACCOUNT_ROLES)}, not {role!r}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if name is not None and (not name.strip() or has_control(name)):
        raise UserError("The name must be non-empty text without control characters.")
    password_hash = hash_password(password)
    ensure_schema(engine)
    now = clock.now()
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        integration = conn.execute(
            select(integrations.c.id).where(integrations.c.email == email)
        ).scalar()
        if role == INTEGRATION:
            user_id, created = _integration(conn, integration, email, name)
            _set_password(conn, user_id, password_hash)
            return AccountResult(user_id, email, role, created)
        if integration is not None:
            raise UserError(f"{email} is an integration account on this server, not a {role}.")
        found = conn.execute(
            select(User.id, User.role, User.deleted_at).where(User.email == email)
        ).first()
        created = found is None
        if found is not None:
            if found.deleted_at is not None:
                raise UserError(f"The user {email} was deleted on this server.")
            if found.role != role:
                raise UserError(f"{email} is a {found.role} on this server, not a {role}.")
            user_id = found.id
        else:
            if name is None:
                raise UserError("A new account needs --name.")
            user_id = new_id()
            row = {
                "id": user_id,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "deleted_at": None,
                "full_name": name.strip(),
                "email": email,
                "role": role,
                "status": "Active",
                "timezone": "UTC",
                "mentor_id": None,
            }
            conn.execute(insert(User.__table__).values(row))  # type: ignore[arg-type]
            log = LogWriter(conn)
            log.changed(
                "users",
                user_id,
                [k for k in row if k not in ("id", "version", "updated_at")],
                1,
                "server",
            )
            log.finish()
            conn.execute(
                insert(AuditEntry.__table__).values(  # type: ignore[arg-type]
                    id=new_id(),
                    actor_id=None,
                    action="create",
                    entity="users",
                    entity_id=user_id,
                    at=now,
                    detail={"via": "server-user add"},
                )
            )
        _set_password(conn, user_id, password_hash)
    return AccountResult(user_id, email, role, created)


def _integration(
    conn: Connection, existing: str | None, email: str, name: str | None
) -> tuple[str, bool]:
    """The integration account's id (made when new) and whether it was made."""
    if existing is not None:
        return existing, False
    user = conn.execute(select(User.role).where(User.email == email)).scalar()
    if user is not None:
        raise UserError(f"{email} is a {user} on this server, not an integration account.")
    if name is None:
        raise UserError("A new account needs --name.")
    account_id = new_id()
    conn.execute(
        insert(integrations).values(
            id=account_id, email=email, full_name=name.strip(), created_at=clock.now()
        )
    )
    conn.execute(
        insert(AuditEntry.__table__).values(  # type: ignore[arg-type]
            id=new_id(),
            actor_id=None,
            action="create",
            entity="server_integrations",
            entity_id=account_id,
            at=clock.now(),
            detail={"via": "server-user add", "email": email},
        )
    )
    return account_id, True


def _set_password(conn: Connection, account_id: str, password_hash: str) -> None:
    now = clock.now()
    has = conn.execute(
        select(credentials.c.user_id).where(credentials.c.user_id == account_id)
    ).first()
    if has is None:
        conn.execute(
            insert(credentials).values(
                user_id=account_id, password_hash=password_hash, updated_at=now
            )
        )
    else:
        conn.execute(
            update(credentials)
            .where(credentials.c.user_id == account_id)
            .values(password_hash=password_hash, updated_at=now)
        )
