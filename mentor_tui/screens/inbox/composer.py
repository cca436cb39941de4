"""The composer: a new conversation (`c`, with a To line), a reply (`r`) or an announcement
(`A`, with its audience). What is typed is saved as a draft as it is typed, like the note
editor (about 0.7 s after the last key, never later than 0.8 s after the first unsaved one),
so a crash loses nothing; opening the composer for the same conversation or audience brings
the draft back. `ctrl+s` sends (the draft goes with the send, in one transaction; a refusal
keeps it and says why), `escape` closes and keeps the draft.

`EditScreen` changes the text of a message one sent; the earlier text is kept."""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from mentor_tui.core.drafts.throttle import SaveClock
from mentor_tui.core.messages.drafts import Address
from mentor_tui.core.text import clean_line, editable_text
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from sqlmodel import Session

AUTOSAVE_SECONDS = 0.7
AUTOSAVE_MAX_WAIT = 0.8


def recipients_line(names: list[str], count: int, width: int) -> str:
    """ "To: Ana, Ben +3 more" in ``width`` cells for ``count`` recipients: as many of ``names``
    (user text, literal, control characters stripped) as fit, then how many more; the first
    name shortened with "…" when even it does not fit beside the count."""
    names = [clean_line(name) for name in names]
    if not names:
        return f"To: {count} recipients"
    for shown in range(len(names), 0, -1):
        more = f" +{count - shown} more" if count > shown else ""
        line = f"To: {', '.join(names[:shown])}{more}"
        if cell_len(line) <= width:
            return line
    more = f" +{count - 1} more" if count > 1 else ""
    room = width - len("To: ") - len(more)
    if room < 2:
        return set_cell_size(f"To: {count} recipients", max(0, width))
    return f"To: {set_cell_size(names[0], room - 1)}…{more}"


class RecipientsLine(Widget):
    """The To line of a message to several recipients: their names fitted to its width."""

    DEFAULT_CSS = "RecipientsLine { height: 1; }"

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = count
        self.names: list[str] = []

    def show_names(self, names: list[str]) -> None:
        self.names = names
        self.refresh()

    def render(self) -> Text:
        return Text(recipients_line(self.names, self.count, self.size.width), no_wrap=True)


