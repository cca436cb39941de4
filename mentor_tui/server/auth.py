"""Accounts' passwords, login tokens and the rate limit on failed logins, all in the database
(several server processes share them; none is kept in memory).

- Passwords: salted scrypt (stdlib ``hashlib``), parameters stored with each hash.
- Tokens: 256 random bits; only their SHA-256 is stored, so a copy of the database does not
  let anyone in. They expire (``TOKEN_LIFETIME``) and logout revokes them.
- Failed logins are counted per account and per address over a sliding window; past the limit
  a login is refused before the password is even checked, with the seconds to wait.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.db.models import User
from mentor_tui.server.schema import credentials, login_failures, tokens, write_options

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
TOKEN_LIFETIME = timedelta(days=30)
FAILURE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 30
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r + 2**20, dklen=32
    )


@cache
def _decoy() -> str:
    """A hash of nothing anyone can type: checked for unknown emails so a login takes as long
    whether or not the account exists."""
    return hash_password(secrets.token_hex(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LoginRefused(Exception):
    message: str
    retry_after: int | None = None  # seconds, when rate limited


@dataclass(frozen=True)
class Login:
    token: str
    expires_at: datetime
    user: User


def _failures_since(
    conn: Connection, column, key: str, since: datetime
) -> tuple[int, datetime | None]:
    count, oldest = conn.execute(
        select(func.count(), func.min(login_failures.c.at)).where(
            column == key, login_failures.c.at > since
        )
    ).one()
    return int(count), (clock.aware(oldest) if oldest is not None else None)


def _limited(conn: Connection, email: str, address: str, now: datetime) -> int | None:
    """Seconds to wait, or None when a login may be tried."""
    since = now - FAILURE_WINDOW
    waits = []
    for column, key, limit in (
        (login_failures.c.email, email, ACCOUNT_FAILURE_LIMIT),
        (login_failures.c.address, address, ADDRESS_FAILURE_LIMIT),
    ):
        count, oldest = _failures_since(conn, column, key, since)
        if count >= limit and oldest is not None:
            waits.append(max(1, int((oldest + FAILURE_WINDOW - now).total_seconds()) + 1))
    return max(waits) if waits else None


def _user(conn: Connection, *where) -> User | None:
    with Session(bind=conn) as session:
        user = session.execute(select(User).where(*where)).scalar_one_or_none()
        if user is not None:
            session.expunge(user)
        return user


def login(engine: Engine, email: str, password: str, address: str) -> Login:
    email = email.strip().lower()
    now = clock.now()
    with engine.connect() as conn, conn.begin():
        wait = _limited(conn, email, address, now)
        if wait is not None:
            raise LoginRefused("Too many failed logins; try again later.", wait)
        user = _user(conn, User.email == email, User.deleted_at.is_(None))
        stored = None
        if user is not None:
            stored = conn.execute(
                select(credentials.c.password_hash).where(credentials.c.user_id == user.id)
            ).scalar()
    # The slow hash runs outside any transaction: nobody waits on a lock meanwhile.
    ok = verify_password(password, stored or _decoy()) and stored is not None
    if not ok or user is None or user.status == "Inactive":
        with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
            conn.execute(delete(login_failures).where(login_failures.c.at < now - FAILURE_WINDOW))
            conn.execute(insert(login_failures).values(email=email, address=address, at=now))
        # an inactive account gets the wrong password's answer: a right password is not told
        raise LoginRefused("Wrong email or password.")
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        conn.execute(delete(login_failures).where(login_failures.c.email == email))
        token = secrets.token_urlsafe(32)
        expires = now + TOKEN_LIFETIME
        conn.execute(
            insert(tokens).values(
                token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires
            )
        )
        return Login(token, expires, user)


def actor_for_token(conn: Connection, token: str) -> Actor | None:
    """The account a live token belongs to, read fresh from the database on every request."""
    live_token = (
        select(tokens.c.user_id)
        .where(
            tokens.c.token_hash == token_hash(token),
            tokens.c.revoked_at.is_(None),
            tokens.c.expires_at > clock.now(),
        )
        .scalar_subquery()
    )
    user = _user(conn, User.id == live_token, User.deleted_at.is_(None), User.status != "Inactive")
    return Actor.of(user) if user is not None else None


def revoke(engine: Engine, token: str) -> bool:
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        done = conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == token_hash(token), tokens.c.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )
        return bool(done.rowcount)
