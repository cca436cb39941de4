"""The review queue's preview of the selected work: its Markdown rendered to lines in a worker
thread (ahead of time for the next items in the queue), drawn by a pane that only copies lines,
under a header saying whose work it is (updated in place: see `update_fitted`).

Textual's ``Markdown`` widget mounts a widget per block on the UI thread for every item shown,
13-30 ms for a typical submission on a loaded machine and more for long work; here the UI
thread swaps a list of lines, so landing on the next item costs one repaint (issue #5). The
rendering is Rich's Markdown: code blocks highlighted, links written out with their address.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Static

from mentor_tui.core.access import Actor
from mentor_tui.core.reviews.decisions import SubmissionPreview, submission_preview
from mentor_tui.core.reviews.peer_marks import PeerMark
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.errors import UserError
from mentor_tui.widgets.seams import LayoutKeepsScrollbars, SizedByLayout

if TYPE_CHECKING:
    from sqlmodel import Session

CODE_THEME = "monokai"
STATUS_WORDS = {
    "approved": "approved",
    "rejected": "rejected",
    "changes_requested": "changes requested",
    "pending": "pending",
}


def preview_markdown(preview: SubmissionPreview, earlier: bool) -> str:
    """What the pane shows: the work, or the earlier attempts with their feedback."""
    if not earlier:
        return clean_text(preview.content) or "*(empty submission)*"
    if not preview.earlier_attempts:
        return "*No earlier attempts at this assignment.*"
    parts: list[str] = []
    for attempt in preview.earlier_attempts:
        status = STATUS_WORDS.get(attempt.status, attempt.status)
        heading = f"## Attempt {attempt.attempt}: {status}"
        when = f"Submitted {attempt.submitted_at:%Y-%m-%d %H:%M} UTC"
        if attempt.reviewed_at is not None:
            when += f", reviewed {attempt.reviewed_at:%Y-%m-%d %H:%M} UTC"
        feedback = clean_text(attempt.feedback) if attempt.feedback else "*(no feedback)*"
        parts.append(f"{heading}\n\n{when}\n\n{feedback}")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class RenderedPreview:
    """One submission's preview, rendered for one width."""

    preview: SubmissionPreview
    earlier: bool
    width: int
    markdown: str
    lines: tuple[Strip, ...]
    # the lines in the pane's style, when the worker was given it: what the pane paints (each
    # line styled on the UI thread instead: a third of a new item's repaint, issue #21)
    style: Style | None = None
    styled: tuple[Strip, ...] = ()


PEER_OUTCOME = {"pending": "for you to confirm on 8", "overridden": "you overrode it"}


def peer_text(mark: PeerMark) -> Text:
    """A peer review below the work: who, the verdict, and its feedback as written (user
    text: shown literally, never read as Markdown or markup)."""
    text = Text()
    text.append(f"Peer review by {clean_line(mark.reviewer_name)}: {mark.word}", style="bold")
    text.append(f" ({PEER_OUTCOME.get(mark.outcome, mark.outcome)})\n\n", style="dim")
    text.append(clean_text(mark.feedback).strip())
    return text


def _console(width: int) -> Console:
    return Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        emoji=False,
        highlight=False,
        markup=False,
    )


def render_preview(
    preview: SubmissionPreview, earlier: bool, width: int, style: Style | None = None
) -> RenderedPreview:
    """Render in any thread: a console of its own, no widget touched. ``style``: the pane's
    (read on the UI thread), the lines are also given in it."""
    from rich.console import Group
    from rich.markdown import Markdown  # markdown-it loads in a worker, not with the screen
    from rich.rule import Rule

    markdown = preview_markdown(preview, earlier)
    width = max(10, width)
    console = _console(width)
    document = Markdown(markdown, code_theme=CODE_THEME, hyperlinks=False)
    shown = document
    if preview.peer is not None and not earlier:
        shown = Group(document, Rule(style="dim"), peer_text(preview.peer))
    lines = console.render_lines(shown, console.options, pad=True, new_lines=False)
    strips = tuple(Strip(line, width) for line in lines)
    styled = () if style is None else tuple(strip.apply_style(style) for strip in strips)
    return RenderedPreview(preview, earlier, width, markdown, strips, style, styled)


# Every kind of block a submission's preview renders, a code block in Python (the language
# of most programs' exercises) among them: rendered once ahead, each loads what it needs.
WARM_UP_MARKDOWN = """# Title

Some *emphasis*, **strong** text, `code` and a [link](https://example.org).

1. one
2. two

> a quote

| a | b |
|---|---|
| 1 | 2 |

```python
def f(x: int) -> int:
    return x + 1
```
"""


def warm_renderer() -> None:
    """Load and use, in any thread, what the first preview rendered would load otherwise:
    Markdown's parser and its rules, the code theme and Python's lexer (30-40 ms of CPU),
    so that the queue's first preview follows its first rows closely (issue #21)."""
    from rich.markdown import Markdown

    console = _console(40)
    document = Markdown(WARM_UP_MARKDOWN, code_theme=CODE_THEME, hyperlinks=False)
    console.render_lines(document, console.options, pad=True, new_lines=False)


