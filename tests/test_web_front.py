"""The web front's parts without a browser (issue 23): the host's session limit from memory,
the per-address limit on failed sign-ins (the API's figures), private session folders, idle
sessions, and `mentor-tui web`'s one-sentence answers to bad input."""

from __future__ import annotations

import html
import stat
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from mentor_tui.cli import main
from mentor_tui.paths import data_dir
from mentor_tui.server.auth import ADDRESS_FAILURE_LIMIT, FAILURE_WINDOW
from mentor_tui.server.schema import tokens
from mentor_tui.web.apps import app_command
from mentor_tui.web.origin import CROSS_SITE
from mentor_tui.web.sessions import (
    MEMORY_PER_SESSION_MIB,
    FailureLimit,
    Session,
    Sessions,
    clear_root,
    make_private_folder,
    sessions_for_memory,
)
from tests import sync_helpers
from tests.sync_helpers import PASSWORD, Program, ThreadServer, free_port, wait_until
from tests.web_support import WebProcess

program_template = sync_helpers.program_template  # a fixture
program = sync_helpers.program  # a fixture


def test_sessions_per_host_follow_the_measured_memory_per_session() -> None:
    per_host = sessions_for_memory(24 * 1024)
    assert per_host == int(24 * 1024 * 0.75) // MEMORY_PER_SESSION_MIB
    assert sessions_for_memory(24 * 1024, per_session_mib=256) == per_host // 2
    assert sessions_for_memory(10) == 1  # a tiny host still serves one person


def test_failed_sign_ins_from_one_address_are_refused_past_the_apis_limit() -> None:
    limit = FailureLimit()
    assert (limit.limit, limit.window) == (ADDRESS_FAILURE_LIMIT, FAILURE_WINDOW.total_seconds())
    for i in range(ADDRESS_FAILURE_LIMIT):
        assert limit.wait("10.0.0.1", now=100.0 + i) is None
        limit.failed("10.0.0.1", now=100.0 + i)
    wait = limit.wait("10.0.0.1", now=110.0)
    assert wait is not None and 0 < wait <= FAILURE_WINDOW.total_seconds()
    assert limit.wait("10.0.0.2", now=110.0) is None  # another address is not held back
    later = 100.0 + FAILURE_WINDOW.total_seconds() + 1  # the first failure has aged out
    assert limit.wait("10.0.0.1", now=later) is None


