"""The top-level areas (the app's modes): their keys, titles and screens, and who has each."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen

from mentor_tui.core.actor import Actor


@dataclass(frozen=True)
class Area:
    """A top-level area: its key, mode name, title and screen ("module:Class" under screens)."""

    key: str
    mode: str
    title: str
    screen: str
    admin_only: bool = False
    roles: tuple[str, ...] = ("admin", "mentor")  # who has the area (a student has their own)

    def open_to(self, actor: Actor | None) -> bool:
        if actor is None:
            return False
        if self.admin_only:
            return actor.is_admin
        return actor.role in self.roles


# A key exists only for an area that is built; admin-only areas have no key for others.
STUDENT = ("student",)
AREAS: list[Area] = [
    Area("1", "dashboard", "Dashboard", "dashboard:DashboardScreen"),
    Area("2", "students", "Students", "students.students:StudentsScreen"),
    Area("3", "reviews", "Review queue", "reviews.queue:ReviewQueueScreen"),
    Area("4", "notes", "Notes", "notes.notes:NotesScreen"),
    Area("5", "calendar", "Calendar", "calendar.calendar:CalendarScreen"),
    Area("6", "admin", "Admin", "admin.admin:AdminScreen", admin_only=True),
    Area("7", "inbox", "Messages", "inbox.inbox:InboxScreen", roles=("admin", "mentor", "student")),
    Area("8", "peers", "Peers", "peers.peers:PeersScreen", roles=("admin", "mentor")),
    # a student's own areas, on the mentor's keys (issue 20)
    Area("1", "my_progress", "My progress", "student.home:StudentHomeScreen", roles=STUDENT),
    Area("2", "my_work", "My work", "student.work:MyWorkScreen", roles=STUDENT),
    Area("3", "my_feedback", "Feedback", "student.work:FeedbackScreen", roles=STUDENT),
    Area("5", "my_calendar", "Calendar", "student.calendar:MyCalendarScreen", roles=STUDENT),
    Area("8", "my_peers", "Peers", "student.peers:MyPeersScreen", roles=STUDENT),
]


def home_mode(actor: Actor) -> str:
    """The area an account opens on: a student's progress, everyone else's dashboard."""
    return "my_progress" if actor.is_student else "dashboard"


def area_screen(area: Area) -> Screen:
    module_name, class_name = area.screen.split(":")
    module = importlib.import_module(f"mentor_tui.screens.{module_name}")
    return getattr(module, class_name)()
