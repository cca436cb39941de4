"""Talking to the sync server: JSON over HTTP with retries, backoff, jitter and Retry-After.

Every call the client makes is safe to repeat (pushes are idempotent by change id, pulls and
snapshots are reads), so a timeout, a refused connection, a 5xx or a server killed
mid-request is retried: exponential backoff with full jitter, or the server's ``Retry-After``.
A deadline (``SyncHttp.deadline``, set for a whole sync) bounds all of it: no attempt starts
that the deadline leaves no time for, each request's timeout is cut to what is left, and each
retry is announced (``on_retry``) with its reason in words, the wait and the attempt number.
The token goes in the ``Authorization`` header and nowhere else: never in a URL, a message or
a log line.
"""

from __future__ import annotations

import json
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx
import msgspec

from mentor_tui.core import clock
from mentor_tui.errors import UserError

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ServerUnavailable(UserError):
    """The server could not be reached (or kept failing): changes stay local for later."""


class LoggedOut(UserError):
    """The server does not accept this store's token (or these credentials)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class ServerRefused(UserError):
    """The server understood the request and said no (one sentence from the server)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# an attempt is not started with less than this many seconds left before the deadline
MIN_ATTEMPT_SECONDS = 0.5


@dataclass(frozen=True)
class RetryNotice:
    """One retry about to happen: why (a sentence), how long until it, which attempt it is."""

    problem: str  # a sentence
    brief: str  # the same in a few words, for the status bar
    wait: float
    attempt: int
    attempts: int

    def sentence(self) -> str:
        return f"{self.problem} Retrying in {self._wait()} (attempt {self.attempt} of {self.attempts})."

    def short(self) -> str:
        return (
            f"{self.brief}, retrying in {self._wait()}, attempt {self.attempt} of {self.attempts}"
        )

    def _wait(self) -> str:
        return f"{max(1, round(self.wait))} s"


OnRetry = Callable[[RetryNotice], None]


