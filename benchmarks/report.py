"""A run's figures: the `Figure` record, the table printed with each target and anchor, the
machine line, and the JSON list (``run.py --json``)."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Figure:
    name: str
    figure: str
    value: float
    unit: str
    target: str
    anchor: float | None
    ratio: float | None
    ok: bool
    note: str = ""


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def verdict(figure: Figure) -> str:
    return "ok" if figure.ok else "MISSES"


def progress_line(figure: Figure) -> str:
    value = f"{figure.value:,.3g}" if figure.value < 100 else f"{figure.value:,.0f}"
    return f"  {figure.name}: {value} {figure.unit} ({verdict(figure)} {figure.target})"


def _value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "target", "anchor", "ratio", "")]
    for f in figures:
        anchor_unit = "" if f.anchor is None else f.unit
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}x"
        rows.append((
            f.figure, _value(f.value, f.unit), f.target, _value(f.anchor, anchor_unit), ratio,
            verdict(f),
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def machine() -> str:
    """The machine the figures were measured on: cores, CPU model, Python (targets must hold on
    a 2-core machine like CI's, so every run says which it was)."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {model}, Python {platform.python_version()}"


SIZE_NAMES = {
    "full": "full (large store)",
    "quick": "quick (small store)",
    "smoke": "smoke (each figure once, smallest store: the timings mean nothing)",
}


def print_report(figures: list[Figure], *, size: str, seconds: float) -> None:
    print(f"\nmentor-tui benchmarks, {SIZE_NAMES[size]}, {seconds:.0f} s")
    print(f"machine: {machine()}\n")
    print(table(figures))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    print("\nnotes:\n" + "\n".join(notes))


def write_json(figures: list[Figure], path: Path) -> None:
    path.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n", encoding="utf-8")
