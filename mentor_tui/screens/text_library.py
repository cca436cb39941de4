"""A library of titled texts kept by the signed-in user: a modal list (enter chooses, n adds, e
edits, d deletes, escape closes) and a modal editor for a title and a body. The comment bank and
the agenda templates are subclasses that name their labels, ids and core calls; loading and
saving run in thread workers, and a refusal (a UserError) shows as the core's sentence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from mentor_tui.core.text import clean_line, editable_line, editable_text
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.drafts import DraftKeeper
from mentor_tui.widgets.events import DataChanged

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.actor import Actor


class Titled(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


Item = TypeVar("Item", bound=Titled)


def library_bindings(prefix: str, noun: str, *, enter: tuple[str, str]) -> list[BindingType]:
    """The list's keys; ``enter`` is (binding id suffix, description) of the choose key."""
    enter_id, enter_label = enter
    return [
        Binding("enter", "choose", enter_label, id=f"{prefix}.{enter_id}"),
        Binding("n", "new", f"New {noun}", id=f"{prefix}.new"),
        Binding("e", "edit", f"Edit {noun}", id=f"{prefix}.edit"),
        Binding("d", "delete", f"Delete {noun}", id=f"{prefix}.delete"),
        Binding("escape", "close", "Close", id=f"{prefix}.close"),
    ]


def editor_bindings(prefix: str, noun: str) -> list[BindingType]:
    return [
        Binding("ctrl+s", "save", f"Save {noun}", id=f"{prefix}.save", priority=True),
        Binding("escape", "cancel", "Cancel", id=f"{prefix}.cancel", priority=True),
    ]


class _LibraryModal(MentorModal[str | None]):
    """A text library's dialogs: a person's mistake comes back to ``refused`` as the core's
    sentence (MentorScreen.run_db)."""


class TextLibraryScreen(_LibraryModal, Generic[Item]):
    """The list of a user's titled texts; subclasses fill in the class attributes and hooks."""

    HEADING: ClassVar[str]  # the section title
    NOUN: ClassVar[str]  # "snippet", "agenda template": in notices
    BOX_ID: ClassVar[str]
    LIST_ID: ClassVar[str]
    EMPTY: ClassVar[str]  # the list's one line when there is nothing yet
    TOPIC: ClassVar[str]  # the DataChanged topic of a change
    CONFIRM_DELETE: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[str, Item] = {}

    # --- what a subclass says -------------------------------------------------------------

    def fetch(self, session: Session, actor: Actor) -> list[Item]:
        raise NotImplementedError

    def discard(self, session: Session, actor: Actor, item: Item) -> Any:
        raise NotImplementedError

    def editor(self, item: Item | None) -> TextEditorForm[Item]:
        raise NotImplementedError

    def prompt(self, item: Item) -> Text:
        raise NotImplementedError

    def keys_line(self) -> str:
        raise NotImplementedError

    def choose(self, item: Item) -> None:
        """enter on a highlighted item."""
        raise NotImplementedError

    def compose_list(self) -> Iterator[Widget]:
        yield OptionList(id=self.LIST_ID)

    def shown(self) -> None:
        """Called after the list is (re)filled."""

    def nothing_highlighted(self) -> None:
        self.app.bell()

    def may_change(self, item: Item, then: Callable[[Item], None]) -> None:
        """Call ``then`` with the item once it may be edited or deleted (a refusal stops it)."""
        then(item)

    # --- the shared list ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id=self.BOX_ID):
            yield Static(self.HEADING, classes="section-title", markup=False)
            yield from self.compose_list()
            yield Static(self.keys_line(), classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    def _load(self, select: str | None = None) -> None:
        actor = self.actor
        self.run_db(
            lambda s: self.fetch(s, actor),
            lambda rows: self._show(rows, select),
            group=f"{self.LIST_ID}-load",
        )

    def _show(self, rows: list[Item], select: str | None) -> None:
        self._items = {row.id: row for row in rows}
        options = self.query_one(OptionList)
        keep = select or self._highlighted_id()
        options.clear_options()
        if not rows:
            options.add_option(Option(Text(self.EMPTY, style="dim"), disabled=True))
        else:
            options.add_options(Option(self.prompt(row), id=row.id) for row in rows)
            ids = [row.id for row in rows]
            options.highlighted = ids.index(keep) if keep in ids else 0
        self.shown()

    def _highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.option_count == 0:
            return None
        option = options.get_option_at_index(options.highlighted)
        return option.id if option.id in self._items else None

    def _current(self) -> Item | None:
        key = self._highlighted_id()
        return self._items.get(key) if key else None

    def _need_current(self) -> Item | None:
        item = self._current()
        if item is None:
            self.nothing_highlighted()
        return item

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        item = self._need_current()
        if item is not None:
            self.choose(item)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.app.push_screen(self.editor(None), self._saved)

    def action_edit(self) -> None:
        item = self._need_current()
        if item is not None:
            self.may_change(
                item, lambda fresh: self.app.push_screen(self.editor(fresh), self._saved)
            )

    def _saved(self, item_id: str | None) -> None:
        if item_id:
            self._load(select=item_id)

    def action_delete(self) -> None:
        item = self._need_current()
        if item is None:
            return
        name = clean_line(item.title)
        actor = self.actor

        def deleted(_: Any) -> None:
            self.notify(f"Deleted the {self.NOUN} '{name}'.", markup=False)
            self.post_message(DataChanged(self.TOPIC))
            self._load()

        def delete(yes: bool | None = True) -> None:
            if yes:
                self.run_db(
                    lambda s: self.discard(s, actor, item), deleted, group=f"{self.LIST_ID}-write"
                )

        def ask(_: Item) -> None:
            if not self.CONFIRM_DELETE:
                delete()
                return
            from mentor_tui.screens.dialogs import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(f"Delete the {self.NOUN} '{name}'?", warning=True), delete
            )

        self.may_change(item, ask)


