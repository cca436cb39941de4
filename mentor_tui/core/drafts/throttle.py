"""When an editor writes its draft: a debounce with a maximum wait (issue 15). No database
import, so an editor can hold one from its first frame."""

from __future__ import annotations

# When to write: about QUIET seconds after the last key, and never later than MAX_WAIT after
# the first key not written yet, however fast the typing; the write's own time comes on top, so
# every key is in the store about a second after it was typed.
QUIET_SECONDS = 0.5
MAX_WAIT_SECONDS = 0.8


class SaveClock:
    """When an editor's unsaved text is written: `typed` after each change returns the seconds
    to wait before writing (restart the timer with it); `written` once it is taken to write.
    Pure arithmetic on the times given, so the throttle is tested without a clock."""

    def __init__(self, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self.unsaved_since: float | None = None

    def typed(self, now: float) -> float:
        if self.unsaved_since is None:
            self.unsaved_since = now
        wait = min(self.quiet, self.unsaved_since + self.max_wait - now)
        return max(wait, 0.001)  # past the bound (keys queued behind a busy loop): now

    def written(self) -> None:
        self.unsaved_since = None
