"""Server accounts: a user row (synced like any other) plus a password hash."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select, update

from mentor_tui.core import clock
from mentor_tui.core.text import has_control
from mentor_tui.db.models import ROLES, AuditEntry, User, new_id
from mentor_tui.errors import UserError
from mentor_tui.server.auth import MIN_PASSWORD_LENGTH, hash_password
from mentor_tui.server.log import LogWriter
from mentor_tui.server.schema import credentials, ensure_schema, write_options

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if name is not None and (not name.strip() or has_control(name)):
        raise UserError("The name must be non-empty text without control characters.")
    password_hash = hash_password(password)
    ensure_schema(engine)
    now = clock.now()
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
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
        has = conn.execute(
            select(credentials.c.user_id).where(credentials.c.user_id == user_id)
        ).first()
        if has is None:
            conn.execute(
                insert(credentials).values(
                    user_id=user_id, password_hash=password_hash, updated_at=now
                )
            )
        else:
            conn.execute(
                update(credentials)
                .where(credentials.c.user_id == user_id)
                .values(password_hash=password_hash, updated_at=now)
            )
    return AccountResult(user_id, email, role, created)
