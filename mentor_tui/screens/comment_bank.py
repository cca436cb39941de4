"""The comment bank: the reviewer's reusable feedback snippets, opened from the feedback editor
(ctrl+b). enter inserts the highlighted snippet; n adds, e edits, d deletes one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from mentor_tui.core.comment_bank import add_snippet, delete_snippet, list_snippets, update_snippet
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.messages import DataChanged
from mentor_tui.screens.base import MentorScreen


@dataclass(frozen=True)
class Snippet:
    id: str
    title: str
    body: str


def _snippets(session, actor) -> list[Snippet]:
    return [Snippet(s.id, s.title, s.body) for s in list_snippets(session, actor)]


class CommentBankScreen(MentorScreen, ModalScreen[str | None]):
    """Dismisses with the chosen snippet's text, or None."""

    CSS_PATH = "comment_bank.tcss"
    HELP_TITLE = "Comment bank"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "insert", "Insert snippet", id="bank.insert"),
        Binding("n", "new", "New snippet", id="bank.new"),
        Binding("e", "edit", "Edit snippet", id="bank.edit"),
        Binding("d", "delete", "Delete snippet", id="bank.delete"),
        Binding("escape", "close", "Close", id="bank.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._snippets: dict[str, Snippet] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="bank-box"):
            yield Static("Comment bank", classes="section-title", markup=False)
            yield OptionList(id="bank-list")
            yield Static(
                "enter insert · n new · e edit · d delete · escape close",
                classes="muted",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    def _load(self, select: str | None = None) -> None:
        actor = self.actor
        self.run_db(
            lambda s: _snippets(s, actor), lambda rows: self._show(rows, select), group="bank-load"
        )

    def _show(self, rows: list[Snippet], select: str | None) -> None:
        self._snippets = {row.id: row for row in rows}
        options = self.query_one(OptionList)
        keep = select or self._highlighted_id()
        options.clear_options()
        if not rows:
            options.add_option(
                Option(Text("No snippets yet: n adds one.", style="dim"), disabled=True)
            )
            return
        for row in rows:
            prompt = Text(clean_line(row.title), style="bold")
            prompt.append("  ")
            prompt.append(
                clean_line(row.body.strip().splitlines()[0] if row.body.strip() else ""),
                style="dim",
            )
            prompt.truncate(70, overflow="ellipsis")
            options.add_option(Option(prompt, id=row.id))
        ids = [row.id for row in rows]
        options.highlighted = ids.index(keep) if keep in ids else 0

    def _highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.option_count == 0:
            return None
        option = options.get_option_at_index(options.highlighted)
        return option.id if option.id in self._snippets else None

    def _current(self) -> Snippet | None:
        key = self._highlighted_id()
        return self._snippets.get(key) if key else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_insert()

    def action_insert(self) -> None:
        snippet = self._current()
        if snippet is None:
            self.app.bell()
            return
        self.dismiss(snippet.body)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.app.push_screen(SnippetForm(None), self._saved)

    def action_edit(self) -> None:
        snippet = self._current()
        if snippet is None:
            self.app.bell()
            return
        self.app.push_screen(SnippetForm(snippet), self._saved)

    def _saved(self, snippet_id: str | None) -> None:
        if snippet_id:
            self._load(select=snippet_id)

    def action_delete(self) -> None:
        snippet = self._current()
        if snippet is None:
            self.app.bell()
            return
        actor = self.actor

        def done(_: None) -> None:
            self.notify(f"Deleted the snippet {clean_line(snippet.title)!r}.", markup=False)
            self.post_message(DataChanged("comment_bank"))
            self._load()

        self.run_db(lambda s: delete_snippet(s, actor, snippet.id), done, group="bank-write")


class SnippetForm(MentorScreen, ModalScreen[str | None]):
    """Add a snippet (``snippet`` None) or edit one; dismisses with its id once saved. A refusal
    (no title, a duplicate title, no text) shows as a notification and the form stays."""

    CSS_PATH = "comment_bank.tcss"
    HELP_TITLE = "Snippet"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save snippet", id="snippet.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="snippet.cancel", priority=True),
    ]

    def __init__(self, snippet: Snippet | None) -> None:
        super().__init__()
        self.snippet = snippet

    def compose(self) -> ComposeResult:
        with Vertical(id="snippet-box"):
            heading = "Edit snippet" if self.snippet else "New snippet"
            yield Static(heading, classes="section-title", markup=False)
            yield Input(
                self.snippet.title if self.snippet else "", placeholder="title", id="snippet-title"
            )
            yield TextArea(
                clean_text(self.snippet.body) if self.snippet else "",
                id="snippet-body",
                soft_wrap=True,
                tab_behavior="focus",
            )
            yield Static("ctrl+s save · escape cancel", classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one("#snippet-title", Input).focus()

    @on(Input.Submitted, "#snippet-title")
    def _next_field(self) -> None:
        self.query_one("#snippet-body", TextArea).focus()

    def action_save(self) -> None:
        title = self.query_one("#snippet-title", Input).value
        body = self.query_one("#snippet-body", TextArea).text
        actor = self.actor
        existing = self.snippet

        def job(session) -> str:
            if existing is None:
                return add_snippet(session, actor, title, body).id
            return update_snippet(session, actor, existing.id, title=title, body=body).id

        def done(snippet_id: str) -> None:
            self.post_message(DataChanged("comment_bank"))
            self.dismiss(snippet_id)

        self.run_db(job, done, group="snippet-save")

    def action_cancel(self) -> None:
        self.dismiss(None)