class TextEditorForm(_LibraryModal, Generic[Item]):
    """Add an item (``item`` None) or edit one; dismisses with its id once saved. A refusal
    shows its sentence on the form's status line and as a notification; the form stays."""

    NOUN: ClassVar[str]
    HEADING_NOUN: ClassVar[str]  # "snippet" in "New snippet"
    TOPIC: ClassVar[str]
    BOX_ID: ClassVar[str]
    TITLE_ID: ClassVar[str]
    BODY_ID: ClassVar[str]
    STATUS_ID: ClassVar[str]
    BODY_LANGUAGE: ClassVar[str | None] = None
    KEYS_LINE: ClassVar[str] = "enter moves to the text · ctrl+s save · escape cancel"

    def __init__(self, item: Item | None) -> None:
        super().__init__()
        self.item = item
        # the title and body typed, kept as a draft of this item (or of a new one)
        self.drafts = DraftKeeper(
            self,
            self.BOX_ID,
            item.id if item else "new",
            {"title": f"#{self.TITLE_ID}", "body": f"#{self.BODY_ID}"},
        )

    def body_of(self, item: Item) -> str:
        raise NotImplementedError

    def store(self, session: Session, actor: Actor, title: str, body: str) -> str:
        """Add or update ``self.item``; the saved item's id."""
        raise NotImplementedError

    def heading(self) -> str:
        return f"{'Edit' if self.item else 'New'} {self.HEADING_NOUN}"

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id=self.BOX_ID):
            yield Static(self.heading(), classes="section-title", markup=False)
            yield Input(
                editable_line(item.title) if item else "", placeholder="title", id=self.TITLE_ID
            )
            yield TextArea(
                editable_text(self.body_of(item)) if item else "",
                language=self.BODY_LANGUAGE,
                id=self.BODY_ID,
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
            )
            yield Static("", id=self.STATUS_ID, markup=False)
            yield Static(self.KEYS_LINE, classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.drafts.start()

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self) -> None:
        self.drafts.typed()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        title = self.query_one(Input).value
        body = self.query_one(TextArea).text
        actor = self.actor
        verb = "Saved" if self.item else "Added"

        def done(item_id: str) -> None:
            name = clean_line(" ".join(title.split()))
            self.notify(f"{verb} the {self.NOUN} '{name}'.", markup=False)
            self.post_message(DataChanged(self.TOPIC))
            self.drafts.discard()
            self.dismiss(item_id)

        self.query_one(f"#{self.STATUS_ID}", Static).update("Saving...")
        self.run_db(lambda s: self.store(s, actor, title, body), done, group=f"{self.BOX_ID}-save")

    def refused(self, sentence: str) -> None:
        self.query_one(f"#{self.STATUS_ID}", Static).update(sentence)
        super().refused(sentence)

    def action_cancel(self) -> None:
        self.drafts.discard()  # cancelled: what was typed is thrown away
        self.dismiss(None)
