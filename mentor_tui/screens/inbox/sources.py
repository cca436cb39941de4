"""The inbox's lists as PagedTable sources: conversations (newest message first) and
notifications (newest first), a page at a time from SQLite, and a conversation's messages
(oldest first). Called from the tables' worker threads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from mentor_tui.core.messages import inbox
from mentor_tui.core.notifications import notify
from mentor_tui.core.text import clean_line
from mentor_tui.widgets.figures import age, user_text
from mentor_tui.widgets.paged_table import Column, PagedRow

if TYPE_CHECKING:
    from mentor_tui.core.actor import Actor
    from mentor_tui.core.services import Services

CONVERSATION_COLUMNS = [
    Column("when", "When", width=5, sortable=False),
    Column("with", "With", width=None, sortable=False),
    Column("unread", "New", width=3, align="right", sortable=False),
    Column("last", "Last message", width=None, sortable=False),
]
NOTIFICATION_COLUMNS = [
    Column("when", "When", width=5, sortable=False),
    Column("title", "Notification", width=None, sortable=False),
]
MESSAGE_COLUMNS = [
    Column("when", "When", width=5, sortable=False),
    Column("from", "From", width=16, sortable=False),
    Column("text", "Message", width=None, sortable=False),
]


class ConversationsSource:
    # the first page is painted before the conversations are counted, and a person's
    # conversations that fit on it (most of them) are never counted at all
    pages_before_count = True

    def __init__(self, services: Services, actor: Actor, text: str = "") -> None:
        self.services, self.actor, self.text = services, actor, text

    def count(self) -> int:
        return self.services.run(lambda s: inbox.count_conversations(s, self.actor, self.text))

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        found = self.services.run(
            lambda s: inbox.conversations(s, self.actor, offset=offset, limit=limit, text=self.text)
        )
        rows = []
        for c in found:
            title = c.title + (" [reported]" if c.reported else "")
            cells = (
                age(c.last_at),
                user_text(title),
                Text(str(c.unread) if c.unread else "", style="bold"),
                user_text(c.last_preview, "dim"),
            )
            rows.append(PagedRow(key=c.thread_id, cells=cells, style="bold" if c.unread else ""))
        return rows


class NotificationsSource:
    pages_before_count = True  # the newest page is painted before 100,000 rows are counted

    def __init__(self, services: Services, actor: Actor, text: str = "") -> None:
        self.services, self.actor, self.text = services, actor, text

    def count(self) -> int:
        return self.services.run(lambda s: notify.count_notifications(s, self.actor, self.text))

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        found = self.services.run(
            lambda s: notify.notifications_page(
                s, self.actor, offset=offset, limit=limit, text=self.text
            )
        )
        return [
            PagedRow(
                key=n.id,
                cells=(age(n.created_at), user_text(n.title)),
                style="" if n.read_at else "bold",
            )
            for n in found
        ]


class ThreadSource:
    """A conversation's messages, oldest first, in pages of ``page_size`` (the table's). The
    table opens on the newest page, fetched right after the count: that page is read with
    the count, in one transaction (one snapshot, one round to the store), and kept until the
    store changes (``inbox.newest_page``)."""

    def __init__(
        self, services: Services, actor: Actor, thread_id: str, page_size: int = 100
    ) -> None:
        self.services, self.actor, self.thread_id = services, actor, thread_id
        self.page_size = page_size
        self.lines: dict[str, inbox.Line] = {}  # what was fetched, for the detail pane
        self._count: int | None = None  # the last count: pages near the end read from it
        self._newest: tuple[int, list[inbox.Line]] | None = None  # (offset, lines) read ahead

    def count(self) -> int:
        total, offset, lines = self.services.run(
            lambda s: inbox.newest_page(s, self.actor, self.thread_id, self.page_size)
        )
        self._count, self._newest = total, (offset, lines)
        return total

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        newest, self._newest = self._newest, None
        if newest is not None and newest[0] == offset and limit == self.page_size:
            found = newest[1]
        else:
            found = self.services.run(
                lambda s: inbox.thread_messages(
                    s, self.actor, self.thread_id, offset=offset, limit=limit, total=self._count
                )
            )
        rows = []
        for line in found:
            self.lines[line.id] = line
            marks = " (edited)" if line.edited else ""
            marks += " [reported]" if line.reported else ""
            text = Text(clean_line(line.body[:400]), no_wrap=True, overflow="ellipsis")
            text.append(marks, style="dim")
            rows.append(
                PagedRow(
                    key=line.id,
                    cells=(age(line.created_at), user_text(line.sender_name), text),
                    style="bold" if line.unread else "",
                )
            )
        return rows
