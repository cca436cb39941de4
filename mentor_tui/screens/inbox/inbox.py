"""Key `7`: the conversations (unread counts, the last message, newest first) beside the
notifications inbox, both paged from SQLite (SPEC 4.7, issue 17).

`tab` jumps to the next unread item of the focused list (then of the other), `enter` opens a
conversation or a notification's subject, `r` replies, `c` writes to someone, `A` announces,
`m` marks read / unread, `M` marks everything read, `/` filters both lists, `!` reports the
newest message of a conversation to the admins; `P` sets how each kind of notification
reaches you (screens/inbox/preferences.py); `left` / `right` move between the lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.inbox.sources import (
    CONVERSATION_COLUMNS,
    NOTIFICATION_COLUMNS,
    ConversationsSource,
    NotificationsSource,
    ThreadSource,
)
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import PagedTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.services import Services

KEYS_LINE = (
    "tab next unread · enter open · r reply · c compose · A announce · m read/unread · "
    "M all read · / filter · ! report · P notification prefs · ←/→ lists"
)
PAGE_SIZE = 100  # rows a page of either list
CONVERSATIONS = "#inbox-conversations"
NOTIFICATIONS = "#inbox-notifications"


class InboxScreen(MentorScreen):
    CSS_PATH = "inbox.tcss"
    HELP_TITLE = "Messages"
    # the conversations have the focus from the first frame (Textual's auto focus, in
    # `compose`): a focus moved in `on_mount` arrives after that frame, restyles both lists
    # and paints the screen a second time (the filter box, first in the DOM, is hidden by
    # inbox.tcss until `/`)
    AUTO_FOCUS = CONVERSATIONS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_unread", "Next unread", id="inbox.next_unread"),
        Binding("r", "reply", "Reply", id="inbox.reply"),
        Binding("c", "compose", "Compose", id="inbox.compose"),
        Binding("A", "announce", "Announce", id="inbox.announce", key_display="A"),
        Binding("m", "toggle_read", "Read/unread", id="inbox.toggle_read"),
        Binding("M", "all_read", "All read", id="inbox.all_read", key_display="M"),
        Binding("slash", "filter", "Filter", id="inbox.filter", key_display="/"),
        Binding("exclamation_mark", "report", "Report", id="inbox.report", key_display="!"),
        Binding("P", "preferences", "Prefs", id="inbox.preferences", key_display="P"),
        Binding(
            "left",
            "focus_list('conversations')",
            "Conversations",
            show=False,
            id="inbox.conversations",
        ),
        Binding(
            "right",
            "focus_list('notifications')",
            "Notifications",
            show=False,
            id="inbox.notifications",
        ),
        Binding("escape", "clear_filter", "Clear filter", id="inbox.escape", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        # a jump to an unread row of a list whose count has not arrived yet (a fresh screen)
        self._pending_cursor: tuple[str, int] | None = None

    @staticmethod
    def preload() -> None:
        """In the app's preload worker: the conversation screen, which the first `enter` on a
        conversation would import (and whose widgets' styles are then read ahead too)."""
        import mentor_tui.screens.inbox.thread  # noqa: F401

    @staticmethod
    def warm_up(services: Services) -> None:
        """Called once in the app's preload worker, after start-up: read each list's first
        page (and count a list that fills it), as the first `7` would, then the newest
        conversation's count and newest page, as the first `enter` on it would. SQLAlchemy
        compiles their queries now, and the pages and counts are kept until the store changes
        (``core/memo.py``): a `7` before anyone commits paints them without reading them
        (grouping a 10,000-message conversation, counting 100,000 notifications), and after a
        commit reads them as before."""
        from mentor_tui.screens.inbox.thread import PAGE_SIZE as THREAD_PAGE_SIZE

        actor = services.actor
        if actor is None:
            return
        newest: str | None = None
        for source in (ConversationsSource(services, actor), NotificationsSource(services, actor)):
            rows = source.fetch(0, PAGE_SIZE)
            if isinstance(source, ConversationsSource) and rows:
                newest = rows[0].key
            if len(rows) == PAGE_SIZE:
                source.count()
        if newest is not None:
            # the conversation screen opens on the highlighted one, the newest: its count and
            # newest page are read (and their queries compiled) now, and kept likewise
            ThreadSource(services, actor, newest, THREAD_PAGE_SIZE).count()

    def compose(self) -> ComposeResult:
        conversations = PagedTable(
            CONVERSATION_COLUMNS, id="inbox-conversations", page_size=PAGE_SIZE
        )
        notifications = PagedTable(
            NOTIFICATION_COLUMNS, id="inbox-notifications", page_size=PAGE_SIZE
        )
        self._set_sources(conversations, notifications, keep=False)
        # both lists' first pages are read while the screen mounts, not after
        conversations.load_now()
        notifications.load_now()
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Input(placeholder="filter messages and notifications", id="inbox-filter")
        with Horizontal(id="inbox-body"):
            with Vertical(id="inbox-left"):
                yield Static("Conversations", id="inbox-conversations-count", markup=False)
                yield conversations
            with Vertical(id="inbox-right"):
                yield Static("Notifications", id="inbox-notifications-count", markup=False)
                yield notifications
        # every key in words, wrapped: at 80 columns the footer cannot hold them all
        yield Static(KEYS_LINE, id="inbox-keys", markup=False)
        yield KeyFooter()

    def _load(self, *, keep: bool = False) -> None:
        self._set_sources(
            self.query_one(CONVERSATIONS, PagedTable),
            self.query_one(NOTIFICATIONS, PagedTable),
            keep=keep,
        )

    def _set_sources(
        self, conversations: PagedTable, notifications: PagedTable, *, keep: bool
    ) -> None:
        matching = " match." if self._filter else " yet."
        conversations.empty_text = "No conversations" + matching + " c writes to someone."
        notifications.empty_text = "No notifications" + matching
        conversations.set_source(
            ConversationsSource(self.services, self.actor, self._filter), keep_cursor_key=keep
        )
        notifications.set_source(
            NotificationsSource(self.services, self.actor, self._filter), keep_cursor_key=keep
        )

    def _focused_table(self) -> PagedTable:
        focused = self.focused
        if isinstance(focused, PagedTable):
            return focused
        return self.query_one(CONVERSATIONS, PagedTable)

    def _conversations_focused(self) -> bool:
        return self._focused_table().id == CONVERSATIONS[1:]

    # -- lists -------------------------------------------------------------------------------
    @on(PagedTable.CountChanged)
    def _count_changed(self, event: PagedTable.CountChanged) -> None:
        which = "conversations" if event.control.id == CONVERSATIONS[1:] else "notifications"
        label = f"{which.capitalize()}: {event.count:,}"
        # one line as wide as its list (inbox.tcss): a new count is no new layout of the screen
        self.query_one(f"#inbox-{which}-count", Static).update(label, layout=False)
        pending = self._pending_cursor
        if pending is not None and pending[0] == event.control.id:
            self._pending_cursor = None
            event.control.cursor_index = pending[1]

    @on(PagedTable.RowSelected)
    def _open(self, event: PagedTable.RowSelected) -> None:
        if event.control.id == CONVERSATIONS[1:]:
            self._open_thread(event.key)
        else:
            self._open_notification(event.key)

    def _open_thread(self, thread_id: str) -> None:
        from mentor_tui.screens.inbox.thread import ThreadScreen

        self.app.push_screen(ThreadScreen(thread_id), lambda _: self._changed())

    def _open_notification(self, notification_id: str) -> None:
        from mentor_tui.core.notifications import notify
        from mentor_tui.db.models import Notification

        actor = self.actor

        def job(s: Session) -> dict[str, object]:
            notify.mark_read(s, actor, notification_id)
            row = s.get(Notification, notification_id)
            return dict(row.data) if row is not None else {}

        self.run_db(job, self._go_to_subject, group="inbox-open")

    def _go_to_subject(self, data: dict[str, object]) -> None:
        self._changed()
        if isinstance(data.get("thread_id"), str):
            self._open_thread(str(data["thread_id"]))
        elif isinstance(data.get("session_id"), str):
            self.app.run_action("go('calendar')")
        elif isinstance(data.get("submission_id"), str) and not self.actor.is_student:
            self.app.run_action("go('reviews')")
        elif isinstance(data.get("student_id"), str) and not self.actor.is_student:
            from mentor_tui.screens.students.student_view import StudentViewScreen

            self.app.push_screen(StudentViewScreen(str(data["student_id"])))
        else:
            self.notify("Marked read; this notification has nothing more to open.")

    def action_focus_list(self, which: str) -> None:
        self.query_one(f"#inbox-{which}", PagedTable).focus()

    def action_next_unread(self, from_top: bool = False) -> None:
        from mentor_tui.core.messages.inbox import next_unread_conversation
        from mentor_tui.core.notifications.notify import next_unread_index

        actor, text = self.actor, self._filter
        first = self._focused_table()
        order = [CONVERSATIONS, NOTIFICATIONS]
        if first.id != CONVERSATIONS[1:]:
            order.reverse()
        tables = [self.query_one(name, PagedTable) for name in order]
        starts = [-1 if from_top else tables[0].cursor_index, -1]

        def job(s: Session) -> tuple[int, int] | None:
            for n, table in enumerate(tables):
                finder = (
                    next_unread_conversation if table.id == CONVERSATIONS[1:] else next_unread_index
                )
                found = finder(s, actor, starts[n], text)
                if found is not None:
                    return n, found
            if starts[0] >= 0:  # wrap around to the top of the first list
                found = (
                    next_unread_conversation
                    if tables[0].id == CONVERSATIONS[1:]
                    else next_unread_index
                )(s, actor, -1, text)
                if found is not None:
                    return 0, found
            return None

        def done(result: tuple[int, int] | None) -> None:
            if result is None:
                self.notify("Nothing unread.")
                return
            table = tables[result[0]]
            table.focus()
            table.cursor_index = result[1]
            if table.cursor_index != result[1]:  # its rows are still being counted
                self._pending_cursor = (str(table.id), result[1])

        self.run_db(job, done, group="inbox-next")

    def action_preferences(self) -> None:
        from mentor_tui.screens.inbox.preferences import PreferencesScreen

        self.app.push_screen(PreferencesScreen())

    # -- writing -----------------------------------------------------------------------------
    def action_compose(self) -> None:
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        self.app.push_screen(ComposerScreen(Address(recipient="")), self._sent)

    def action_announce(self) -> None:
        from mentor_tui.core.access import announcement_audiences
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        audiences = announcement_audiences(self.actor)
        if not audiences:
            self.notify("Only mentors and admins can send announcements.", severity="warning")
            return
        self.app.push_screen(ComposerScreen(Address(audience=audiences[0])), self._sent)

    def action_reply(self) -> None:
        from mentor_tui.core.messages.drafts import Address
        from mentor_tui.screens.inbox.composer import ComposerScreen

        key = self._conversation_key()
        if key is not None:
            self.app.push_screen(ComposerScreen(Address(thread_id=key)), self._sent)

    def _sent(self, message_id: str | None) -> None:
        if message_id:
            self._changed()

    def _conversation_key(self) -> str | None:
        key = (
            self.query_one(CONVERSATIONS, PagedTable).cursor_key
            if self._conversations_focused()
            else None
        )
        if key is None:
            self.notify("Highlight a conversation first.", severity="warning")
        return key

    # -- read state, reports -----------------------------------------------------------------
    def action_toggle_read(self) -> None:
        from mentor_tui.core.messages import inbox
        from mentor_tui.core.notifications import notify
        from mentor_tui.db.models import Notification

        table = self._focused_table()
        key = table.cursor_key
        if key is None:
            return
        actor = self.actor
        on_conversations = self._conversations_focused()

        def job(s: Session) -> str:
            if on_conversations:
                if inbox.mark_thread_read(s, actor, key):
                    return "Marked read."
                inbox.mark_thread_unread(s, actor, key)
                return "Marked unread."
            row = s.get(Notification, key)
            if row is not None and row.read_at is None:
                notify.mark_read(s, actor, key)
                return "Marked read."
            notify.mark_unread(s, actor, key)
            return "Marked unread."

        self.run_db(job, self._done, group="inbox-mark")

    def action_all_read(self) -> None:
        from mentor_tui.core.messages import inbox
        from mentor_tui.core.notifications import notify

        actor = self.actor

        def job(s: Session) -> str:
            count = inbox.mark_all_read(s, actor) + notify.mark_all_read(s, actor)
            return f"Marked {count:,} item{'' if count == 1 else 's'} read."

        self.run_db(job, self._done, group="inbox-mark")

    def action_report(self) -> None:
        from mentor_tui.core.messages import inbox, send

        key = self._conversation_key()
        if key is None:
            return
        actor, config = self.actor, self.services.config

        def job(s: Session) -> str:
            total = inbox.count_thread(s, actor, key)
            lines = inbox.thread_messages(
                s, actor, key, offset=max(total - 50, 0), limit=50, total=total
            )
            theirs = [line for line in lines if line.sender_id != actor.id]
            if not theirs:
                return "Nothing to report here: no message in it is someone else's."
            send.report(s, config, actor, theirs[-1].id)
            return "Reported the newest message to the admins."

        self.run_db(job, self._done, group="inbox-report")

    def _done(self, sentence: str) -> None:
        self.notify(sentence, markup=False)
        self._changed()

    def _changed(self) -> None:
        self.post_message(DataChanged("messages"))

    @on(DataChanged)
    def _reload(self) -> None:
        self._load(keep=True)

    # -- filter ------------------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#inbox-filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#inbox-filter", Input)
        if box.value or box.display:
            box.value = ""
            box.display = False
            self.query_one(CONVERSATIONS, PagedTable).focus()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Input.Changed, "#inbox-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        self._load()

    @on(Input.Submitted, "#inbox-filter")
    def _filter_done(self) -> None:
        self.query_one(CONVERSATIONS, PagedTable).focus()
