"""What the status bar shows about sync: a plain record, read in a worker thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SyncView:
    """What the status bar shows about sync (read in a worker thread)."""

    linked: bool
    pending: int
    conflicts: int = 0
    online: bool | None = None  # None: not known yet
    logged_out: bool = False
    syncing: bool = False
    retrying: str | None = None  # "server not answering, retrying in 8 s, attempt 2 of 6"
    stopped: bool = False  # the person stopped the sync under way (ctrl+c)
    last_sync_at: datetime | None = None


__all__ = ["SyncView"]
