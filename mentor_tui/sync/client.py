"""The sync client's entry points: login, logout, one sync, waiting for others' changes.

The app and the CLI call these; they never touch the screen (no textual, no rich) and report
progress through a callback ``progress(phase, done, total)`` with phase ``"push"``,
``"snapshot"`` or ``"pull"`` (``total`` None when unknown), and each retry through
``on_retry(RetryNotice)`` (the reason in words, the wait, attempt n of N).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from mentor_tui.core.access import Actor
from mentor_tui.core.people.settings import LAST_USER
from mentor_tui.errors import UserError
from mentor_tui.sync import credentials
from mentor_tui.sync.adopt import Adoption, adopt, local_emails, store_has_data
from mentor_tui.sync.http import (
    LoggedOut,
    OnRetry,
    ServerRefused,
    ServerUnavailable,
    SyncHttp,
)
from mentor_tui.sync.pull import pull_log, snapshot
from mentor_tui.sync.push import push_all
from mentor_tui.sync.store import (
    State,
    local_transaction,
    now_text,
    pending_count,
    read_state,
    save_state,
)

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncReport:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: int = 0
    removed: int = 0

    def as_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class LoginReport:
    server_url: str
    email: str
    role: str
    adoption: Adoption | None
    sync: SyncReport | None
    sync_error: str | None = None
    notes: list[str] = field(default_factory=list)


def normalise_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parsed = httpx.URL(url) if "://" in url else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise UserError(f"{url!r} is not a server address; give one like http://127.0.0.1:8765.")
    return url


def pending_change_count(engine: Engine) -> int:
    """Local changes not yet accepted by a server (the status bar's "pending")."""
    with local_transaction(engine) as conn:
        return pending_count(conn)


def sync_status(engine: Engine) -> State:
    with local_transaction(engine) as conn:
        return read_state(conn)


def _http_for(state: State, client: httpx.Client | None) -> SyncHttp:
    if not state.linked:
        raise UserError(
            "This store is not connected to a server; run `mentor-tui login URL --email E`."
        )
    credential = credentials.load_token(state.client_id)
    if credential is None:
        raise LoggedOut(
            f"You are logged out; run `mentor-tui login {state.server_url} --email {state.account_email}`."
        )
    assert state.server_url is not None
    return SyncHttp(state.server_url, credential.token, client=client)


def sync_once(
    engine: Engine,
    *,
    client: httpx.Client | None = None,
    http: SyncHttp | None = None,
    progress: Progress | None = None,
    bulk: bool = False,
    deadline: float | None = None,
    on_retry: OnRetry | None = None,
) -> SyncReport:
    """Push every pending local change, then pull everything new. Safe to interrupt anywhere:
    the next run carries on and nothing ends up twice on either side. ``bulk`` is for a
    caller that holds the store alone (the CLI): a first pull may then fill it in the
    quickest way (``snapshot``). ``deadline`` (seconds) bounds the whole sync: no request
    starts that could not finish in time and the last one's timeout is cut to what is left;
    what was taken in by then stays, the rest comes with the next sync."""
    with local_transaction(engine) as conn:
        state = read_state(conn)
    own = http is None
    http = http or _http_for(state, client)
    if deadline is not None:
        http.start_deadline(deadline)
    if on_retry is not None:
        http.on_retry = on_retry
    report = SyncReport()
    try:
        pushed = push_all(engine, http, state.client_id, progress=progress)
        report.pushed, report.conflicts, report.rejected = (
            pushed.pushed,
            pushed.conflicts,
            pushed.rejected,
        )
        first = snapshot(engine, http, progress=progress, bulk=bulk)
        rest = pull_log(engine, http, progress=progress)
        report.pulled = first.pulled + rest.pulled
        report.removed = first.removed + rest.removed
    except UserError as exc:
        with local_transaction(engine) as conn:
            save_state(conn, last_error=str(exc))
        raise
    finally:
        if own:
            http.close()
    with local_transaction(engine) as conn:
        save_state(conn, last_sync_at=now_text(), last_error=None)
    if state.account_email is not None:
        _become(engine, state.account_email, only_if_unset=True)
    return report


def wait_for_changes(
    engine: Engine,
    *,
    wait: float = 25.0,
    client: httpx.Client | None = None,
    http: SyncHttp | None = None,
) -> int:
    """Long-poll the server and take in what others changed as soon as it is committed;
    returns the number of rows taken in (0 after ``wait`` seconds of nothing). The app runs
    this in a loop in a worker to see another client's change within about a second."""
    with local_transaction(engine) as conn:
        state = read_state(conn)
    if not state.snapshot_done:
        return sync_once(engine, client=client, http=http).pulled
    own = http is None
    http = http or _http_for(state, client)
    try:
        return pull_log(engine, http, wait=wait).pulled
    finally:
        if own:
            http.close()


def login(
    engine: Engine,
    url: str,
    email: str,
    password: str,
    *,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    sync: bool = True,
    bulk: bool = False,
    on_retry: OnRetry | None = None,
) -> LoginReport:
    """Log this store in to a server as ``email`` and sync it: an empty store pulls everything
    the account may see; a store with data joins (see ``sync/adopt.py``) and pushes it. The
    acting user of the store becomes the logged-in account (once its row is in the store).
    With ``sync=False`` the first sync is left to ``sync_once``."""
    url = normalise_server_url(url)
    http = SyncHttp(url, client=client, on_retry=on_retry)
    try:
        try:
            answer = http.post(
                "/auth/login", {"email": email.strip().lower(), "password": password}, retry=False
            )
        except ServerRefused as exc:
            raise UserError(f"Login refused: {exc}") from None
        except LoggedOut as exc:
            raise UserError(f"Login refused: {exc.detail}") from None
        token, account, server_id = answer["token"], answer["account"], answer["server_id"]
        http.set_token(token)
        with local_transaction(engine) as conn:
            state = read_state(conn)
            elsewhere = (state.server_id, state.account_id) != (server_id, account["id"])
            if state.server_id is not None and elsewhere and store_has_data(conn):
                http.post("/auth/logout", {}, retry=False)
                raise UserError(
                    f"This store is linked to {state.server_url} as {state.account_email}; "
                    "use another --db to log in elsewhere or as someone else."
                )
            needs_adoption = state.adopted_at is None and store_has_data(conn)
            emails = local_emails(conn) if needs_adoption else []
        credentials.save_token(state.client_id, url, token)
        adoption = None
        if needs_adoption:
            matches = http.post("/sync/users/match", {"emails": emails})["users"]
            actor = Actor(account["id"], account["role"], account["email"], account["full_name"])
            with local_transaction(engine) as conn:
                adoption = adopt(conn, actor, matches)
        with local_transaction(engine) as conn:
            if state.adopted_at is None and not needs_adoption and store_has_data(conn):
                # filled meanwhile (a learning platform pass, which journals nothing in a
                # store never joined): the next login queues it all
                raise UserError(
                    "This store got its first rows while logging in; log in again to send them."
                )
            values: dict[str, Any] = {
                "server_url": url,
                "server_id": server_id,
                "account_id": account["id"],
                "account_email": account["email"],
                "last_error": None,
            }
            if state.server_id != server_id:
                values.update(
                    position=0, snapshot_done=False, snapshot_table=None, snapshot_after=None
                )
            if state.adopted_at is None and not needs_adoption:
                values["adopted_at"] = now_text()
            save_state(conn, **values)
        report = LoginReport(url, account["email"], account["role"], adoption, None)
        if sync:
            try:
                report.sync = sync_once(engine, http=http, progress=progress, bulk=bulk)
            except ServerUnavailable as exc:
                report.sync_error = str(exc)
        _become(engine, account["email"])
        return report
    finally:
        http.close()


def _become(engine: Engine, email: str, *, only_if_unset: bool = False) -> None:
    """The logged-in account is this store's acting user from now on (once its row is here)."""
    with local_transaction(engine) as conn:
        if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone() is None:
            return
        if (
            only_if_unset
            and conn.execute("SELECT 1 FROM settings WHERE key = ?", (LAST_USER,)).fetchone()
        ):
            return
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (LAST_USER, email),
        )


def logout(engine: Engine, *, client: httpx.Client | None = None) -> bool:
    """Revoke this store's token on the server and forget it here. Returns whether the server
    confirmed the revocation (False when it could not be reached: the token is forgotten here
    anyway and expires on its own)."""
    with local_transaction(engine) as conn:
        state = read_state(conn)
    credential = credentials.load_token(state.client_id)
    if credential is None:
        raise UserError("This store is not logged in.")
    confirmed = False
    http = SyncHttp(credential.server_url, credential.token, client=client)
    try:
        http.post("/auth/logout", {}, retry=False)
        confirmed = True
    except LoggedOut:
        confirmed = True  # already expired or revoked
    except (ServerUnavailable, ServerRefused):
        confirmed = False
    finally:
        http.close()
        credentials.forget_token(state.client_id)
    return confirmed
