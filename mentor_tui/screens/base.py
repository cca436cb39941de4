"""The base of every screen: database work in thread workers, results back on the UI thread.

Every screen of the app subclasses :class:`MentorScreen` (a full screen) or :class:`MentorModal`
(a dialog pushed over another). :meth:`MentorScreen.run_db` is the one way to run blocking work
off the UI thread; a person's mistake (``UserError``) comes back to :meth:`MentorScreen.refused`
as the core's one sentence, anything else fails the worker loudly."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.binding import Binding, BindingType
from textual.reactive import Reactive
from textual.screen import ModalScreen, ScreenResultType
from textual.worker import Worker, get_current_worker

from mentor_tui.errors import UserError
from mentor_tui.widgets.seams import FirstShowStyles

if TYPE_CHECKING:  # the first frame paints without SQLAlchemy
    from sqlmodel import Session
    from textual.widget import Widget

    from mentor_tui.core.actor import Actor
    from mentor_tui.core.services import Services
    from mentor_tui.widgets.host import MentorHost

T = TypeVar("T")


class MentorScreen(FirstShowStyles[ScreenResultType]):
    """A screen of the app.

    `tab` goes to the next unread conversation or notification from anywhere (issue 17: the
    app's ``next_unread``, which opens screen 7 on it); in a dialog, in a field being typed
    in, or before anyone has signed in it moves the focus on as usual."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "tab", "Next unread", show=False, id="app.next_unread"),
    ]
    # Textual repaints the whole screen when focus moves; the widget that loses it and the one
    # that gets it repaint themselves (Blur, Focus), and styles that follow the focus are
    # updated by `set_focus`. So a focus move repaints those two, not every line of the screen
    # (issue #21: the review queue's feedback editor and list, the filter boxes and their lists,
    # a form's fields, a dialog's buttons).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @property
    def mentor_app(self) -> MentorHost:
        return cast("MentorHost", self.app)

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
        """Run ``job`` in a thread with its own transaction (rolled back on any error); call
        ``done(result)`` on the UI thread, unless a newer job of the same group replaced it.

        A ``UserError`` goes to :meth:`refused` as its sentence; any other error fails the
        worker and the app shows it."""
        return self.run_worker(
            partial(self._db_job, job, done),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
            name=group,
        )

    async def action_tab(self) -> None:
        from textual.widgets import Input, TextArea

        typing = isinstance(self.focused, (Input, TextArea))
        if typing or isinstance(self, ModalScreen) or self.services.actor is None:
            self.focus_next()
        else:
            await self.app.run_action("next_unread")

    def refused(self, sentence: str) -> None:
        """A person's mistake, as the core's one sentence: a warning by default."""
        self.notify(sentence, severity="warning", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.mentor_app.report_worker_failure(event)

    def _db_job(self, job: Callable[[Session], T], done: Callable[[T], Any]) -> None:
        try:
            result = self.services.run(job)
        except UserError as error:
            self.app.call_from_thread(self.refused, str(error))
            return
        if not get_current_worker().is_cancelled:  # a newer job of the same group replaced it
            self.app.call_from_thread(done, result)


class MentorModal(MentorScreen[ScreenResultType], ModalScreen[ScreenResultType]):
    """A dialog pushed over another screen (Textual's full styling on its first show).

    A dialog stops the app's keys, so it has its own `?` (issue #22: help on every screen;
    where a text box has the focus, `?` is a letter of the text instead, and f1 opens help)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help", id="modal.help", key_display="?"),
        Binding("f1", "app.help_in_text", "Help", id="modal.help_text"),
    ]


__all__ = ["MentorModal", "MentorScreen"]
