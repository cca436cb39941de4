"""Accounts' passwords, login tokens and the rate limit on failed logins, all in the database
(several server processes share them; none is kept in memory).

- Passwords: salted scrypt (stdlib ``hashlib``), parameters stored with each hash.
- Tokens: 256 random bits; only their SHA-256 is stored, so a copy of the database does not
  let anyone in. They expire (``TOKEN_LIFETIME``) and logout revokes them.
- Login attempts are rate limited per client address (a hard limit over a window) and per
  account (a few free failures, then a short exponential backoff, never a long lockout, so a
  stranger's guesses cannot lock the owner out for long). An attempt is *reserved* before the
  slow hash: one write transaction, under a lock per account and per address, counts the
  failures and inserts the attempt's row, so parallel guesses can never all be checked. A
  failed attempt keeps its row; a success deletes the account's rows (its counter).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Connection,
    Engine,
    ScalarSelect,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlmodel import Session

from mentor_tui.core import clock
from mentor_tui.core.access import Actor
from mentor_tui.db.models import User
from mentor_tui.server.schema import (
    credentials,
    integrations,
    is_postgres,
    login_failures,
    tokens,
    write_options,
)

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
TOKEN_LIFETIME = timedelta(days=30)
FAILURE_WINDOW = timedelta(minutes=15)
ADDRESS_FAILURE_LIMIT = 10  # failures from one address per window, then refused until it ages
ACCOUNT_FAILURE_LIMIT = 5  # an account's free failures per window, then a backoff:
ACCOUNT_BACKOFF = timedelta(seconds=2)  # after its last failure, doubling with each failure
ACCOUNT_BACKOFF_MAX = timedelta(seconds=60)  # up to this
LOCK_CLASS_ACCOUNT = 7415002  # pg_advisory_xact_lock(class, hashtext(key)) per account
LOCK_CLASS_ADDRESS = 7415003  # and per address (7415001 is the schema's lock)
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
) -> tuple[int, datetime | None, datetime | None]:
    count, oldest, newest = conn.execute(
        select(func.count(), func.min(login_failures.c.at), func.max(login_failures.c.at)).where(
            column == key, login_failures.c.at > since
        )
    ).one()
    return (
        int(count),
        clock.aware(oldest) if oldest is not None else None,
        clock.aware(newest) if newest is not None else None,
    )


def account_backoff(failures: int) -> timedelta:
    """The wait after an account's last failure once it has ``failures`` in the window."""
    if failures < ACCOUNT_FAILURE_LIMIT:
        return timedelta(0)
    doublings = min(failures - ACCOUNT_FAILURE_LIMIT, 30)
    return min(ACCOUNT_BACKOFF * 2**doublings, ACCOUNT_BACKOFF_MAX)


def _seconds(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def _limited(conn: Connection, email: str, address: str, now: datetime) -> int | None:
    """Seconds to wait, or None when a login may be tried."""
    since = now - FAILURE_WINDOW
    waits = []
    count, oldest, _ = _failures_since(conn, login_failures.c.address, address, since)
    if count >= ADDRESS_FAILURE_LIMIT and oldest is not None:
        waits.append(_seconds(oldest + FAILURE_WINDOW, now))
    count, _, newest = _failures_since(conn, login_failures.c.email, email, since)
    if newest is not None and newest + account_backoff(count) > now:
        waits.append(_seconds(newest + account_backoff(count), now))
    return max(waits) if waits else None


def _lock(conn: Connection, email: str, address: str) -> None:
    """Serialise the attempts on one account and on one address (PostgreSQL: two advisory
    locks, the account's always first, so two attempts never wait on each other in a cycle;
    SQLite: the caller's BEGIN IMMEDIATE already serialises every writer)."""
    if not is_postgres(conn.engine):
        return
    for lock_class, key in ((LOCK_CLASS_ACCOUNT, email), (LOCK_CLASS_ADDRESS, address)):
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:c, hashtext(:k))"), {"c": lock_class, "k": key}
        )


def _reserve(engine: Engine, email: str, address: str, now: datetime) -> None:
    """Refuse the attempt (LoginRefused with the wait) or record it as a failure, atomically,
    before its password is checked: N parallel guesses find the N-1 others' rows."""
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        _lock(conn, email, address)
        wait = _limited(conn, email, address, now)
        if wait is not None:
            raise LoginRefused("Too many failed logins; try again later.", wait)
        conn.execute(
            delete(login_failures).where(
                or_(login_failures.c.email == email, login_failures.c.address == address),
                login_failures.c.at <= now - FAILURE_WINDOW,
            )
        )
        conn.execute(insert(login_failures).values(email=email, address=address, at=now))


def _user(conn: Connection, *where) -> User | None:
    with Session(bind=conn) as session:
        user = session.execute(select(User).where(*where)).scalar_one_or_none()
        if user is not None:
            session.expunge(user)
        return user


def _integration_user(conn: Connection, *where) -> User | None:
    """An integration account (``server_integrations``) as a transient user of role
    ``integration``: it logs in like a user, and may only post xAPI statements."""
    found = conn.execute(
        select(integrations.c.id, integrations.c.email, integrations.c.full_name).where(*where)
    ).first()
    if found is None:
        return None
    return User(id=found.id, email=found.email, full_name=found.full_name, role="integration")


def login(
    engine: Engine, email: str, password: str, address: str, *, issue_token: bool = True
) -> Login:
    """A token for the account (a user, or an integration account), under the rate limit;
    ``issue_token`` False checks the password only (HTTP Basic), and the token is empty."""
    email = email.strip().lower()
    now = clock.now()
    _reserve(engine, email, address, now)
    with engine.connect() as conn, conn.begin():
        user = _user(conn, User.email == email, User.deleted_at.is_(None))
        if user is None:
            user = _integration_user(conn, integrations.c.email == email)
        stored = None
        if user is not None:
            stored = conn.execute(
                select(credentials.c.password_hash).where(credentials.c.user_id == user.id)
            ).scalar()
    # The slow hash runs outside any transaction: nobody waits on a lock meanwhile. The
    # attempt's row is written already: a failure leaves it, as the failure's record.
    ok = verify_password(password, stored or _decoy()) and stored is not None
    if not ok or user is None or user.status == "Inactive":
        # an inactive account gets the wrong password's answer: a right password is not told
        raise LoginRefused("Wrong email or password.")
    with engine.connect().execution_options(**write_options(engine)) as conn, conn.begin():
        _lock(conn, email, address)
        conn.execute(delete(login_failures).where(login_failures.c.email == email))
        expires = now + TOKEN_LIFETIME
        if not issue_token:
            return Login("", expires, user)
        token = secrets.token_urlsafe(32)
        conn.execute(
            insert(tokens).values(
                token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires
            )
        )
        return Login(token, expires, user)


def _live_token(token: str) -> ScalarSelect[str]:
    return (
        select(tokens.c.user_id)
        .where(
            tokens.c.token_hash == token_hash(token),
            tokens.c.revoked_at.is_(None),
            tokens.c.expires_at > clock.now(),
        )
        .scalar_subquery()
    )


def integration_for_token(conn: Connection, token: str) -> User | None:
    """The integration account a live token belongs to (None for a user's token)."""
    return _integration_user(conn, integrations.c.id == _live_token(token))


def actor_for_token(conn: Connection, token: str) -> Actor | None:
    """The account a live token belongs to, read fresh from the database on every request."""
    live_token = _live_token(token)
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
