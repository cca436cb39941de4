"""The base of every screen: database work in thread workers, results back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual._context import NoActiveAppError
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:  # the first frame paints without SQLAlchemy
    from sqlmodel import Session

    from mentor_tui.app.main import MentorApp
    from mentor_tui.core.actor import Actor
    from mentor_tui.core.services import Services

T = TypeVar("T")


class MentorScreen(Screen):
    """A screen of the signed-in app."""

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        # A new screen has no widgets yet, so no styles to refresh: marking it current with the
        # app's CSS spares the two full re-parses of every stylesheet that Textual's switch_mode
        # runs for a screen it has not shown before (its own CSS is still loaded and applied).
        # A pushed modal draws over the screen below and needs Textual's full styling on show
        # (its own CSS was seen to be skipped otherwise), so it keeps Textual's usual path.
        self._styles_fresh = not isinstance(self, ModalScreen)  # until the first frame shown
        if self._styles_fresh:
            try:
                self._css_update_count = self.app._css_update_count
            except NoActiveAppError:
                pass

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """On its first show a screen's widgets were styled by their mount a moment ago, so
        Textual's re-style of every widget on resume (two, for a mode's first show) is skipped
        until that first frame; later resumes re-style as usual. Runs before Screen's handler."""
        if self._styles_fresh:
            event.refresh_styles = False
            self.call_after_refresh(setattr, self, "_styles_fresh", False)

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
