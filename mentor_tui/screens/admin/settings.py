"""The settings screen (`S` on the admin screen): every setting with its meaning, default,
current value and where that comes from. Enter on a row opens its value for editing; enter
saves, through the core's checks (a bad value is one sentence and nothing changes), escape
cancels. A program setting (SPEC section 3) is a synced row every client of the program uses;
the others go into this machine's config file, comments kept. The app uses the new value at
once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from mentor_tui.config import Config, load_config
from mentor_tui.core.people.program_settings import (
    SettingView,
    list_settings,
    program_config,
    set_setting,
)
from mentor_tui.core.text import editable_line
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.key_footer import KeyFooter


def shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class SettingsScreen(MentorModal[None]):
    CSS_PATH = "settings.tcss"
    HELP_TITLE = "Settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel / close", id="settings.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._views: list[SettingView] = []
        self._editing: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box"):
            yield Static("Settings · enter changes the value · escape closes", id="settings-title")
            yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="settings-meaning", markup=False)
            yield Input(id="settings-value", classes="hidden", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#settings-table", DataTable)
        table.add_columns("Setting", "Value", "Default", "From", "For")
        table.focus()
        self._load()

    def _load(self) -> None:
        self.run_db(lambda s: list_settings(s, load_config()), self._show, group="settings-load")

    def _show(self, views: list[SettingView]) -> None:
        self._views = views
        table = self.query_one("#settings-table", DataTable)
        row = table.cursor_row
        table.clear()
        for v in views:
            table.add_row(
                user_text(v.key),
                Text(shown(v.value), style="bold" if v.value != v.default else ""),
                Text(shown(v.default), style="dim"),
                Text(v.source),
                Text("the program" if v.scope == "program" else "this machine"),
                key=v.key,
            )
        if views:
            table.move_cursor(row=min(row, len(views) - 1))

    def _current(self) -> SettingView | None:
        row = self.query_one("#settings-table", DataTable).cursor_row
        return self._views[row] if 0 <= row < len(self._views) else None

    @on(DataTable.RowHighlighted, "#settings-table")
    def _highlighted(self) -> None:
        view = self._current()
        if view is not None:
            self.query_one("#settings-meaning", Static).update(f"{view.key}: {view.meaning}")

    @on(DataTable.RowSelected, "#settings-table")
    def _selected(self) -> None:
        view = self._current()
        if view is None:
            return
        self._editing = view.key
        box = self.query_one("#settings-value", Input)
        box.value = editable_line(shown(view.value))
        box.remove_class("hidden")
        box.focus()

    @on(Input.Submitted, "#settings-value")
    def _save(self, event: Input.Submitted) -> None:
        key, text = self._editing, event.value
        if key is None:
            return
        actor = self.actor

        def job(session: Session) -> tuple[SettingView, Config, Config]:
            view = set_setting(session, actor, key, text, file_config=load_config())
            file_config = load_config()  # a local key was just written into it
            return view, file_config, program_config(session, file_config)

        def done(result: tuple[SettingView, Config, Config]) -> None:
            view, file_config, config = result
            self.services.file_config = file_config
            self.services.config = config  # the app uses it from now on
            self.notify(f"{view.key} = {shown(view.value)}", markup=False)
            self._close_editor()
            self._load()

        self.run_db(job, done, group="settings-save")

    def _close_editor(self) -> None:
        self._editing = None
        self.query_one("#settings-value", Input).add_class("hidden")
        self.query_one("#settings-table", DataTable).focus()

    def action_close(self) -> None:
        if self._editing is not None:
            self._close_editor()
        else:
            self.dismiss(None)
