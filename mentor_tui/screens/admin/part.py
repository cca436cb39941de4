"""What the parts of the admin screen (key `6`) share: each pane's logic is a part of
``AdminScreen`` in its own module (``admin_mentors``, ``admin_assign``, ``admin_matching``), and
every part builds on this base."""

from __future__ import annotations

from mentor_tui.config import Config
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import DataChanged


class AdminPart(MentorScreen):
    """The admin screen's shared helpers; the panes' parts call one another through these."""

    @property
    def config(self) -> Config:
        return self.services.config

    def _wrote(self, message: str) -> None:
        """A write finished: say so and reload everything it may have changed."""
        self.notify(message, markup=False)
        self.post_message(DataChanged("admin"))

    def action_pane(self, pane: str) -> None:
        raise NotImplementedError  # AdminScreen switches panes

    def show_mentor_students(self, mentor_id: str, mentor_name: str) -> None:
        raise NotImplementedError  # the assignment part lists one mentor's students
