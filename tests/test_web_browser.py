"""`mentor-tui web` in a real Chromium (issue 23): a student signs in and gets their own app
(their progress, nobody else's), writes to their mentor (the row reaches the sync server),
signs out (the app ends, the token is revoked); a wrong password and an unknown account get
the same answer; a session's cookie is worthless after sign-out, in any browser context."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from mentor_tui.db.models import Message
from mentor_tui.paths import data_dir
from mentor_tui.server.schema import tokens
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, free_port
from tests.web_support import Screen, WebProcess, launch_chromium, needs_chromium, session_processes

pytestmark = needs_chromium
program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def site(program: Program) -> Iterator[tuple[WebProcess, ThreadServer]]:
    with ThreadServer(program.harness.engine) as server:
        web = WebProcess(server.url, free_port(), "--max-sessions", "3")
        try:
            yield web, server
        finally:
            web.stop()


def _sign_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")


def test_a_student_sees_their_own_progress_writes_to_their_mentor_and_signs_out(
    browser: Any, site: tuple[WebProcess, ThreadServer], program: Program
) -> None:
    web, _server = site
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    screen = Screen(page)
    _sign_in(page, web.url, "s1@example.org")
    page.wait_for_selector("#who", timeout=60_000)
    assert page.inner_text("#who") == "s1@example.org (student)"
    cookie = next(c for c in context.cookies() if c["name"] == "mentor_web_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # their own progress (module 1 of Python: 40 %, 30 minutes), never Sue's (60 %, 50 minutes)
    shown = " ".join(screen.wait_for(page, "Completion", "Python 2").split())
    assert "Sam One <s1@example.org> · student" in shown
    assert re.search(r"Python Python 1 40 30 ", shown), shown
    assert not re.search(r"Python 1 60 50 ", shown) and "Sue Two" not in shown

    # the inbox (7), the conversation with Maria, reply (r), send (ctrl+s)
    page.click("#terminal")
    mark = screen.mark()
    page.keyboard.press("7")
    screen.wait_for(page, "Welcome, Sam", after=mark)
    mark = screen.mark()
    page.keyboard.press("r")
    screen.wait_for(page, "Send", after=mark)
    mark = screen.mark()
    page.keyboard.type("Thanks, typed in a browser")
    screen.wait_for(page, "browser", after=mark)  # on screen, as a person sees it, then send
    page.keyboard.press("Control+s")
    with program.harness.engine.connect() as conn:
        deadline = time.monotonic() + 60
        while True:
            row = conn.execute(
                select(Message.sender_id, Message.recipient_id).where(
                    Message.body == "Thanks, typed in a browser"
                )
            ).first()
            if row is not None or time.monotonic() > deadline:
                break
            page.wait_for_timeout(200)
            conn.rollback()
    if row is None:
        with program.harness.engine.connect() as conn:
            bodies = conn.execute(select(Message.body)).scalars().all()
    assert row is not None, f"never on the server {bodies}; the screen: {screen.since(mark)!r}"
    assert tuple(row) == (program.ids["s1"], program.ids["m1"])

    # sign out: the page says so, the app and the folder are gone, the token is revoked
    sessions = data_dir() / "web-sessions"
    assert len(list(sessions.iterdir())) == 1 and len(session_processes()) == 1
    page.click("#sign-out")
    page.wait_for_selector("#notice")
    assert "signed out" in page.inner_text("#notice")
    assert list(sessions.iterdir()) == [] and session_processes() == []
    with program.harness.engine.connect() as conn:
        live = conn.execute(
            select(tokens.c.token_hash).where(
                tokens.c.user_id == program.ids["s1"], tokens.c.revoked_at.is_(None)
            )
        ).all()
    assert live == []

    # another browser context with the old cookie gets the sign-in page, and no app
    other = browser.new_context()
    other.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path")}])
    stranger = other.new_page()
    stranger.goto(web.url)
    assert stranger.locator("#sign-in").count() == 1
    assert stranger.locator("#terminal").count() == 0
    refused = httpx.get(
        f"{web.url}/ws",
        cookies={cookie["name"]: cookie["value"]},
        headers={"Origin": web.url, "Connection": "Upgrade", "Upgrade": "websocket",
                 "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
    )  # fmt: skip
    assert refused.status_code == 403
    other.close()
    context.close()


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(
    browser: Any, site: tuple[WebProcess, ThreadServer]
) -> None:
    web, _server = site
    context = browser.new_context()
    page = context.new_page()
    answers = []
    for email, password in (
        ("s1@example.org", "not the password"),
        ("nobody@example.org", PASSWORD),
    ):
        with page.expect_response(lambda r: r.url.endswith("/signin")) as response:
            _sign_in(page, web.url, email, password)
        page.wait_for_selector("#answer")
        answers.append((response.value.status, page.inner_text("#answer")))
        assert page.locator("#terminal").count() == 0
    assert answers[0] == answers[1] == (401, "Wrong email or password.")
    assert [c for c in context.cookies() if c["name"] == "mentor_web_session"] == []
    context.close()
