"""What every figure of a run shares: the sizes (full, --quick or --smoke), the cached demo store and a
working copy of it, a scratch folder, the environment of the processes it starts, and the
figures taken so far. A figure is a function ``measure(run: BenchRun) -> None`` that calls
``run.add(Figure(...))`` for each figure it takes (see ``run.py``'s ``FIGURES``)."""

from __future__ import annotations

import compileall
import os
import shutil
from pathlib import Path

import dataset
from report import Figure, log, progress_line

ROOT = Path(__file__).resolve().parent.parent

ADMIN = "admin@example.org"
# Each run's sizes and repeats: "runs" are the interleaved pty starts and the CLI exports (the
# median is taken), "fresh" the fresh processes of an open figure, "rounds" the key samples;
# "quiet": the seconds without output after which a started app counts as settled (before its
# keys, its memory read and ctrl+q), "web_settle" the seconds the web apps run once painted
# before their memory is read (--smoke waits less: its figures mean nothing, its paths run).
FULL = {
    "students": 50_000, "mentors": 2_000, "list_students": 100_000, "match": (10_000, 500),
    "runs": 3, "fresh": 3, "echo_keys": 40, "key_rounds": 10, "queue_pending": 100_000,
    "queue_rounds": 20, "inbox": (100_000, 10_000), "sync_rounds": 5, "xapi": 20_000,
    "web_sessions": 4, "sync_pulls": 3, "quiet": 1.0, "web_settle": 3.0,
}  # fmt: skip
QUICK = {
    "students": 600, "mentors": 30, "list_students": 600, "match": (1_000, 50),
    "runs": 1, "fresh": 3, "echo_keys": 20, "key_rounds": 5, "queue_pending": 2_000,
    "queue_rounds": 8, "inbox": (5_000, 1_000), "sync_rounds": 5, "xapi": 4_000,
    "web_sessions": 2, "sync_pulls": 1, "quiet": 1.0, "web_settle": 3.0,
}  # fmt: skip
# --smoke: every figure taken once on the smallest store. It proves that each benchmark runs
# and reports its figure (tests/test_benchmarks.py); its timings say nothing.
SMOKE = {
    "students": 60, "mentors": 5, "list_students": 60, "match": (200, 10),
    "runs": 1, "fresh": 1, "echo_keys": 4, "key_rounds": 1, "queue_pending": 50,
    "queue_rounds": 2, "inbox": (100, 20), "sync_rounds": 1, "xapi": 500,
    "web_sessions": 1, "sync_pulls": 1, "quiet": 0.2, "web_settle": 0.2,
}  # fmt: skip
SIZES = {"full": FULL, "quick": QUICK, "smoke": SMOKE}


class BenchRun:
    def __init__(self, size: str, rebuild: bool, work: Path) -> None:
        self.size = size  # "full", "quick" or "smoke"
        self.sizes = SIZES[size]
        self.quick = size != "full"
        self.rebuild = rebuild
        self.work = work
        self.figures: list[Figure] = []
        self.env = {
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
        }
        os.environ.update(self.env)  # the in-process benchmarks read no personal config either
        # Bytecode as an install has it: pip compiles what it installs, and a first run of an
        # editable checkout writes it, unless PYTHONDONTWRITEBYTECODE is set (as on some CI
        # machines), when every spawned app would compile mentor_tui from source at each start.
        compileall.compile_dir(ROOT / "mentor_tui", quiet=1)
        self.data = dataset.demo_dataset(
            self.sizes["students"], self.sizes["mentors"], rebuild=rebuild, log=log
        )
        self.store = self.copy(self.data, "store.db")  # shared by the figures that only read

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        log(progress_line(figure))

    def copy(self, data: dataset.Dataset, name: str) -> Path:
        target = self.work / name
        shutil.copyfile(data.path, target)
        return target

    def restore_env(self) -> None:
        """After a benchmark that started servers with environments of their own."""
        os.environ.update(self.env)
