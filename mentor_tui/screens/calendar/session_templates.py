"""Agenda templates (calendar `T`, session form `ctrl+t`): the titles and Markdown agendas a new
session's agenda is filled from. enter uses the highlighted template (in the session form) or
edits it (from the calendar); n adds, e edits, d deletes one. Who may change which is the
core's rule (``core/session_templates.py``): a refusal shows its sentence. The list and the
editor are the shared text library's (``text_library.py``); a preview pane is added here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import OptionList, Static

from mentor_tui.core.sessions.templates import (
    TemplateView,
    delete_template,
    save_template,
    template_for_change,
    template_views,
    view_of,
)
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.screens.text_library import (
    TextEditorForm,
    TextLibraryScreen,
    editor_bindings,
    library_bindings,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.actor import Actor

TITLE_WIDTH = 30


class TemplatesScreen(TextLibraryScreen[TemplateView]):
    """The templates the signed-in user can use. Dismisses with the id of the template to use
    (``picking``: opened from the session form), or None."""

    CSS_PATH = "session_templates.tcss"
    HELP_TITLE = "Agenda templates"
    BINDINGS: ClassVar[list[BindingType]] = library_bindings(
        "templates", "template", enter=("choose", "Use or edit template")
    )
    HEADING = "Agenda templates"
    NOUN = "agenda template"
    BOX_ID = "templates-box"
    LIST_ID = "templates-list"
    EMPTY = "No agenda templates yet: n adds one."
    TOPIC = "session_templates"

    def __init__(self, *, picking: bool = False) -> None:
        super().__init__()
        self.picking = picking

    def fetch(self, session: Session, actor: Actor) -> list[TemplateView]:
        return template_views(session, actor)

    def discard(self, session: Session, actor: Actor, item: TemplateView) -> str:
        return delete_template(session, actor, item.id).id

    def editor(self, item: TemplateView | None) -> TemplateForm:
        return TemplateForm(item)

    def compose_list(self) -> Iterator[Widget]:
        with Horizontal(id="templates-body"):
            yield OptionList(id=self.LIST_ID)
            with VerticalScroll(id="templates-preview-box"):
                yield Static("", id="templates-preview")

    def prompt(self, item: TemplateView) -> Text:
        prompt = Text(clean_line(item.title), no_wrap=True, overflow="ellipsis")
        prompt.truncate(TITLE_WIDTH, overflow="ellipsis", pad=True)
        prompt.append("  ")
        prompt.append("shared" if item.shared else "yours", style="dim")
        return prompt

    def keys_line(self) -> str:
        keys = "enter use · e edit" if self.picking else "enter or e edit"
        return f"{keys} · n new · d delete · escape close"

    def shown(self) -> None:
        self._show_preview()

    @on(OptionList.OptionHighlighted)
    def _show_preview(self) -> None:
        preview = self.query_one("#templates-preview", Static)
        row = self._current()
        if row is None:
            preview.update(Text("Highlight a template to see its agenda.", style="dim"))
            return
        text = Text()
        text.append(clean_line(row.title), style="bold")
        whose = "shared: admins change it" if row.shared else "yours"
        text.append(f"  {whose}\n\n", style="dim")
        text.append(clean_text(row.agenda) if row.agenda.strip() else "(no agenda)")
        preview.update(text)

    def nothing_highlighted(self) -> None:
        self.notify("Highlight a template first.", severity="warning")

    def choose(self, item: TemplateView) -> None:
        if self.picking:
            self.dismiss(item.id)
        else:
            self.action_edit()

    def may_change(self, item: TemplateView, then: Callable[[TemplateView], None]) -> None:
        """Ask the core whether the actor may change ``item``; its refusal is the sentence."""
        actor = self.actor
        self.run_db(
            lambda s: view_of(actor, template_for_change(s, actor, item.id)),
            then,
            group="templates-check",
        )


class TemplateForm(TextEditorForm[TemplateView]):
    """Add a template (``item`` None) or edit one; dismisses with its id once saved. A
    refusal (no title, a taken title, not yours to change) shows its sentence; the form stays."""

    CSS_PATH = "session_templates.tcss"
    HELP_TITLE = "Agenda template"
    BINDINGS: ClassVar[list[BindingType]] = editor_bindings("template_form", "template")
    NOUN = HEADING_NOUN = "agenda template"
    TOPIC = "session_templates"
    BOX_ID = "template-form-box"
    TITLE_ID = "template-title"
    BODY_ID = "template-agenda"
    STATUS_ID = "template-error"
    BODY_LANGUAGE = "markdown"
    KEYS_LINE = "enter moves to the agenda · ctrl+s save · escape cancel"

    def heading(self) -> str:
        if self.item is not None:
            return super().heading()
        return f"{super().heading()} ({'shared' if self.actor.is_admin else 'yours'})"

    def body_of(self, item: TemplateView) -> str:
        return item.agenda

    def store(self, session: Session, actor: Actor, title: str, body: str) -> str:
        existing = self.item
        return save_template(
            session,
            actor,
            title=title,
            agenda=body,
            template_id=existing.id if existing else None,
            expected_version=existing.version if existing else None,
        ).id
