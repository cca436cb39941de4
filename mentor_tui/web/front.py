"""The web front: sign-in, sign-out, the app page and its websocket (aiohttp, as textual-serve).

Nobody reaches an app without a live session cookie; the websocket also checks that the page
asking is this site's own (Origin), and so do the sign-in and sign-out forms (Origin, or
Referer without one: web/origin.py). Failed sign-ins are limited per browser address like the
API's; a wrong password and an unknown account get the same answer, as from the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import textual_serve
from aiohttp import WSMsgType, web

from mentor_tui.web import enrol, pages
from mentor_tui.web.apps import SessionApp
from mentor_tui.web.origin import CROSS_SITE, posted_from_here
from mentor_tui.web.sessions import (
    FailureLimit,
    Session,
    Sessions,
    clear_root,
    make_private_folder,
    new_session_id,
    remove_folder,
)

log = logging.getLogger("mentor_tui.web")

COOKIE = "mentor_web_session"
TRUSTED_PROXIES = frozenset({"127.0.0.1", "::1"})  # a reverse proxy on this host
ENROL_TIMEOUT_SECONDS = 600.0  # the first sync of a big account takes a while
WRONG = "Wrong email or password."
SIGNED_OUT = "You are signed out; your app has ended."
IDLE_ENDED = "Your session ended after a while without use; sign in again."
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" with the
    # page's own form posts, and the CSRF check (web/origin.py) could not tell them from others
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class WebSettings:
    server_url: str
    root: Path  # the session folders' parent (0700)
    max_sessions: int
    idle_seconds: float


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", headers=SECURITY_HEADERS
    )


def _cross_site(request: web.Request) -> web.Response | None:
    """A 403 page with a sentence for a form post that is not from this site's own page."""
    if posted_from_here(request.headers, request.host):
        return None
    log.warning("refused a cross-site post to %s from %s", request.path, client_address(request))
    return _html(pages.refused_page(CROSS_SITE, "Refused"), 403)


def client_address(request: web.Request) -> str:
    """The browser's address: the peer's, or the one a reverse proxy on this host adds."""
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return peer


def _is_https(request: web.Request) -> bool:
    if request.secure:
        return True
    proto = request.headers.get("X-Forwarded-Proto", "")
    return request.remote in TRUSTED_PROXIES and proto.lower() == "https"


