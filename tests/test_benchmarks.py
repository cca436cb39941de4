"""The benchmark runner keeps working: `benchmarks/run.py --smoke --json F` runs every benchmark
once on the smallest store and writes and prints every figure. How fast is never asserted
(timings are a report); `--quick` and the full run differ from `--smoke` only in their sizes and
repeats (benchmarks/context.py)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"name", "figure", "value", "unit", "target", "anchor", "ratio", "ok", "note"}


def _names() -> tuple[str, ...]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return run.NAMES


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(figures, list)
    # the learning platform bridge's figures need a PostgreSQL database (skipped without one)
    with_postgres = any(
        os.environ.get(v) for v in ("MENTOR_TUI_BENCH_DATABASE_URL", "MENTOR_TUI_TEST_DATABASE_URL")
    )
    expected = [n for n in _names() if with_postgres or not n.startswith("lms_")]
    assert [f["name"] for f in figures] == expected
    for figure in figures:
        assert FIELDS <= figure.keys(), figure
        assert isinstance(figure["value"], int | float) and math.isfinite(figure["value"])
        assert figure["value"] > 0, figure
        assert figure["unit"] and figure["target"], figure
        if figure["anchor"] is None:
            assert figure["ratio"] is None
        else:
            assert figure["anchor"] > 0
            assert figure["ratio"] == figure["value"] / figure["anchor"]
    # the anchored figures of the issue carry their anchor
    anchored = {f["name"] for f in figures if f["anchor"] is not None}
    assert {"start_admin", "start_mentor", "demo_build", "peak_rss_admin", "sync_pull"} <= anchored
    # the output says on what machine (cores and CPU model) the figures were measured
    assert re.search(r"^machine: \d+ cores, .+, Python 3\.\d+", done.stdout, re.MULTILINE)
    # the printed table names every figure
    for figure in figures:
        assert figure["figure"] in done.stdout
