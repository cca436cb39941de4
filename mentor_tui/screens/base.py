"""The base of every screen: database work in thread workers, results back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from mentor_tui.core.access import Actor
from mentor_tui.services import Services

if TYPE_CHECKING:
    from mentor_tui.app import MentorApp

T = TypeVar("T")


class MentorScreen(Screen):
    """A screen of the signed-in app."""

    @property
    def mentor_app(self) -> MentorApp:
        return self.app  # type: ignore[return-value]

    @property
    def services(self) -> Services:
        return self.mentor_app.services

    @property
    def actor(self) -> Actor:
        actor = self.services.actor
        assert actor is not None, "screens of the signed-in app need a signed-in user"
        return actor

    def run_db(
        self,
        job: Callable[[Session], T],
        done: Callable[[T], Any],
        *,
        group: str,
        exclusive: bool = True,
    ) -> Worker[None]:
        """Run ``job`` in a thread with its own transaction; call ``done(result)`` on the UI thread.

        Errors are not swallowed: the worker fails and the app shows the error.
        """
        return self.run_worker(
            partial(self._db_job, job, done),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            name=group,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.mentor_app.report_worker_failure(event)

    def _db_job(self, job: Callable[[Session], T], done: Callable[[T], Any]) -> None:
        result = self.services.run(job)
        if not get_current_worker().is_cancelled:  # a newer job of the same group replaced this one
            self.app.call_from_thread(done, result)