def ahead_job(
    actor: Actor, keys: list[str], width: int, style: Style | None = None
) -> Callable[[Session], list[RenderedPreview]]:
    """The job that reads and renders the previews of ``keys``, the rows around the cursor, in
    the work view; one decided or gone meanwhile is left out."""

    def job(session: Session) -> list[RenderedPreview]:
        rendered = []
        for key in keys:
            try:
                preview = submission_preview(session, actor, key)
            except UserError:  # decided or gone meanwhile: nothing to show ahead
                continue
            rendered.append(render_preview(preview, False, width, style))
        return rendered

    return job


def preview_header(rendered: RenderedPreview) -> Text:
    """The lines above the preview: whose work, which assignment and attempt, and the view."""
    preview = rendered.preview
    text = Text(no_wrap=False)
    text.append(clean_line(preview.student_name), style="bold")
    text.append(f"  {clean_line(preview.student_email)}\n", style="dim")
    text.append(clean_line(preview.assignment_title), style="bold")
    text.append(f"  attempt {preview.attempt}", style="dim")
    earlier = len(preview.earlier_attempts)
    if earlier:
        text.append(f" · {earlier} earlier (e)", style="dim")
    if preview.peer is not None:
        peer = preview.peer  # its sign is the one in the list's Peer column
        verdict = f"\nPeer review {peer.sign} {peer.word}, by {clean_line(peer.reviewer_name)}"
        text.append(verdict, style="bold" if peer.outcome == "pending" else "dim")
    if rendered.earlier:
        text.append("\nEarlier attempts and their feedback", style="italic")
    return text


class PreviewHeader(Static, SizedByLayout):
    """The lines above the preview (auto height): a new height lays the screen out once, not
    twice (`SizedByLayout`)."""


def update_fitted(label: Static, content: Text | str) -> None:
    """Update ``label`` (auto height), laying out the screen only when its height changes:
    the next item's header is most often as many lines as the last one's."""
    label.update(content, layout=False)
    width = label.content_region.width
    if (
        width
        and label.get_content_height(label.size, label.app.size, width) == label.content_size.height
    ):
        return
    label.refresh(layout=True)


class PreviewCache:
    """The most recently rendered previews, by submission, view (work or earlier attempts)
    and width. UI thread only."""

    def __init__(self, size: int = 24) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, bool, int], RenderedPreview] = OrderedDict()

    def get(self, key: str, earlier: bool, width: int) -> RenderedPreview | None:
        entry = self._entries.get((key, earlier, width))
        if entry is not None:
            self._entries.move_to_end((key, earlier, width))
        return entry

    def __contains__(self, item: tuple[str, bool, int]) -> bool:
        return item in self._entries

    def put(self, rendered: RenderedPreview) -> None:
        key = (rendered.preview.id, rendered.earlier, rendered.width)
        self._entries[key] = rendered
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def forget(self, ids: Iterable[str]) -> None:
        """Drop the previews a decision on ``ids`` made stale: theirs, and those that list one
        of them as an earlier attempt (its status changed)."""
        gone = set(ids)
        for key, entry in list(self._entries.items()):
            preview = entry.preview
            if preview.id in gone or any(e.id in gone for e in preview.earlier_attempts):
                del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


class PreviewPane(LayoutKeepsScrollbars, can_focus=True):
    """Rendered lines, scrolled with the arrows when focused (enter on the list)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="preview.scroll_up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="preview.scroll_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="preview.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="preview.page_down"),
        Binding("home,g", "scroll_home", "Top", show=False, id="preview.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="preview.bottom"),
    ]

    class WidthChanged(Message):
        """The pane's width changed: what it shows wants rendering again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: RenderedPreview | None = None
        # the style and width of one render pass, read once instead of once per line (the
        # style walks every ancestor's background: a third of a preview's repaint)
        self._pass: tuple[Style, int] | None = None

    def on_resize(self) -> None:
        if self.shown is not None and self.shown.width != max(10, self.render_width):
            self.post_message(self.WidthChanged())

    @property
    def render_width(self) -> int:
        """The width previews are rendered for: the content width, scrollbar kept apart."""
        return self.scrollable_content_region.width

    @property
    def markdown(self) -> str:
        return self.shown.markdown if self.shown is not None else ""

    def show(self, rendered: RenderedPreview | None) -> None:
        same = (
            rendered is not None
            and self.shown is not None
            and (rendered.preview.id, rendered.earlier)
            == (self.shown.preview.id, self.shown.earlier)
        )
        self.shown = rendered
        lines = len(rendered.lines) if rendered is not None else 0
        width = rendered.width if rendered is not None else 0
        # The pane keeps its size (its scrollbar gutter is reserved): a new length only moves
        # the scrollbar, with no layout of the screen, unless the scrollbar appears or goes
        # (`show_vertical_scrollbar` asks for that layout itself).
        self.set_reactive(PreviewPane.virtual_size, Size(width, lines))
        self._scroll_update(self.virtual_size)
        if not same:  # a new item starts at its top; the same one re-rendered keeps its place
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass = (self.rich_style, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        style, width = self._pass or (self.rich_style, self.scrollable_content_region.width)
        index = int(self.scroll_y) + y
        shown = self.shown
        if shown is None or index >= len(shown.lines):
            return Strip.blank(width, style)
        if shown.width == width and shown.style == style:  # styled in the worker
            return shown.styled[index]
        return shown.lines[index].crop_extend(0, width, style).apply_style(style)
