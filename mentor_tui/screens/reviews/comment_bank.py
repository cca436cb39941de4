"""The comment bank: the reviewer's reusable feedback snippets, opened from the feedback editor
(ctrl+b). enter inserts the highlighted snippet; n adds, e edits, d deletes one. The list and
the editor are the shared text library's (``text_library.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import BindingType

from mentor_tui.core.reviews.comment_bank import (
    add_snippet,
    delete_snippet,
    list_snippets,
    update_snippet,
)
from mentor_tui.core.text import clean_line
from mentor_tui.screens.text_library import (
    TextEditorForm,
    TextLibraryScreen,
    editor_bindings,
    library_bindings,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.actor import Actor


@dataclass(frozen=True)
class Snippet:
    id: str
    title: str
    body: str


class CommentBankScreen(TextLibraryScreen[Snippet]):
    """Dismisses with the chosen snippet's text, or None. A snippet is deleted without asking:
    it is one line of the reviewer's own and quick to write again."""

    CSS_PATH = "comment_bank.tcss"
    HELP_TITLE = "Comment bank"
    BINDINGS: ClassVar[list[BindingType]] = library_bindings(
        "bank", "snippet", enter=("insert", "Insert snippet")
    )
    HEADING = "Comment bank"
    NOUN = "snippet"
    BOX_ID = "bank-box"
    LIST_ID = "bank-list"
    EMPTY = "No snippets yet: n adds one."
    TOPIC = "comment_bank"
    CONFIRM_DELETE = False

    def fetch(self, session: Session, actor: Actor) -> list[Snippet]:
        return [Snippet(s.id, s.title, s.body) for s in list_snippets(session, actor)]

    def discard(self, session: Session, actor: Actor, item: Snippet) -> None:
        delete_snippet(session, actor, item.id)

    def editor(self, item: Snippet | None) -> SnippetForm:
        return SnippetForm(item)

    def prompt(self, item: Snippet) -> Text:
        first = item.body.strip().splitlines()[0] if item.body.strip() else ""
        prompt = Text(clean_line(item.title), style="bold")
        prompt.append("  ")
        prompt.append(clean_line(first), style="dim")
        prompt.truncate(70, overflow="ellipsis")
        return prompt

    def keys_line(self) -> str:
        return "enter insert · n new · e edit · d delete · escape close"

    def choose(self, item: Snippet) -> None:
        self.dismiss(item.body)


class SnippetForm(TextEditorForm[Snippet]):
    """Add a snippet (``item`` None) or edit one; dismisses with its id once saved. A refusal
    (no title, a duplicate title, no text) shows its sentence and the form stays."""

    CSS_PATH = "comment_bank.tcss"
    HELP_TITLE = "Snippet"
    BINDINGS: ClassVar[list[BindingType]] = editor_bindings("snippet", "snippet")
    NOUN = HEADING_NOUN = "snippet"
    TOPIC = "comment_bank"
    BOX_ID = "snippet-box"
    TITLE_ID = "snippet-title"
    BODY_ID = "snippet-body"
    STATUS_ID = "snippet-error"

    def body_of(self, item: Snippet) -> str:
        return item.body

    def store(self, session: Session, actor: Actor, title: str, body: str) -> str:
        if self.item is None:
            return add_snippet(session, actor, title, body).id
        return update_snippet(session, actor, self.item.id, title=title, body=body).id