def test_a_session_folder_is_private_and_the_app_runs_with_its_dirs(tmp_path: Path) -> None:
    root = tmp_path / "sessions"
    folder = make_private_folder(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    session = Session(
        "id", "s@example.org", "student", "http://x", "sekret-token", folder, "127.0.0.1"
    )
    env = session.environment()
    assert env["XDG_CONFIG_HOME"] == str(folder / "config") and env["HOME"] == str(folder)
    assert all(Path(v).is_relative_to(folder) for v in env.values())
    assert "sekret-token" not in repr(session)
    command = app_command(session.store)
    assert command.startswith("exec ") and sys.executable in command
    assert str(session.store) in command
    assert clear_root(root) == 1 and list(root.iterdir()) == []


def test_idle_sessions_are_found_and_the_host_fills_up(tmp_path: Path) -> None:
    sessions = Sessions(max_sessions=2, idle_seconds=60)
    a = Session("a", "a@x.org", "student", "u", "t", tmp_path, "1")
    b = Session("b", "b@x.org", "mentor", "u", "t", tmp_path, "2")
    sessions.add(a)
    assert not sessions.full()
    sessions.pending = 1  # a sign-in under way holds a place
    assert sessions.full()
    sessions.pending = 0
    sessions.add(b)
    assert sessions.full() and sessions.get("a") is a and sessions.get("nope") is None
    a.last_seen, b.last_seen = 1000.0, 1030.0
    assert sessions.idle(now=1061.0) == [a]  # b was seen 31 s ago
    assert sessions.idle(now=1059.0) == []
    b.touch()
    assert b.last_seen > 1030.0
    sessions.remove(a)
    assert not sessions.full() and sessions.get("a") is None


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["web", "--port", "0"], "The port must be between 1 and 65535, not 0."),
        (["web", "--idle-minutes", "0"], "--idle-minutes must be more than 0, not 0."),
        (["web", "--max-sessions", "0"], "--max-sessions must be at least 1, not 0."),
        (["web", "--server", "example.org"], "is not a server address"),
    ],
)
def test_bad_input_gets_one_sentence(
    argv: list[str], sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert sentence in err and "Traceback" not in err and out == ""
    assert err.count("\n") == 1


@pytest.mark.parametrize("missing", ["textual_serve", "aiohttp"])
def test_web_without_its_extra_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)
    assert main(["web"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'mentor-tui[web]'" in err and missing.replace("_", "-") in err


def _sign_in(web: WebProcess, email: str, **headers: str) -> httpx.Response:
    """A sign-in as the page's own form sends it (Origin: this site), unless ``headers`` say
    otherwise (``Origin=""`` leaves the header out)."""
    sent = {"Origin": web.url, **headers}
    return httpx.post(
        f"{web.url}/signin",
        data={"email": email, "password": PASSWORD},
        headers={k: v for k, v in sent.items() if v},
        timeout=120,
    )


def test_a_full_host_refuses_a_sign_in_with_a_sentence_and_idle_sessions_end(
    program: Program,
) -> None:
    """A real server and a real `mentor-tui web` with room for one session that idles out
    after 3 s: a second person is refused with a sentence while the first is signed in; the
    first session then ends on its own (app folder gone, token revoked, cookie worthless)."""
    with ThreadServer(program.harness.engine) as server:
        web = WebProcess(server.url, free_port(), "--max-sessions", "1", "--idle-minutes", "0.05")
        try:
            first = _sign_in(web, "s1@example.org")
            assert first.status_code == 303 and "mentor_web_session" in first.cookies
            cookie = {"mentor_web_session": first.cookies["mentor_web_session"]}
            assert "s1@example.org (student)" in httpx.get(web.url, cookies=cookie).text
            refused = _sign_in(web, "s2@example.org")
            assert refused.status_code == 503
            assert "This host is full (1 people are using it); try again in a few minutes." in (
                html.unescape(refused.text)
            )
            assert "mentor_web_session" not in refused.cookies
            wait_until(lambda: not list((data_dir() / "web-sessions").iterdir()), timeout=30)
            page = httpx.get(web.url, cookies=cookie).text
            assert "id='sign-in'" in page and "s1@example.org (student)" not in page
            with program.harness.engine.connect() as conn:
                live = conn.execute(
                    select(tokens.c.token_hash).where(
                        tokens.c.user_id == program.ids["s1"], tokens.c.revoked_at.is_(None)
                    )
                ).all()
            assert live == []
            assert _sign_in(web, "s2@example.org").status_code == 303  # room again
        finally:
            web.stop()


def test_sign_in_and_sign_out_posted_from_another_site_are_refused(program: Program) -> None:
    """CSRF (OWASP: verify the Origin, else the Referer, against the host serving the page): a
    form on another site cannot sign someone in (login CSRF) or out; a post naming neither is
    refused too; this site's own page (Origin, or only a Referer) is taken."""
    with ThreadServer(program.harness.engine) as server:
        web = WebProcess(server.url, free_port())
        try:
            for headers in (
                {"Origin": "https://evil.example"},
                {"Origin": "null"},  # a sandboxed frame or a redirect chain
                {"Origin": web.url.replace("127.0.0.1", "localhost")},  # another host name
                {"Origin": "", "Referer": "https://evil.example/page"},
                {"Origin": ""},  # neither header
            ):
                refused = _sign_in(web, "s1@example.org", **headers)
                assert refused.status_code == 403, headers
                assert CROSS_SITE in html.unescape(refused.text)
                assert "mentor_web_session" not in refused.cookies
            assert not (data_dir() / "web-sessions").exists() or not list(
                (data_dir() / "web-sessions").iterdir()
            )  # no app was started for any of them

            signed_in = _sign_in(web, "s1@example.org", Origin="", Referer=f"{web.url}/")
            assert signed_in.status_code == 303 and "mentor_web_session" in signed_in.cookies
            cookie = {"mentor_web_session": signed_in.cookies["mentor_web_session"]}
            assert signed_in.headers["Referrer-Policy"] == "same-origin"

            # sign-out from another site: refused, the session lives on
            forged = httpx.post(
                f"{web.url}/signout", cookies=cookie, headers={"Origin": "https://evil.example"}
            )
            assert forged.status_code == 403 and CROSS_SITE in html.unescape(forged.text)
            assert "s1@example.org (student)" in httpx.get(web.url, cookies=cookie).text

            # from this site's own page: signed out
            done = httpx.post(f"{web.url}/signout", cookies=cookie, headers={"Origin": web.url})
            assert done.status_code == 303 and done.headers["Location"] == "/?signed_out=1"
            assert "id='sign-in'" in httpx.get(web.url, cookies=cookie).text
        finally:
            web.stop()
