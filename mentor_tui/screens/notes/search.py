"""Full-text search over the signed-in mentor's notes (``ctrl+f`` on the notes screen).

Results come from ``core/note_search.py`` best first; each snippet's matches are styled from the
hit's ``ranges`` (the snippet itself is shown literally). Enter opens the note.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mentor_tui.core.notes import notes as core_notes
from mentor_tui.core.notes.notes import KIND_LABELS
from mentor_tui.core.notes.search import SearchHit
from mentor_tui.core.text import clean_line
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter

SEARCH_DELAY = 0.2
HIGHLIGHT = "bold reverse"


def hit_label(hit: SearchHit, timezone: str) -> Text:
    """Who, what kind, when; then the snippet with its matches highlighted. ``clean_line``
    swaps each control character for one character, so the ranges still line up."""
    label = Text()
    label.append(clean_line(hit.student_name), style="bold")
    label.append(f"  {KIND_LABELS.get(hit.kind, hit.kind)}  ", style="dim")
    label.append(local_time(hit.added_at, timezone, "%d %b %Y"), style="dim")
    snippet = Text(clean_line(hit.snippet))
    for start, end in hit.ranges:
        snippet.stylize(HIGHLIGHT, start, end)
    label.append("\n")
    label.append_text(snippet)
    return label


class NoteSearchScreen(MentorScreen):
    CSS_PATH = "search.tcss"
    HELP_TITLE = "Search notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back to notes", id="note_search.back"),
        Binding("down", "results", "Results", id="note_search.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Input(
            placeholder="search all your notes (every word, prefixes too)", id="note-search-input"
        )
        yield Static("", id="note-search-count", markup=False)
        yield OptionList(id="note-search-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_results(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.focus()
            if results.highlighted is None:
                results.highlighted = 0

    @on(Input.Changed, "#note-search-input")
    def _changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._search)

    @on(Input.Submitted, "#note-search-input")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._search(then_focus=True)

    def _search(self, then_focus: bool = False) -> None:
        query = self.query_one(Input).value
        actor = self.actor
        self.run_db(
            lambda s: core_notes.search_notes(s, actor, query),
            lambda hits: self._show(query, hits, then_focus),
            group="note-search",
        )

    def _show(self, query: str, hits: list[SearchHit], then_focus: bool) -> None:
        self._hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        tz = self.actor.timezone
        results.add_options(Option(hit_label(hit, tz), id=hit.id) for hit in hits)
        count = self.query_one("#note-search-count", Static)
        if not query.strip():
            count.update("")
        elif hits:
            noun = "note" if len(hits) == 1 else "notes"
            count.update(f"{len(hits)} {noun} found, best match first; enter opens one")
        else:
            count.update("No note matches every word.")
        if then_focus and hits:
            self.action_results()

    @on(OptionList.OptionSelected, "#note-search-results")
    def _open(self, event: OptionList.OptionSelected) -> None:
        hit = next((h for h in self._hits if h.id == event.option.id), None)
        if hit is not None:
            self.dismiss(hit)
