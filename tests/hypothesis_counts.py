"""How many examples a property test draws, by Hypothesis profile (HYPOTHESIS_PROFILE; conftest
loads it). "ci", the default, keeps the suite within its time: a quarter of the thorough count,
never fewer than 50 (nor more than the thorough count), so each property still meets dozens of
random cases on every run and, run after run, new ones. "thorough" draws the full count: run
it after changing what a property covers (HYPOTHESIS_PROFILE=thorough pytest tests/test_...)."""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "thorough"):
    raise ValueError(f"HYPOTHESIS_PROFILE is {PROFILE!r}: it must be 'ci' or 'thorough'")
FLOOR = 50

settings.register_profile("ci", deadline=None)
settings.register_profile("thorough", deadline=None)


def examples(thorough: int) -> int:
    """The examples to draw for a test whose thorough run draws ``thorough``."""
    if PROFILE == "thorough":
        return thorough
    return min(thorough, max(FLOOR, thorough // 4))
