"""An import dialog: the path, then a progress bar while the import runs in a worker (all or
nothing; the core reports each bad line). Users from a CSV file (key `i` in the Mentors pane) and
learning records from JSON Lines or a CSV folder (key `I`) share it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Static

from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter

IDLE_HINT = "enter imports · escape cancels"

ImportRunner = Callable[[str, Callable[[int, int], None], Callable[[bool], None]], object]
"""``run(path, progress, finished)``: starts the import in a worker; the worker calls
``progress(done, total)`` as rows are written, and ``finished(ok)`` is
called on the UI thread when it is over."""


class CsvImportScreen(MentorModal[None]):
    """The path box and the progress bar. ``finished(ok)`` False: the file was refused, the path
    stays for another try."""

    CSS_PATH = "csv_import.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="csv_import.cancel"),
    ]

    def __init__(
        self,
        run: ImportRunner,
        *,
        title: str = "Import users from CSV",
        label: str = "File path (header: email, full_name, role, ...)",
        writing: str = "Writing users: {done:,} of {total:,} rows",
    ) -> None:
        super().__init__()
        self._run = run
        self._title, self._label, self._writing = title, label, writing
        self._busy = False
        self.last_progress: tuple[int, int] | None = None
        """The bar's latest (progress, total), as it shows them."""

    def compose(self) -> ComposeResult:
        with Vertical(id="csv-box"):
            yield Static(self._title, id="csv-title", markup=False)
            yield Label(self._label, markup=False)
            yield Input(id="csv-path")
            yield ProgressBar(total=None, show_eta=False, id="csv-progress", classes="hidden")
            yield Static(IDLE_HINT, id="csv-hint", classes="muted", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#csv-path", Input).focus()

    @on(Input.Submitted, "#csv-path")
    def _start(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if self._busy or not path:
            return
        self._busy = True
        self.last_progress = None
        bar = self.query_one("#csv-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.remove_class("hidden")
        self.query_one("#csv-hint", Static).update("Checking every line…")
        self._run(path, self.report_progress, self._finished)

    def report_progress(self, done: int, total: int) -> None:
        """Called from the import's worker thread (every so many rows): shows the figures on
        the UI thread and waits for it, so the bar is never behind the end of the import."""
        self.app.call_from_thread(self._show_progress, done, total)

    def _show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#csv-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.last_progress = (int(bar.progress), int(bar.total or 0))
        self.query_one("#csv-hint", Static).update(self._writing.format(done=done, total=total))

    def _finished(self, ok: bool) -> None:
        self._busy = False
        if ok:
            self.dismiss(None)
            return
        self.query_one("#csv-progress").add_class("hidden")
        self.query_one("#csv-hint", Static).update(IDLE_HINT)

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)
