"""Hermetic tests: platformdirs points at tmp_path, so no developer's config or data leaks in."""

from __future__ import annotations

import inspect
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import settings
from hypothesis_counts import PROFILE
from textual import _wait as textual_wait

settings.load_profile(PROFILE)  # "ci" unless HYPOTHESIS_PROFILE says "thorough"

# Textual's Pilot, after each key and each pause, waits for the app to go idle: sleeps of
# SLEEP_GRANULARITY until one in which the process (its threads included: a worker's query
# counts) used under a twentieth of it in CPU. At 1/50 s that is 40 ms of sleep a key at the
# least, most of an app test's time on a quiet machine; windows of 1/100 s see the same
# idleness in half the time.
textual_wait.SLEEP_GRANULARITY = 1 / 100
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20

# The files whose tests take longest (tens of seconds each: whole benchmark runs, mypy, a
# browser, fuzzed requests, real processes killed). Run first, they finish while the other
# worker takes the short tests, and `--dist worksteal` evens out the rest; collected in name
# order, several came last and one worker ran them alone at the end of the run.
HEAVY_FIRST = (
    "test_benchmarks.py",
    "test_code_checks.py",
    "test_web_browser.py",
    "test_server_schema.py",
    "test_app_student.py",
    "test_sync_property.py",
    "test_drafts_crash.py",
    "test_notes_crash.py",
    "test_sync_faults.py",
    "test_app_sync.py",
    "test_student_sync.py",
    "test_web_front.py",
    "test_xapi_batch.py",
    "test_xapi_killed.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heavy files first, in HEAVY_FIRST's order; every file keeps its tests' order."""
    rank = {name: index for index, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def hermetic_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's ``snap_compare``, taken once the screen has stopped changing.

    After the test's own keys, it waits for the workers and lets the app run until two
    screenshots in a row are the same (Textual sizes a DataTable's columns on an idle event, so a
    busy CI machine could otherwise photograph a table whose columns were still header-wide)."""

    def compare(app, press: Iterable[str] = (), run_before=None, **kwargs) -> bool:
        async def before(pilot) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if inspect.isawaitable(result):
                    await result
            await pilot.press(*press)
            await steady(pilot)

        return snap_compare(app, run_before=before, **kwargs)

    return compare


async def steady(pilot, rounds: int = 25) -> None:
    """Wait until two screenshots in a row agree. A text box's cursor is held still (shown), as
    its blinking would otherwise photograph it on or off by the clock."""
    from app_support import wait_for_workers

    last = None
    for _ in range(rounds):
        await wait_for_workers(pilot.app)
        for box in pilot.app.screen.query("Input, TextArea"):
            box.cursor_blink = False
        await pilot.pause()
        shot = pilot.app.export_screenshot()
        if shot == last:
            return
        last = shot
        await pilot.pause(0.02)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "mentor.db"


@pytest.fixture(scope="session")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new store migrated to HEAD, made once per test run (each worker) by ``make_engine``
    itself; the ``engine`` fixture copies it instead of running every migration per test.
    tests/test_migrations.py still migrates new stores and old ones for real."""
    from mentor_tui.db.engine import make_engine

    path = tmp_path_factory.mktemp("empty") / "mentor.db"
    make_engine(path).dispose()  # the last connection closed: the WAL is checkpointed away
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def engine(db_path: Path, empty_store: Path):
    """This test's store at ``db_path``: a copy of ``empty_store`` (private, as a new store is),
    opened by ``make_engine`` (at HEAD already: one query)."""
    from mentor_tui.db.engine import make_engine
    from mentor_tui.db.private_files import PRIVATE_FILE, private_folder

    private_folder(db_path.parent)
    shutil.copyfile(empty_store, db_path)
    os.chmod(db_path, PRIVATE_FILE)
    eng = make_engine(db_path)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 60-student demo store the app tests copy; built once per test run."""
    from app_support import build_template

    return build_template(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of the PostgreSQL database named by MENTOR_TUI_TEST_DATABASE_URL whose search path
    is a schema of this test's own, dropped afterwards (so runs never collide)."""
    base = os.environ.get("MENTOR_TUI_TEST_DATABASE_URL")
    if not base:
        pytest.skip("MENTOR_TUI_TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    import psycopg

    schema = f"mentor_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
