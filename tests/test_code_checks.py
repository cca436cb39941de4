"""The checks that keep the code in shape, run by the suite so that README's test command (and
so CI) fails when any fails: ruff (lint and format), mypy --strict on the core, and
import-linter's layer contracts (all configured in pyproject.toml, installed by the test extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = ["mentor_tui", "tests", "benchmarks", "tools"]

CHECKS = {
    "ruff check": ["ruff", "check", *SOURCES],
    "ruff format": ["ruff", "format", "--check", *SOURCES],
    "mypy --strict on the core": ["mypy", "mentor_tui/core"],
    "import-linter": ["lint-imports"],
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_code_passes(name: str) -> None:
    tool, *args = CHECKS[name]
    done = subprocess.run(
        [str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
