"""Who ``settings.sign_in`` would sign in, read with the standard library alone.

Opening the app paints its first frame (which names the signed-in user) before SQLAlchemy is
imported; the store itself is opened, migrated and the sign-in made for real (``sign_in``,
which also remembers the user) in a worker right after that frame. This peek reads the same
rows as ``access.actor_for_email``: the live user with that email, unless inactive. Whenever it
cannot answer with certainty (no file, not a store, a schema revision other than HEAD, no user
given and none remembered, no such user, an inactive one, a user other than the server account
the store is linked to, a locked file) it returns ``None`` and
the caller takes the full path, which says what is wrong in one sentence.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mentor_tui.core.actor import Actor
from mentor_tui.db.migrations import HEAD  # a constant: that module loads sqlite3 alone

LAST_USER = "last_user_email"  # settings.LAST_USER (tests/test_sign_in_peek.py checks)


def peek_actor(path: Path, email: str | None) -> Actor | None:
    """The user ``sign_in(session, email)`` would return, or ``None`` to take the full path."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(HEAD,)]:
            return None
        link = conn.execute(
            "SELECT account_email FROM sync_state WHERE id = 1 "
            "AND server_url IS NOT NULL AND account_id IS NOT NULL"
        ).fetchone()
        if link is not None and link[0] is not None:  # settings.sign_in: only that account
            if email is not None and email.strip().lower() != link[0]:
                return None
            email = link[0]
        if email is None:
            remembered = conn.execute(
                "SELECT value FROM settings WHERE key = ?", (LAST_USER,)
            ).fetchone()
            if remembered is None:
                return None
            email = remembered[0]
        row = conn.execute(
            "SELECT id, role, email, full_name, timezone, status FROM users "
            "WHERE email = ? AND deleted_at IS NULL",
            (email.strip().lower(),),
        ).fetchone()
    except sqlite3.Error:  # not a store, a damaged one, a locked one: the full path says which
        return None
    finally:
        conn.close()
    if row is None or row[5] == "Inactive":
        return None
    return Actor(id=row[0], role=row[1], email=row[2], full_name=row[3], timezone=row[4])