class ComposerScreen(MentorModal[str | None]):
    """Dismisses with the sent message's id, or None (closed; the draft is kept)."""

    CSS_PATH = "composer.tcss"
    HELP_TITLE = "Compose"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="composer.send", priority=True),
        Binding("ctrl+a", "audience", "Audience", id="composer.audience"),
        Binding("escape", "close", "Close (keeps draft)", id="composer.close"),
    ]

    def __init__(self, address: Address) -> None:
        super().__init__()
        self.address = address
        self.draft_id: str | None = None
        self.saved_text = ""
        self.saving = False
        self.closing: str | None = None  # "close" or "send": waiting for a save
        self._timer: Timer | None = None
        self.clock = SaveClock(AUTOSAVE_SECONDS, AUTOSAVE_MAX_WAIT)
        # an announcement's possible audiences, groups included (audience, label), once read
        self._groups: list[tuple[str, str]] = []
        self._refused = False  # a refusal is on the state line (the draft's note must not hide it)

    def compose(self) -> ComposeResult:
        with Vertical(id="composer-box"):
            yield Static(self._heading(), id="composer-heading")
            yield Input(placeholder="to: their email", id="composer-to")
            if self.address.recipients:
                yield RecipientsLine(len(self.address.recipients), id="composer-recipients")
            yield TextArea(id="composer-body", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="composer-state")
            yield KeyFooter()

    def _heading(self) -> Text:
        a = self.address
        if a.thread_id is not None:
            return Text("Reply", style="bold")
        if a.audience is not None:
            from mentor_tui.core.messages.rules import AUDIENCE_LABELS

            labels = dict(self._groups)
            text = Text("Announcement to ", style="bold")
            text.append(labels.get(a.audience) or AUDIENCE_LABELS.get(a.audience, a.audience))
            if len(self._groups) > 1:
                text.append("  (ctrl+a changes whom)", style="dim")
            return text
        if a.recipients:
            count = len(a.recipients)  # their names: the To line below
            return Text(f"One message to each of {count} (a conversation each)", style="bold")
        return Text("New message", style="bold")

    def on_mount(self) -> None:
        to = self.query_one("#composer-to", Input)
        a = self.address
        to.display = a.thread_id is None and a.audience is None and not a.recipients
        body = self.query_one("#composer-body", TextArea)
        body.disabled = True  # until the draft (if any) is back
        from mentor_tui.core.messages.drafts import find_draft

        actor, address = self.actor, self.address

        def job(s: Session) -> tuple[str, str, str] | None:
            row = find_draft(s, actor, address)
            return None if row is None else (row.id, row.body, row.recipient_id or "")

        self.run_db(job, self._loaded, group="composer-load")
        if address.recipients:  # their names; a refusal is said before any typing
            from mentor_tui.core.messages.rules import recipients

            self.run_db(
                lambda s: [u.full_name for u in recipients(s, actor, address.recipients)],
                self._names_read,
                group="composer-names",
            )
        if address.audience is not None:
            from mentor_tui.core.messages.groups import groups

            self.run_db(
                lambda s: [(g.audience, g.label) for g in groups(s, actor)],
                self._groups_read,
                group="composer-groups",
            )

    def _groups_read(self, found: list[tuple[str, str]]) -> None:
        self._groups = found
        self.query_one("#composer-heading", Static).update(self._heading())

    def _names_read(self, names: list[str]) -> None:
        self.query_one("#composer-recipients", RecipientsLine).show_names(names)

    def _loaded(self, found: tuple[str, str, str] | None) -> None:
        body = self.query_one("#composer-body", TextArea)
        to = self.query_one("#composer-to", Input)
        if found is not None:
            self.draft_id, text, recipient = found
            self.saved_text = text
            body.load_text(editable_text(text))
            body.move_cursor(body.document.end)  # typing goes on where it stopped
            self.saved_text = body.text
            if to.display and recipient:
                to.value = editable_text(recipient)
        if to.display and not to.value and self.address.recipient:  # from the students list
            to.value = editable_text(self.address.recipient)
        body.disabled = False
        if to.display and not to.value:
            to.focus()
        else:
            body.focus()
        if not self._refused:  # the recipients' check may have answered first
            self._state(
                "Draft restored." if found else "Type your message; it is saved as you type."
            )

    def _state(self, sentence: str, style: str = "dim") -> None:
        self.query_one("#composer-state", Static).update(Text(sentence, style=style))

    def _text(self) -> str:
        return self.query_one("#composer-body", TextArea).text

    def _current_address(self) -> Address:
        a = self.address
        if a.thread_id is None and a.audience is None and not a.recipients:
            return Address(recipient=self.query_one("#composer-to", Input).value.strip())
        return a

    # -- autosave ----------------------------------------------------------------------------
    @on(TextArea.Changed, "#composer-body")
    @on(Input.Changed, "#composer-to")
    def _typed(self) -> None:
        if self.query_one("#composer-body", TextArea).disabled:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.clock.typed(monotonic()), self._save)
        self._state("Edited", "dim")

    def _save(self) -> None:
        self._timer = None
        self.clock.written()
        if self.saving:
            self.clock.typed(monotonic())  # still unsaved: the bound runs from now
            self._timer = self.set_timer(0.1, self._save)  # after the save under way
            return
        text, address = self._text(), self._current_address()
        if not text and self.draft_id is None:
            self._after_save()
            return
        from mentor_tui.core.messages.drafts import save_draft

        self.saving = True
        actor, draft_id = self.actor, self.draft_id
        self.run_db(
            lambda s: save_draft(s, actor, draft_id, address, text),
            lambda saved_id: self._saved(saved_id, text),
            group="composer-save",
            exclusive=False,
        )

    def _saved(self, draft_id: str, text: str) -> None:
        self.saving = False
        self.draft_id = draft_id
        self.saved_text = text
        self._state(f"Draft saved · {len(text):,} characters", "dim green")
        self._after_save()

    def _after_save(self) -> None:
        if self.closing == "close":
            self.dismiss(None)
        elif self.closing == "send":
            self.closing = None
            self.action_send()

    def flush_before_exit(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._save()

    # -- send, close -------------------------------------------------------------------------
    def action_send(self) -> None:
        if self.saving:
            self.closing = "send"
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        from mentor_tui.core.messages.drafts import send_draft

        text, address = self._text(), self._current_address()
        actor, config, draft_id = self.actor, self.services.config, self.draft_id
        self._state("Sending…")
        self.run_db(
            lambda s: send_draft(s, config, actor, draft_id, address, text).id,
            self._sent,
            group="composer-send",
        )

    def _sent(self, message_id: str) -> None:
        self.notify("Sent; it goes out on the next sync.")
        self.dismiss(message_id)

    def refused(self, sentence: str) -> None:
        self._refused = True
        self._state(sentence, "bold red")
        super().refused(sentence)

    def action_audience(self) -> None:
        """The next audience: the plain ones, then each course's students, each
        specialization's mentors (core/messages/groups.py)."""
        audiences = [a for a, _ in self._groups]
        if self.address.audience is None or len(audiences) < 2:
            return
        current = self.address.audience
        index = audiences.index(current) if current in audiences else -1
        self.address = Address(audience=audiences[(index + 1) % len(audiences)])
        self.query_one("#composer-heading", Static).update(self._heading())
        self._typed()

    def action_close(self) -> None:
        if self._timer is not None or self.saving:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self.closing = "close"
            if not self.saving:
                self._save()
            return
        self.dismiss(None)


class EditScreen(MentorModal[str | None]):
    """Change a message one sent; dismisses with its id once saved."""

    CSS_PATH = "composer.tcss"
    HELP_TITLE = "Edit message"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="edit.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    def __init__(self, message_id: str, body: str) -> None:
        super().__init__()
        self.message_id = message_id
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="composer-box"):
            yield Static(
                Text("Edit your message (the earlier text is kept and shown)", style="bold"),
                id="composer-heading",
            )
            yield TextArea(editable_text(self.body), id="composer-body", soft_wrap=True)
            yield Static("", id="composer-state")
            yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#composer-body", TextArea).focus()

    def action_save(self) -> None:
        from mentor_tui.core.messages import send

        text = self.query_one("#composer-body", TextArea).text
        actor, message_id = self.actor, self.message_id
        self.run_db(
            lambda s: send.edit(s, actor, message_id, text).id, self.dismiss, group="edit-save"
        )

    def refused(self, sentence: str) -> None:
        self.query_one("#composer-state", Static).update(Text(clean_line(sentence), style="red"))
        super().refused(sentence)

    def action_cancel(self) -> None:
        self.dismiss(None)
