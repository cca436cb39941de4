"""`mentor-tui web` sessions (issue 23): the memory of one signed-in person's app and how many
fit on a 2-core, 24 GiB host.

A real sync server process on a demo programme's database (the server schema added in place),
a real `mentor-tui web` process in front of it; ``sessions`` students sign in over HTTP (the
form, the cookie) and open the page's websocket, each starting their own app on their own
store. Once every app has painted its first screen with the figures ("Completion") and a few
seconds have passed, each app process's resident memory (VmRSS, /proc) is read: the median is
the memory per session, and ``sessions_for_memory`` turns it into sessions per host.

    python benchmarks/web_sessions.py --database COPY_OF_A_DEMO.db [--sessions 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
HOST_MEMORY_MIB = 24 * 1024
TARGET_PER_HOST = 100  # a programme's people at once on one modest host
SERVE = (
    "import sys, uvicorn\n"
    "from mentor_tui.server.app import create_app\n"
    "from mentor_tui.server.schema import make_server_engine\n"
    "uvicorn.run(create_app(make_server_engine(sys.argv[1])), host='127.0.0.1',"
    " port=int(sys.argv[2]), log_level='warning')\n"
)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def app_pids(sessions_root: Path) -> list[int]:
    """The running app processes: their command line names a store under the sessions' root."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if str(sessions_root) in line and "mentor_tui --db" in line:
            found.append(int(entry.name))
    return found


async def _open_app(url: str, cookie: str, seen: asyncio.Event) -> None:
    import aiohttp

    async with aiohttp.ClientSession(cookies={"mentor_web_session": cookie}) as client:
        async with client.ws_connect(f"{url}/ws?width=120&height=40", origin=url) as socket:
            shown = b""
            async for message in socket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    shown += message.data
                    if b"Completion" in shown:
                        seen.set()
                if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break


async def _hold(url: str, cookies: list[str], settle: float, sessions_root: Path) -> list[float]:
    events = [asyncio.Event() for _ in cookies]
    tasks = [
        asyncio.create_task(_open_app(url, c, e)) for c, e in zip(cookies, events, strict=True)
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 180)
        await asyncio.sleep(settle)
        return [rss_mib(pid) for pid in app_pids(sessions_root)]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def measure(
    database: Path, workdir: Path, sessions: int = 4, settle: float = 3.0
) -> dict[str, float | int]:
    """Serve ``database`` and sign ``sessions`` of its students in to a web front; their apps'
    memory is read ``settle`` seconds after every one has painted its first screen."""
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    from mentor_tui.server.accounts import add_server_user
    from mentor_tui.server.schema import ensure_schema, make_server_engine
    from mentor_tui.web.sessions import MEMORY_PER_SESSION_MIB, sessions_for_memory

    conn = sqlite3.connect(database)
    students = [
        r[0]
        for r in conn.execute(
            "SELECT email FROM users WHERE role = 'student' AND deleted_at IS NULL "
            "AND status = 'Active' ORDER BY email LIMIT ?",
            (sessions,),
        )
    ]
    conn.close()
    engine = make_server_engine(str(database))
    ensure_schema(engine)
    for email in students:
        add_server_user(engine, email, role="student", name=None, password=PASSWORD)
    engine.dispose()
    server_port, web_port = free_port(), free_port()
    server_url, web_url = f"http://127.0.0.1:{server_port}", f"http://127.0.0.1:{web_port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(database), str(server_port)], cwd=ROOT, env=env
    )
    web = None
    try:
        _wait_http(f"{server_url}/health", server, "the sync server")
        web = subprocess.Popen(
            [sys.executable, "-m", "mentor_tui", "web", "--port", str(web_port), "--server",
             server_url, "--max-sessions", str(sessions + 1)],
            cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_http(web_url, web, "mentor-tui web")
        cookies, sign_in_seconds = [], []
        for email in students:
            started = time.perf_counter()
            answer = httpx.post(
                f"{web_url}/signin",
                data={"email": email, "password": PASSWORD},
                headers={"Origin": web_url},  # as the sign-in page's own form (CSRF check)
                timeout=600,
            )
            sign_in_seconds.append(time.perf_counter() - started)
            if "mentor_web_session" not in answer.cookies:
                raise RuntimeError(f"{email} could not sign in: {answer.status_code}")
            cookies.append(answer.cookies["mentor_web_session"])
        root = workdir / "data" / "mentor-tui" / "web-sessions"
        rss = asyncio.run(_hold(web_url, cookies, settle, root))
    finally:
        for proc in (web, server):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
    if len(rss) != len(students):
        raise RuntimeError(f"{len(rss)} app processes for {len(students)} sessions")
    per_session = statistics.median(rss)
    return {
        "sessions": len(students),
        "rss_mib_median": per_session,
        "rss_mib_max": max(rss),
        "sign_in_seconds_median": statistics.median(sign_in_seconds),
        "sessions_per_host": sessions_for_memory(HOST_MEMORY_MIB, max(1, round(per_session))),
        "sessions_per_host_setting": sessions_for_memory(HOST_MEMORY_MIB),
        "memory_setting_mib": MEMORY_PER_SESSION_MIB,
    }


def main(argv: list[str] | None = None) -> int:
    import shutil
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=4)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="web-bench-"))
    try:
        copy = work / "server.db"
        shutil.copyfile(args.database, copy)
        print(measure(copy, work, args.sessions))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
