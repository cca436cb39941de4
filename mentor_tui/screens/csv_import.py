"""Import users from a CSV file: the path, then a progress bar while the import runs in a
worker (all lines or none; the core reports each bad line)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, ProgressBar, Static


class CsvImportScreen(ModalScreen[None]):
    """``run(path, finished)`` imports in a worker; ``finished(ok)`` is called on the UI thread
    when it is over (ok False: refused, the path stays for another try)."""

    CSS_PATH = "csv_import.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="csv_import.cancel"),
    ]

    def __init__(self, run: Callable[[str, Callable[[bool], None]], object]) -> None:
        super().__init__()
        self._run = run
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="csv-box"):
            yield Static("Import users from CSV", id="csv-title")
            yield Label("File path (header: email, full_name, role, ...)")
            yield Input(id="csv-path")
            yield ProgressBar(total=None, show_eta=False, id="csv-progress", classes="hidden")
            yield Static("enter imports · escape cancels", id="csv-hint", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#csv-path", Input).focus()

    @on(Input.Submitted, "#csv-path")
    def _start(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if self._busy or not path:
            return
        self._busy = True
        self.query_one("#csv-progress").remove_class("hidden")
        self.query_one("#csv-hint", Static).update("Importing…")
        self._run(path, self._finished)

    def _finished(self, ok: bool) -> None:
        self._busy = False
        if ok:
            self.dismiss(None)
            return
        self.query_one("#csv-progress").add_class("hidden")
        self.query_one("#csv-hint", Static).update("enter imports · escape cancels")

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)
