"""The at-risk rules' numbers, in a module of their own that imports nothing: the dashboard's
early count (``core/analytics/summary_counts.py``) reads them before SQLAlchemy is loaded."""

from __future__ import annotations

IDLE_DAYS = 14
"""No activity (progress or a submission) for this many days: at risk."""
BEHIND_POINTS = 25.0
"""Completion this many points or more below the cohort average: at risk."""
RECENT_SESSIONS = 5
"""How many of a student's latest past sessions the missed-sessions rule looks at."""
NO_SHOW_LIMIT = 2
"""No-shows among those sessions that make a student at risk."""

__all__ = ["BEHIND_POINTS", "IDLE_DAYS", "NO_SHOW_LIMIT", "RECENT_SESSIONS"]
