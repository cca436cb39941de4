"""What every figure of a run shares: the sizes (full or --quick), the cached demo store and a
working copy of it, a scratch folder, the environment of the processes it starts, and the
figures taken so far. A figure is a function ``measure(run: BenchRun) -> None`` that calls
``run.add(Figure(...))`` for each figure it takes (see ``run.py``'s ``FIGURES``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dataset
from report import Figure, log, progress_line

ADMIN = "admin@example.org"
FULL = {"students": 50_000, "mentors": 2_000, "list_students": 100_000, "match": (10_000, 500)}
QUICK = {"students": 600, "mentors": 30, "list_students": 600, "match": (1_000, 50)}


class BenchRun:
    def __init__(self, quick: bool, rebuild: bool, work: Path) -> None:
        self.sizes = QUICK if quick else FULL
        self.quick = quick
        self.rebuild = rebuild
        self.work = work
        self.figures: list[Figure] = []
        self.env = {
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
        }
        os.environ.update(self.env)  # the in-process benchmarks read no personal config either
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