def _wait_sentence(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-ins from this address; try again in {minutes} {unit}."


class WebFront:
    """The sessions and the routes that use them."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.sessions = Sessions(settings.max_sessions, settings.idle_seconds)
        self.failures = FailureLimit()
        self._reaper: asyncio.Task[None] | None = None

    # --- the aiohttp application ---------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application()
        static = Path(textual_serve.__file__).parent / "static"
        app.add_routes(
            [
                web.get("/", self.index),
                web.post("/signin", self.sign_in),
                web.post("/signout", self.sign_out),
                web.get("/ws", self.websocket),
                web.static("/static", static, show_index=False),
            ]
        )
        app.on_startup.append(self._startup)
        app.on_shutdown.append(self._shutdown)
        return app

    async def _startup(self, _app: web.Application) -> None:
        stale = await asyncio.to_thread(clear_root, self.settings.root)
        if stale:
            log.warning("removed %d session folders left by an earlier run", stale)
        self._reaper = asyncio.create_task(self._reap_idle())

    async def _shutdown(self, _app: web.Application) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        await asyncio.gather(*(self.end_session(s) for s in self.sessions))

    # --- sessions ---------------------------------------------------------------------------
    def session_of(self, request: web.Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    async def end_session(self, session: Session) -> None:
        """Stop the app, revoke the token on the server, delete the folder."""
        if not self.sessions.remove(session):
            return
        await self._stop_app(session)
        try:
            timeout = aiohttp.ClientTimeout(total=10)
            async with aiohttp.ClientSession(timeout=timeout) as client:
                await client.post(
                    f"{session.server_url}/auth/logout",
                    json={},
                    headers={"Authorization": f"Bearer {session.token}"},
                )
        except (aiohttp.ClientError, TimeoutError):
            log.warning("could not revoke a token of %s; it expires on its own", session.email)
        await asyncio.to_thread(remove_folder, session.folder)
        log.info("session of %s ended", session.email)

    async def _stop_app(self, session: Session) -> None:
        app, websocket = session.app, session.websocket
        session.app = session.websocket = None
        if app is not None:
            await app.stop()
        if websocket is not None:
            with contextlib.suppress(Exception):
                await websocket.close()

    async def _reap_idle(self) -> None:
        period = max(0.2, min(30.0, self.settings.idle_seconds / 4))
        while True:
            await asyncio.sleep(period)
            for session in self.sessions.idle():
                await self.end_session(session)

    # --- routes -----------------------------------------------------------------------------
    async def index(self, request: web.Request) -> web.Response:
        session = self.session_of(request)
        if session is None:
            notice = SIGNED_OUT if request.query.get("signed_out") else None
            return _html(pages.sign_in_page(notice=notice))
        session.touch()
        return _html(
            pages.app_page(
                name=session.email,
                role=session.role,
                websocket_url="/ws",
                static_url="/static/",
            )
        )

    async def sign_in(self, request: web.Request) -> web.Response:
        cross = _cross_site(request)
        if cross is not None:
            return cross
        form = await request.post()
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        address = client_address(request)
        wait = self.failures.wait(address)
        if wait is not None:
            return _html(pages.sign_in_page(answer=_wait_sentence(wait), email=email), 429)
        if not email or not password:
            return _html(
                pages.sign_in_page(answer="Give your email and password.", email=email), 400
            )
        earlier = self.session_of(request)
        if earlier is not None:  # a sign-in always starts a new session with a new id
            await self.end_session(earlier)
        if self.sessions.full():
            sentence = (
                f"This host is full ({self.sessions.max_sessions} people are using it); "
                "try again in a few minutes."
            )
            return _html(pages.sign_in_page(answer=sentence, email=email), 503)
        self.sessions.pending += 1
        try:
            answer = await self._check_password(email, password, address)
            if answer.get("refused") is None:
                folder = await asyncio.to_thread(make_private_folder, self.settings.root)
                answer = await self._enrol(folder, email, password, address)
                if answer.get("refused") is not None:
                    await asyncio.to_thread(remove_folder, folder)
        finally:
            self.sessions.pending -= 1
        refused = answer.get("refused")
        if refused is not None:
            if refused == enrol.WRONG:
                self.failures.failed(address)
                return _html(pages.sign_in_page(answer=WRONG, email=email), 401)
            if refused == enrol.LIMITED:
                sentence = _wait_sentence(int(answer.get("retry_after") or 60))
                return _html(pages.sign_in_page(answer=sentence, email=email), 429)
            return _html(pages.sign_in_page(answer=answer["sentence"], email=email), 503)
        session = Session(
            id=new_session_id(),
            email=answer["email"],
            role=answer["role"],
            server_url=answer["server_url"],
            token=answer["token"],
            folder=folder,
            address=address,
        )
        self.sessions.add(session)
        log.info("%s (%s) signed in from %s", session.email, session.role, address)
        response = web.HTTPSeeOther("/", headers=SECURITY_HEADERS)
        response.set_cookie(
            COOKIE,
            session.id,
            httponly=True,
            samesite="Strict",
            secure=_is_https(request),
            path="/",
        )
        return response

    async def _check_password(self, email: str, password: str, address: str) -> dict:
        """The server's answer to the password, before any process starts for it (a stream of
        wrong guesses costs this host no processes); its token is revoked at once."""
        server = self.settings.server_url
        try:
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(timeout=timeout) as client:
                async with client.post(
                    f"{server}/auth/login",
                    json={"email": email.lower(), "password": password},
                    headers={"X-Forwarded-For": address},
                ) as answer:
                    if answer.status == 401:
                        return {"refused": enrol.WRONG}
                    if answer.status == 429:
                        wait = _int(answer.headers.get("Retry-After"), 60, 86400)
                        return {"refused": enrol.LIMITED, "retry_after": wait}
                    if answer.status != 200:
                        return {
                            "refused": enrol.OTHER,
                            "sentence": f"The sync server refused the sign-in ({answer.status}).",
                        }
                    token = (await answer.json())["token"]
                await client.post(
                    f"{server}/auth/logout", json={}, headers={"Authorization": f"Bearer {token}"}
                )
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError):
            return {
                "refused": enrol.UNAVAILABLE,
                "sentence": "The sync server cannot be reached; try again shortly.",
            }
        return {}

    async def _enrol(self, folder: Path, email: str, password: str, address: str) -> dict:
        probe = Session("", "", "", "", "", folder, address)
        request = {
            "server": self.settings.server_url,
            "email": email,
            "password": password,
            "address": address,
            "db": str(probe.store),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mentor_tui.web.enrol",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **probe.environment()},
        )
        try:
            out, err = await asyncio.wait_for(
                process.communicate(json.dumps(request).encode()), ENROL_TIMEOUT_SECONDS
            )
            return json.loads(out)
        except (TimeoutError, ValueError):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            log.error("sign-in of %s failed on this host: %s", email, locals().get("err", b""))
            return {
                "refused": enrol.OTHER,
                "sentence": "Signing in failed on this host; its log says why.",
            }

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        cross = _cross_site(request)
        if cross is not None:
            return cross
        session = self.session_of(request)
        if session is not None:
            await self.end_session(session)
        response = web.HTTPSeeOther("/?signed_out=1", headers=SECURITY_HEADERS)
        response.del_cookie(COOKIE, path="/")
        return response

    def _same_origin(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        return origin is not None and urlsplit(origin).netloc == request.host

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.session_of(request)
        if session is None or not self._same_origin(request):
            raise web.HTTPForbidden(text="Sign in first.")
        await self._stop_app(session)  # one app per session: a newer page takes it over
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        app = SessionApp(
            session.store,
            session.environment(),
            write_bytes=_quiet(websocket.send_bytes),
            write_str=_quiet(websocket.send_str),
            close=websocket.close,
        )
        session.app, session.websocket = app, websocket
        session.touch()
        try:
            await app.start(width, height)
            await self._relay(websocket, app, session)
        finally:
            await app.stop()
            if session.app is app:
                session.app = session.websocket = None
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, app: SessionApp, session: Session):
        """The browser's messages to the app (textual-serve's protocol)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, data = json.loads(message.data)
            except (ValueError, TypeError):
                continue
            if kind == "stdin":
                session.touch()
                await app.send_bytes(str(data).encode("utf-8"))
            elif kind == "resize":
                session.touch()
                await app.set_terminal_size(
                    _int(data.get("width"), 80), _int(data.get("height"), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()


def _int(value: object, default: int, top: int = 1000) -> int:
    try:
        return max(1, min(top, int(str(value))))
    except ValueError:
        return default


def _quiet(send):
    """A websocket send that does nothing once the browser has gone."""

    async def sending(data) -> None:
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await send(data)

    return sending


def run_web_front(settings: WebSettings, host: str, port: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    front = WebFront(settings)
    web.run_app(front.make_app(), host=host, port=port, print=None, access_log=None)
