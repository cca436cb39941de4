"""One conversation, oldest message first, paged (a 10,000-message thread opens at once),
with the highlighted message in full below. Opening it marks it read. `r` replies, `e` edits
a message of one's own (the earlier text stays, shown under it), `!` reports the highlighted
message to the admins, `m` marks the conversation unread again, `escape` goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.inbox.sources import MESSAGE_COLUMNS, ThreadSource
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable

if TYPE_CHECKING:
    from sqlmodel import Session

# a message's text shown in full, up to this many characters (the rest is said to be there)
SHOWN_CHARACTERS = 20_000
PAGE_SIZE = 100  # messages a page


class ThreadScreen(MentorScreen[None]):
    CSS_PATH = "inbox.tcss"
    HELP_TITLE = "Conversation"
    # the messages have the focus from the first frame (Textual's auto focus, in `compose`),
    # not from a focus moved after it, which restyles the list and paints it again
    AUTO_FOCUS = "#thread-messages"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reply", "Reply", id="thread.reply"),
        Binding("e", "edit", "Edit mine", id="thread.edit"),
        Binding("exclamation_mark", "report", "Report", id="thread.report", key_display="!"),
        Binding("m", "unread", "Mark unread", id="thread.unread"),
        Binding("escape", "back", "Back", id="thread.back"),
    ]

    def __init__(self, thread_id: str) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.source: ThreadSource | None = None
        self._marked_read = False  # the conversation is marked read once, after it is shown

    def compose(self) -> ComposeResult:
        # the newest message highlighted (replies follow it), its page the first fetched
        table = PagedTable(
            MESSAGE_COLUMNS, id="thread-messages", page_size=PAGE_SIZE, start_at_end=True
        )
        self._load(table)
        table.load_now()  # read while the screen mounts, not after
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield table
        with VerticalScroll(id="thread-detail-box"):
            yield Static("", id="thread-detail")
        yield KeyFooter()

    def _mark_read(self) -> None:
        """Opening the conversation marks it read: once its newest page has arrived, so that
        the write (and the lists read again after it) follow the first paint."""
        from mentor_tui.core.messages import inbox

        actor, thread_id = self.actor, self.thread_id
        self.run_db(
            lambda s: inbox.mark_thread_read(s, actor, thread_id),
            lambda count: self.post_message(DataChanged("messages")) if count else None,
            group="thread-read",
        )

    def _load(self, table: PagedTable | None = None) -> None:
        self.source = ThreadSource(self.services, self.actor, self.thread_id, PAGE_SIZE)
        table = table or self.query_one(PagedTable)
        table.empty_text = "This conversation is empty."
        table.set_source(self.source, keep_cursor_key=True)

    @on(PagedTable.CountChanged)
    def _counted(self, event: PagedTable.CountChanged) -> None:
        if not event.count and not self._marked_read:  # no page will come
            self._marked_read = True
            self._mark_read()

    @on(PagedTable.RowHighlighted)
    def _show(self, event: PagedTable.RowHighlighted) -> None:
        if event.key is not None and not self._marked_read:
            self._marked_read = True
            self.call_after_refresh(self._mark_read)
        detail = self.query_one("#thread-detail", Static)
        line = self.source.lines.get(event.key) if self.source and event.key else None
        if line is None:
            detail.update("")
            return
        tz = self.actor.timezone
        text = Text()
        text.append(clean_line(line.sender_name), style="bold")
        text.append(f"  {local_time(line.created_at, tz)}", style="dim")
        if line.edited:
            text.append("  edited", style="yellow")
        if line.reported:
            text.append("  reported", style="red")
        text.append("\n\n")
        text.append(clean_text(line.body[:SHOWN_CHARACTERS]))
        if len(line.body) > SHOWN_CHARACTERS:
            text.append(f"\n… {len(line.body) - SHOWN_CHARACTERS:,} more characters", style="dim")
        for earlier in reversed(line.history):
            text.append("\n\nEarlier text:\n", style="dim")
            text.append(clean_text(str(earlier.get("body", ""))[:SHOWN_CHARACTERS]), style="dim")
        detail.update(text)

    def _highlighted(self) -> str | None:
        return self.query_one(PagedTable).cursor_key

    def action_reply(self) -> None:
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        self.app.push_screen(ComposerScreen(Address(thread_id=self.thread_id)), self._written)

    def action_edit(self) -> None:
        from mentor_tui.screens.inbox.composer import EditScreen

        key = self._highlighted()
        line = self.source.lines.get(key) if self.source and key else None
        if line is None:
            return
        if line.sender_id != self.actor.id:
            self.notify("You can only edit messages you sent.", severity="warning")
            return
        self.app.push_screen(EditScreen(line.id, line.body), self._written)

    def _written(self, message_id: str | None) -> None:
        if message_id:
            self.post_message(DataChanged("messages"))

    def action_report(self) -> None:
        from mentor_tui.core.messages import send

        key = self._highlighted()
        if key is None:
            return
        actor, config = self.actor, self.services.config

        def job(s: Session) -> str:
            send.report(s, config, actor, key)
            return "Reported to the admins."

        self.run_db(job, self._done, group="thread-report")

    def action_unread(self) -> None:
        from mentor_tui.core.messages import inbox

        actor, thread_id = self.actor, self.thread_id

        def job(s: Session) -> str:
            changed = inbox.mark_thread_unread(s, actor, thread_id)
            return "Marked unread." if changed else "Nothing someone else wrote to mark unread."

        self.run_db(job, self._done, group="thread-unread")

    def _done(self, sentence: str) -> None:
        self.notify(sentence, markup=False)
        self.post_message(DataChanged("messages"))

    @on(DataChanged)
    def _reload(self) -> None:
        self._load()

    def action_back(self) -> None:
        self.dismiss(None)
