"""Offline-first sync: the client side (and the protocol and scopes the server shares).

The app and the CLI use these; see docs/sync.md for the protocol.
"""

from mentor_tui.sync.client import (
    LoginReport,
    SyncReport,
    login,
    logout,
    pending_change_count,
    sync_once,
    sync_status,
    wait_for_changes,
)
from mentor_tui.sync.conflicts import (
    KEEP_MINE,
    KEEP_THEIRS,
    Conflict,
    list_conflicts,
    open_conflict_count,
    resolve_conflict,
)
from mentor_tui.sync.http import LoggedOut, ServerRefused, ServerUnavailable

__all__ = [
    "KEEP_MINE",
    "KEEP_THEIRS",
    "Conflict",
    "LoggedOut",
    "LoginReport",
    "ServerRefused",
    "ServerUnavailable",
    "SyncReport",
    "list_conflicts",
    "login",
    "logout",
    "open_conflict_count",
    "pending_change_count",
    "resolve_conflict",
    "sync_once",
    "sync_status",
    "wait_for_changes",
]