@dataclass
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Full jitter: anywhere between 0 and the exponential ceiling."""
        return self.rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (clock.aware(moment) - clock.now()).total_seconds())


def decode_json(content: bytes) -> Any:
    """A JSON answer as Python values. msgspec reads a snapshot page of 10,000 rows about
    three times as fast as the standard library (a first pull reads a million rows); what it
    refuses (an infinity sent as 9e999, an integer beyond 64 bits, or text that is not JSON)
    goes to the standard library, which reads the first two and raises ValueError on the last."""
    try:
        return msgspec.json.decode(content)
    except msgspec.DecodeError:
        return json.loads(content)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list) and detail:
        first = detail[0]
        if isinstance(first, dict):
            where = ".".join(str(p) for p in first.get("loc", [])[1:])
            return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg"))
    return f"HTTP {response.status_code}"


class SyncHttp:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        client: httpx.Client | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        deadline_seconds: float | None = None,
        on_retry: OnRetry | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._own_client = client is None
        self.client = client or httpx.Client(timeout=timeout)
        self.retry = retry or RetryPolicy()
        self.on_retry = on_retry
        # time.monotonic() by which every request must have finished (None: no deadline)
        self.deadline: float | None = None
        self.deadline_seconds: float | None = None
        # set to give up at once: a wait between attempts ends, no attempt starts
        self.cancelled = threading.Event()
        if deadline_seconds is not None:
            self.start_deadline(deadline_seconds)

    def start_deadline(self, seconds: float | None) -> None:
        """Everything from now on must be over within ``seconds`` (None: no deadline)."""
        self.deadline_seconds = seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def __repr__(self) -> str:  # never show the token
        return f"SyncHttp({self.base_url!r}, logged_in={self._token is not None})"

    def set_token(self, token: str | None) -> None:
        self._token = token

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, path: str, *, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> Any:
        return self.request("GET", path, params=params, timeout=timeout)

    def get_raw(self, path: str, *, params: dict[str, Any] | None = None) -> httpx.Response:
        """A successful answer as it came, not yet read as JSON (``decode_json`` does that),
        with the same retries and errors as ``get``."""
        return self.request("GET", path, params=params, raw=True)

    def post(self, path: str, body: Any, *, retry: bool = True) -> Any:
        return self.request("POST", path, json=body, retry=retry)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        retry: bool = True,
        raw: bool = False,
    ) -> Any:
        headers = {"Accept": "application/json"}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        url = f"{self.base_url}{path}"
        attempts = self.retry.attempts if retry else 1
        brief = problem = ""
        out_of_time = False
        for attempt in range(attempts):
            wait: float | None = None
            left = self._time_left()
            if self.cancelled.is_set():
                break
            if left is not None and left < MIN_ATTEMPT_SECONDS:
                out_of_time = True
                break
            try:
                # the timeout travels on the request (httpx's ``timeout`` extension), built
                # apart from sending it: a real client honours it, and an in-process test
                # client (whose ``request`` refuses a timeout with a warning) ignores it
                response = self.client.send(
                    self.client.build_request(
                        method,
                        url,
                        json=json,
                        params=params,
                        headers=headers,
                        timeout=self._timeout(timeout, left),
                    )
                )
            except httpx.TransportError as exc:
                brief, problem = transport_problem(exc, self.base_url)
            else:
                if response.status_code < 400 and raw:
                    return response
                if response.status_code < 400:
                    try:
                        return decode_json(response.content)
                    except ValueError:
                        brief = "unreadable answer"
                        problem = (
                            f"The server at {self.base_url} sent an answer that is not readable."
                        )
                elif response.status_code == 401:
                    detail = _detail(response)
                    raise LoggedOut(
                        f"{detail} (run `mentor-tui login {self.base_url} --email ...`)", detail
                    )
                elif response.status_code in RETRY_STATUSES:
                    detail = _detail(response).rstrip(".")
                    brief = f"server error {response.status_code}"
                    problem = (
                        f"The server at {self.base_url} answered with an error: {detail} "
                        f"(HTTP {response.status_code})."
                    )
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                    if wait is not None and wait > self.retry.max_retry_after:
                        raise ServerUnavailable(
                            f"The server at {self.base_url} asks to wait {int(wait)} s: {_detail(response)}"
                        )
                else:
                    raise ServerRefused(_detail(response), response.status_code)
            if attempt + 1 >= attempts:
                break
            delay = self.retry.backoff(attempt)
            delay = max(wait, delay) if wait is not None else delay
            left = self._time_left()
            if left is not None and delay + MIN_ATTEMPT_SECONDS > left:
                out_of_time = True  # the next attempt could not finish in time: give up now
                break
            if self.on_retry is not None:
                self.on_retry(RetryNotice(problem, brief, delay, attempt + 2, attempts))
            if self.retry.sleep is time.sleep:
                self.cancelled.wait(delay)  # ends at once when the sync is stopped
            else:
                self.retry.sleep(delay)
        left = self._time_left()
        out_of_time = out_of_time or (left is not None and left < MIN_ATTEMPT_SECONDS)
        raise ServerUnavailable(self._gave_up(problem, out_of_time))

    def _time_left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def _timeout(self, asked: float | None, left: float | None) -> httpx.Timeout:
        """The request's timeout, each part cut to the time left before the deadline."""
        base = httpx.Timeout(asked) if asked is not None else self.client.timeout
        if left is None:
            return base

        def cut(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(
            connect=cut(base.connect),
            read=cut(base.read),
            write=cut(base.write),
            pool=cut(base.pool),
        )

    def _gave_up(self, problem: str, out_of_time: bool) -> str:
        kept = "your changes are kept here and will sync later."
        if self.cancelled.is_set():
            return f"Sync with {self.base_url} stopped; {kept}"
        if not problem:  # the deadline came before the first attempt
            problem = f"The server at {self.base_url} did not answer in time."
        if out_of_time and self.deadline_seconds is not None:
            limit = f"{self.deadline_seconds:g}"
            return f"{problem} Gave up after the sync's limit of {limit} s; {kept}"
        return f"{problem} Gave up; {kept}"


# (exception, a few words for the status bar, the sentence; {url} is the server's address)
_PROBLEMS: tuple[tuple[type[httpx.TransportError], str, str], ...] = (
    (httpx.ConnectTimeout, "server not reachable", "The server at {url} could not be reached in time."),
    (httpx.ReadTimeout, "server not answering", "The server at {url} is not answering."),
    (httpx.WriteTimeout, "server not reading", "The server at {url} stopped taking in the request."),
    (httpx.PoolTimeout, "no free connection", "No connection to the server at {url} came free in time."),
    (httpx.TimeoutException, "server too slow", "The server at {url} took too long to answer."),
    (httpx.ProxyError, "proxy refused", "The proxy on the way to {url} refused the connection."),
    (httpx.ConnectError, "connection refused", "The server at {url} refused the connection or could not be found."),
    (httpx.RemoteProtocolError, "connection closed", "The server at {url} closed the connection before answering."),
    (httpx.ReadError, "connection reset", "The server at {url} reset the connection before answering."),
    (httpx.WriteError, "connection broke", "The connection to {url} broke while sending the request."),
    (httpx.UnsupportedProtocol, "not a server address", "{url} is not an http:// or https:// address."),
)  # fmt: skip
_TLS = (
    "secure connection failed",
    "A secure (TLS) connection to {url} could not be made or broke off.",
)


def transport_problem(exc: httpx.TransportError, url: str) -> tuple[str, str]:
    """What went wrong on the network, in a few words and as one sentence a person can read
    (never an exception's class name)."""
    if _is_tls(exc):
        brief, sentence = _TLS
    else:
        brief, sentence = next(
            ((b, t) for kind, b, t in _PROBLEMS if isinstance(exc, kind)),
            ("network failed", "The network failed while talking to {url}."),
        )
    return brief, sentence.format(url=url)


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
