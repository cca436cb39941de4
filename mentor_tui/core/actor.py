"""Who is acting: the signed-in user every core query and write takes.

Kept apart from ``core/access.py`` (which re-exports it) so that the app can paint its first
frame, which names the signed-in user, without importing SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentor_tui.db.models import User


@cache
def _known_zone(name: object) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(str(name))
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


@dataclass(frozen=True)
class Actor:
    """Who is acting: every core query and write takes one."""

    id: str
    role: str
    email: str
    full_name: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        # a time zone this machine does not know (pulled from an older server, say) shows times
        # in UTC rather than stopping every screen and verb that shows a time
        if not _known_zone(self.timezone):
            object.__setattr__(self, "timezone", "UTC")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"

    @property
    def is_student(self) -> bool:
        return self.role == "student"

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.role, user.email, user.full_name, user.timezone)
