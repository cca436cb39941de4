"""The running app's sync: a background sync on an interval and on `s`, a long poll that
brings another client's change in within about a second, and what the status bar shows.
Program settings that a pull brings in apply at once (``Services.refresh_program_settings``).

The app owns one ``AppSync``. Each sync is a thread worker (exclusive group ``"sync"``); the
long poll runs in a daemon thread of its own, because a thread worker runs on asyncio's default
executor, which the app waits for when it quits, so a 25 s long poll would hold up ``ctrl+q``.
When the server cannot be reached the app says "offline", keeps working on the local store and
tries again with exponential backoff and jitter (each attempt makes at most two requests, so a
dead server is noticed in seconds rather than after the CLI's six retries).

A person stops a running sync with ctrl+c (or escape where the screen has no use for it):
no attempt starts after that, a wait between attempts ends at once, the status bar says
"sync stopped" and the next sync comes on the interval (or `s`). A request already sent is not
cut off (httpx cannot interrupt a blocked read from another thread): its answer, if it comes,
is taken in as usual (every page in its own transaction, so nothing is half-written), and no
other sync starts before it is over.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
from textual.worker import get_current_worker

from mentor_tui.errors import UserError
from mentor_tui.sync import (
    LoggedOut,
    ServerUnavailable,
    SyncReport,
    credentials,
    open_conflict_count,
    sync_once,
    sync_status,
    wait_for_changes,
)
from mentor_tui.sync.http import RetryNotice, RetryPolicy, SyncHttp
from mentor_tui.sync.view import SyncView
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from mentor_tui.widgets.host import MentorHost

# long poll: seconds the server holds a request open when nothing happens
POLL_WAIT = 25.0
# backoff after a failed attempt: RETRY_BASE * 2**(failures-1), capped, with jitter
RETRY_BASE = 1.0
# a local write is sent this many seconds later (a burst of writes goes in one sync)
LOCAL_CHANGE_DELAY = 1.0
# one request's limit (its connect part: 5 s); the sync's deadline cuts it shorter
REQUEST_TIMEOUT = 15.0


def retry_delay(failures: int, ceiling: float, rng: random.Random) -> float:
    """Seconds to wait after ``failures`` failed attempts in a row: exponential, capped at
    ``ceiling``, with jitter (between half and all of it) so many clients do not retry in step."""
    top = min(ceiling, RETRY_BASE * 2 ** min(max(failures, 1) - 1, 16))
    return rng.uniform(top / 2, top)


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class AppSync:
    """The app's sync loop. Methods without a leading underscore run on the UI thread."""

    def __init__(self, app: MentorHost) -> None:
        self.app = app
        self.linked = False
        self.online: bool | None = None
        self.logged_out = False
        self.conflicts = 0
        self.rng = random.Random()
        self.poll_wait = POLL_WAIT
        self._client: httpx.Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._timer: Any = None
        self._failures = 0
        self._running = False
        self._again = False
        self._manual = False
        self.retrying: str | None = None  # the retry under way, in a few words
        self.stopped = False  # the running sync was stopped by the person (ctrl+c)
        self._current: SyncHttp | None = None  # the running sync's, stopped on quit

    @property
    def engine(self):
        return self.app.services.engine

    @property
    def interval(self) -> float:
        return float(self.app.services.config.sync_interval_seconds)

    @property
    def started(self) -> bool:
        return self._client is not None

    # -- the status (worker thread) -------------------------------------------------------
    def read_view(self) -> SyncView:
        """Pending changes, open conflicts, link and last sync; called from a worker thread."""
        pending = self.app.services.pending_changes()
        state = sync_status(self.engine)
        if not state.linked:
            return SyncView(linked=False, pending=pending)
        return SyncView(
            linked=True,
            pending=pending,
            conflicts=open_conflict_count(self.engine),
            online=self.online,
            logged_out=self.logged_out,
            syncing=self._running,
            retrying=self.retrying,
            stopped=self.stopped,
            last_sync_at=_parse_time(state.last_sync_at),
        )

    def view_read(self, view: SyncView) -> None:
        """A fresh view arrived on the UI thread: keep what the keys depend on, start the loop."""
        changed = (view.linked, view.conflicts) != (self.linked, self.conflicts)
        self.linked, self.conflicts = view.linked, view.conflicts
        if changed:
            self.app.refresh_bindings()
        if (
            view.linked
            and self.app.services.actor is not None
            and not self.started
            and not self._stop.is_set()
        ):
            self.start()

    # -- start and stop ---------------------------------------------------------------------
    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._client = httpx.Client(timeout=httpx.Timeout(REQUEST_TIMEOUT, connect=5.0))
        self._poller = threading.Thread(target=self._poll_loop, name="sync-poll", daemon=True)
        self._poller.start()
        self.sync_now()

    def stop(self) -> None:
        """On exit: no more syncs; the poll thread ends after its current request."""
        self._stop.set()
        if self._current is not None:  # a sync waiting to retry ends now
            self._current.cancelled.set()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        client, self._client = self._client, None
        if client is not None:
            client.close()

    @property
    def running(self) -> bool:
        """A sync is under way and was not stopped: what ctrl+c would stop."""
        return self._running and not self.stopped

    def cancel(self) -> None:
        """The person stops the running sync (UI thread): no attempt starts after this."""
        if not self.running:
            return
        self.stopped = True
        self._again = self._manual = False
        self.retrying = None
        current = self._current
        if current is not None:
            current.cancelled.set()
        self.app.notify(
            "Sync stopped; your changes are kept here and sync later (s syncs now).",
            markup=False,
            timeout=4,
        )
        self._show(stopped=True, retrying=None)
        self.app.refresh_status()
        self.app.refresh_bindings()

    def _show(self, **changes: Any) -> None:
        """Change what the status bars show of the sync at once, not after the status worker's
        read of the store (which may wait while the running sync writes to it)."""
        for screen in self.app.screen_stack:
            for bar in screen.query(StatusBar):
                if bar.sync is not None:
                    bar.sync = replace(bar.sync, **changes)

    # -- one sync (a thread worker) -----------------------------------------------------------
    def sync_now(self, *, manual: bool = False) -> None:
        if not self.linked or self._stop.is_set() or self._client is None:
            return
        self._manual = self._manual or manual
        if self._running:
            self._again = True
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._running = True
        self.stopped = False
        self.app.run_worker(
            self._sync_job, thread=True, group="sync", exclusive=True, exit_on_error=False,
            name="sync",
        )  # fmt: skip
        self.app.refresh_status()

    def _http(self) -> SyncHttp:
        state = sync_status(self.engine)
        credential = credentials.load_token(state.client_id)
        if credential is None or not state.linked or state.server_url is None:
            raise LoggedOut("You are logged out of the sync server; run `mentor-tui login`.")
        client = self._client
        if client is None:
            raise ServerUnavailable("The app is closing.")
        retry = RetryPolicy(attempts=2, base_delay=0.25, max_delay=2.0, max_retry_after=30.0)
        return SyncHttp(state.server_url, credential.token, client=client, retry=retry)

    def _retrying(self, notice: RetryNotice) -> None:
        if self.stopped:
            return
        self.retrying = notice.short()
        self._show(syncing=True, retrying=self.retrying)
        self.app.refresh_status()

    def _sync_job(self) -> None:
        outcome: SyncReport | Exception
        try:
            self._current = http = self._http()
            if self.stopped:  # stopped before it began
                http.cancelled.set()
            deadline = float(self.app.services.config.sync_deadline_seconds)
            outcome = sync_once(
                self.engine,
                http=http,
                deadline=deadline,
                on_retry=lambda notice: self._call(self._retrying, notice),
            )
            if outcome.pulled:
                self._apply_program_settings()
        except Exception as exc:
            if self._stop.is_set():  # the client was closed under us: the app is quitting
                return
            outcome = exc
        if not get_current_worker().is_cancelled:
            self._call(self._sync_done, outcome)

    def _sync_done(self, outcome: SyncReport | Exception) -> None:
        self._running = False
        self.retrying = self._current = None
        manual, self._manual = self._manual, False
        stopped, self.stopped = self.stopped, False
        self.app.refresh_bindings()
        if self._stop.is_set():
            return
        delay = self.interval
        if stopped and isinstance(outcome, ServerUnavailable):  # said when it was stopped
            self.app.refresh_status()
            if self._again:  # `s` (or a local change) while the request under way ended
                self._again = False
                self.sync_now()
            else:
                self._timer = self.app.set_timer(delay, self.sync_now, name="sync-interval")
            return
        if isinstance(outcome, SyncReport):
            self._went_online()
            if outcome.pulled or outcome.removed or outcome.conflicts or outcome.rejected:
                self.changed()
            if outcome.conflicts:
                self.app.notify(
                    f"{outcome.conflicts} change(s) conflicted with the server's; press C to "
                    "settle them.",
                    severity="warning",
                )
            if manual:
                self.app.notify(
                    f"Synced: {outcome.pushed} sent, {outcome.pulled} received.", timeout=3
                )
        elif isinstance(outcome, ServerUnavailable):
            self._went_offline()
            delay = retry_delay(self._failures, self.interval, self.rng)
            if manual:
                self.app.notify(str(outcome), severity="warning", markup=False)
        elif isinstance(outcome, LoggedOut):
            self.logged_out = True
            self.app.notify(str(outcome), severity="warning", markup=False)
        elif isinstance(outcome, UserError):
            self.app.notify(str(outcome), severity="warning", markup=False)
        else:  # a bug: shown in full, the next attempt comes after the interval
            self.app.notify(
                f"{type(outcome).__name__}: {outcome}",
                title="Sync failed",
                severity="error",
                markup=False,
                timeout=10,
            )
        self.app.refresh_status()
        if self._again:
            self._again = False
            self.sync_now()
        elif not self.logged_out:
            self._timer = self.app.set_timer(delay, self.sync_now, name="sync-interval")

    def local_change(self) -> None:
        """Something was written here: send it soon (a second later, so a burst of writes goes
        in one sync), unless the server is away (then the backoff decides)."""
        if not self.started or self._stop.is_set() or self.online is False or self.logged_out:
            return
        if self._running:
            self._again = True
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(LOCAL_CHANGE_DELAY, self.sync_now, name="sync-soon")

    def _went_online(self) -> None:
        self._failures = 0
        self.logged_out = False
        self.online = True

    def _went_offline(self) -> None:
        self._failures += 1
        self.online = False

    def changed(self) -> None:
        """Rows arrived: every screen of the current stack reloads (the status bar too)."""
        for screen in self.app.screen_stack:
            screen.post_message(DataChanged("sync"))

    # -- program settings pulled (worker threads) ---------------------------------------------
    def _apply_program_settings(self) -> None:
        """Rows came in: the program's settings (an admin's synced rows) apply at once, not at
        the next start; the person is told what changed. The screens reload for the rows
        anyway (``changed``), and read ``services.config`` as it is then."""
        changes = self.app.services.refresh_program_settings()
        if changes:
            self._call(self._program_settings_changed, changes)

    def _program_settings_changed(self, changes: list[tuple[str, Any, Any]]) -> None:
        said = ", ".join(f"{key} {_shown(old)} → {_shown(new)}" for key, old, new in changes)
        self.app.notify(said, title="Program settings changed", markup=False, timeout=8)

    # -- the long poll (a daemon thread) -----------------------------------------------------
    def _poll_loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                taken = wait_for_changes(self.engine, wait=self.poll_wait, http=self._http())
            except ServerUnavailable:
                failures += 1
                self._call(self._poll_failed)
                self._stop.wait(retry_delay(failures, self.interval, self.rng))
                continue
            except LoggedOut:
                self._call(self._poll_logged_out)
                self._stop.wait(self.interval)
                continue
            except Exception:
                if self._stop.is_set():
                    return
                failures += 1
                self._stop.wait(retry_delay(failures, self.interval, self.rng))
                continue
            failures = 0
            if taken:
                try:
                    self._apply_program_settings()
                except Exception:  # the store is busy or closing: the next sync reads them
                    pass
            self._call(self._poll_answered, taken)

    def _poll_answered(self, taken: int) -> None:
        recovered = self.online is not True or self.logged_out
        self._went_online()
        if taken:
            self.changed()
        if recovered or taken:
            self.sync_now()  # push what waited while offline; take in the rest
        if recovered:
            self.app.refresh_status()

    def _poll_failed(self) -> None:
        if self.online is not False:
            self.online = False
            self.app.refresh_status()

    def _poll_logged_out(self) -> None:
        if not self.logged_out:
            self.logged_out = True
            self.app.refresh_status()

    def _call(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback(*args)`` on the UI thread, without waiting (never blocks a closing app)."""
        if self._stop.is_set() or self._loop is None:
            return

        def run() -> None:
            if not self._stop.is_set():
                callback(*args)

        try:
            self._loop.call_soon_threadsafe(run)
        except RuntimeError:  # the loop is closed
            pass
