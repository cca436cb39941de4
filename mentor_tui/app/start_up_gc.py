"""No full garbage collection while the app starts (issue #21).

Start-up makes hundreds of thousands of objects that live as long as the app (modules, classes,
styles, widgets, the ORM's mappers), and Python's full collections walked them all three or four
times before the dashboard's figures were on screen: 0.2 s of CPU on the 50,000-student demo,
out of 1.3 s. ``defer_full_collections`` (``commands/open_app.py``, before the app's imports)
keeps the young generations collected, so start-up's short-lived cycles are freed as before,
and puts full collections off until ``resume_full_collections`` (the home screen's figures
painted, ``MentorApp.home_figures_painted``, or the app's end); the app then freezes what
start-up left alive (``MentorApp._freeze_long_lived_objects``).
"""

from __future__ import annotations

import gc

NEVER = 1_000_000_000
"""A full collection after this many collections of the middle generation: none, in practice."""

_deferred: list[tuple[int, int, int]] = []  # the thresholds to go back to, while deferred


def defer_full_collections() -> None:
    """Put full collections off (once; a second call while deferred does nothing)."""
    if _deferred:
        return
    young, middle, old = gc.get_threshold()
    _deferred.append((young, middle, old))
    gc.set_threshold(young, middle, NEVER)


def resume_full_collections() -> None:
    """The thresholds from before ``defer_full_collections``; nothing if not deferred."""
    if _deferred:
        gc.set_threshold(*_deferred.pop())


__all__ = ["defer_full_collections", "resume_full_collections"]
