"""Report export: ``mentor-tui report program --format md --out FILE`` and ``mentor-tui report
mentors --format csv --out FILE`` as an admin runs them, each a fresh process on a copy of the
demo store, timed from just before the spawn to its exit (the file written), median of three
(one in --quick). Target: the issue 19 figure, every program figure and the per-mentor table
ready in <= 2 s. Anchor: ``mentor-tui --version`` spawned the same way (the CLI's own start),
so the ratio shows what the report adds to starting the command.

    python benchmarks/report_export.py STORE ADMIN_EMAIL   # prints the figures as JSON
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 2.0
EXPORTS = (  # (figure name, report, format, what)
    ("report_export_program", "program", "md", "export program report (Markdown), admin, CLI"),
    ("report_export_mentors", "mentors", "csv", "export per-mentor table (CSV), admin, CLI"),
)


def _timed(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Seconds from the spawn to the exit; the child's CPU seconds (user + system) appended to
    ``cpu`` (on a busy shared machine the wall time waits for a core, the CPU time does not)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[2:])} failed: {done.stderr.strip()}")
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def measure(store: Path, admin_email: str, runs: int = 3) -> list[dict[str, Any]]:
    """The figures as dicts with ``run.Figure``'s fields."""
    env = dict(os.environ)
    cli = [sys.executable, "-m", "mentor_tui"]
    anchors: list[float] = []
    samples: dict[str, list[float]] = {name: [] for name, *_ in EXPORTS}
    cpu: dict[str, list[float]] = {name: [] for name, *_ in EXPORTS}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="mentor-bench-export-") as folder:
        for _ in range(runs):  # interleaved, so a busy moment of the machine hits all alike
            anchors.append(_timed([*cli, "--version"], env))
            for name, kind, fmt, _what in EXPORTS:
                out = Path(folder) / f"{kind}.{fmt}"
                argv = [*cli, "report", kind, "--db", str(store), "--user", admin_email]
                command = [*argv, "--format", fmt, "--out", str(out)]
                samples[name].append(_timed(command, env, cpu[name]))
                sizes[name] = out.stat().st_size
    anchor = statistics.median(anchors)
    figures = []
    for name, _kind, _fmt, what in EXPORTS:
        value = statistics.median(samples[name])
        figures.append(
            {
                "name": name,
                "figure": what,
                "value": value,
                "unit": "s",
                "target": f"<= {TARGET_SECONDS:g} s",
                "anchor": anchor,
                "ratio": value / anchor if anchor else None,
                "ok": value <= TARGET_SECONDS,
                "note": f"median of {runs}, {sizes[name]:,} bytes written, CPU "
                f"{statistics.median(cpu[name]):.2f} s; anchor: mentor-tui --version",
            }
        )
    return figures


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), sys.argv[2]), indent=2))
