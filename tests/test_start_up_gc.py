"""No full garbage collection while the app starts (issue #21, ``app/start_up_gc.py``): put off
by `mentor-tui` before the app's imports, back once the dashboard's figures are painted."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from app_support import ADMIN, MENTOR

from mentor_tui.app import start_up_gc


def test_full_collections_are_put_off_and_back_as_they_were() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 7)
        start_up_gc.defer_full_collections()
        assert gc.get_threshold() == (700, 10, start_up_gc.NEVER)
        start_up_gc.defer_full_collections()  # once: the thresholds to go back to are kept
        start_up_gc.resume_full_collections()
        assert gc.get_threshold() == (700, 10, 7)
        start_up_gc.resume_full_collections()  # not deferred: nothing changes
        assert gc.get_threshold() == (700, 10, 7)
    finally:
        gc.set_threshold(*before)


PROBE = """
import gc, sys
from textual.drivers._writer_thread import WriterThread
from mentor_tui.app.main import MentorApp
log = open(sys.argv[1], "w", buffering=1)
def state():
    return "deferred" if gc.get_threshold()[2] >= 10**9 else "full"
def write(self, text, real=WriterThread.write):
    if "Needs attention" in text:
        log.write("frame " + state() + "\\n")
    real(self, text)
def painted(self, real=MentorApp.home_figures_painted):
    real(self)
    log.write("painted " + state() + "\\n")
WriterThread.write = write
MentorApp.home_figures_painted = painted
from mentor_tui.cli import main
code = main(sys.argv[2:])
log.write("exit " + state() + "\\n")
sys.exit(code)
"""


@pytest.mark.parametrize("email", [ADMIN, MENTOR])
def test_the_app_starts_without_full_collections_until_its_figures_are_painted(
    template, tmp_path, email: str
) -> None:
    from app_support import copy_store

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from app_timing import start_in_pty

    store = copy_store(template, tmp_path / "store.db")
    log = tmp_path / "events.txt"
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-c", PROBE, str(log), "--db", str(store), "--user", email]
    # the attention table's count: painted by the summary part's own worker (an admin's cards
    # may come sooner, from the early read), the costliest part and the last one in
    run = start_in_pty(
        argv, "Needs attention", then=("Pending reviews", "2: all"), env=env, timeout=60
    )
    assert run.exit_status == 0
    events = log.read_text().splitlines()
    assert events[0] == "frame deferred", events
    assert "painted full" in events and events[-1] == "exit full", events
