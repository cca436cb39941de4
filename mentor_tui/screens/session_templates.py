"""Agenda templates (calendar `T`, session form `ctrl+t`): the titles and Markdown agendas a new
session's agenda is filled from. enter uses the highlighted template (in the session form) or
edits it (from the calendar); n adds, e edits, d deletes one. Who may change which is the
core's rule (``core/session_templates.py``): a refusal shows its sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from mentor_tui.core.session_templates import (
    TemplateView,
    delete_template,
    save_template,
    template_for_change,
    template_views,
    view_of,
)
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.messages import DataChanged
from mentor_tui.screens.session_form import ConfirmModal, run_guarded

if TYPE_CHECKING:
    from mentor_tui.core.access import Actor

TITLE_WIDTH = 30


class _TemplateModal(ModalScreen[str | None]):
    """Database work in a thread with its own transaction, as the session form does; a person's
    mistake comes back as the core's sentence, anything else fails loudly."""

    @property
    def actor(self) -> Actor:
        return self.app.services.actor  # type: ignore[attr-defined]

    def run_db(self, job: Callable[[Any], Any], done: Callable[[Any], None], *, group: str) -> None:
        run_guarded(self, job, done, self._refused, group=group)

    def _refused(self, sentence: str) -> None:
        self.notify(sentence, severity="warning", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_worker_failure(event)  # type: ignore[attr-defined]


class TemplatesScreen(_TemplateModal):
    """The templates the signed-in user can use. Dismisses with the id of the template to use
    (``picking``: opened from the session form), or None."""

    CSS_PATH = "session_templates.tcss"
    HELP_TITLE = "Agenda templates"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Use or edit template", id="templates.choose"),
        Binding("n", "new", "New template", id="templates.new"),
        Binding("e", "edit", "Edit template", id="templates.edit"),
        Binding("d", "delete", "Delete template", id="templates.delete"),
        Binding("escape", "close", "Close", id="templates.close"),
    ]

    def __init__(self, *, picking: bool = False) -> None:
        super().__init__()
        self.picking = picking
        self._templates: dict[str, TemplateView] = {}

    def compose(self) -> ComposeResult:
        keys = "enter use · e edit" if self.picking else "enter or e edit"
        with Vertical(id="templates-box"):
            yield Static("Agenda templates", classes="section-title", markup=False)
            with Horizontal(id="templates-body"):
                yield OptionList(id="templates-list")
                with VerticalScroll(id="templates-preview-box"):
                    yield Static("", id="templates-preview")
            yield Static(
                f"{keys} · n new · d delete · escape close",
                classes="muted",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    def _load(self, select: str | None = None) -> None:
        actor = self.actor
        self.run_db(
            lambda s: template_views(s, actor),
            lambda rows: self._show(rows, select),
            group="templates-load",
        )

    def _show(self, rows: list[TemplateView], select: str | None) -> None:
        self._templates = {row.id: row for row in rows}
        options = self.query_one(OptionList)
        keep = select or self._highlighted_id()
        options.clear_options()
        if not rows:
            options.add_option(
                Option(Text("No agenda templates yet: n adds one.", style="dim"), disabled=True)
            )
            self._show_preview()
            return
        for row in rows:
            prompt = Text(clean_line(row.title), no_wrap=True, overflow="ellipsis")
            prompt.truncate(TITLE_WIDTH, overflow="ellipsis", pad=True)
            prompt.append("  ")
            prompt.append("shared" if row.shared else "yours", style="dim")
            options.add_option(Option(prompt, id=row.id))
        ids = [row.id for row in rows]
        options.highlighted = ids.index(keep) if keep in ids else 0
        self._show_preview()

    def _highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.option_count == 0:
            return None
        option = options.get_option_at_index(options.highlighted)
        return option.id if option.id in self._templates else None

    def _current(self) -> TemplateView | None:
        key = self._highlighted_id()
        return self._templates.get(key) if key else None

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

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose()

    def _need_current(self) -> TemplateView | None:
        row = self._current()
        if row is None:
            self.notify("Highlight a template first.", severity="warning")
        return row

    def action_choose(self) -> None:
        if self.picking:
            row = self._need_current()
            if row is not None:
                self.dismiss(row.id)
            return
        self.action_edit()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.app.push_screen(TemplateForm(None), self._saved)

    def _changeable(self, row: TemplateView, then: Any) -> None:
        """Ask the core whether the actor may change ``row``; its refusal is the sentence."""
        actor = self.actor
        self.run_db(
            lambda s: view_of(actor, template_for_change(s, actor, row.id)),
            then,
            group="templates-check",
        )

    def action_edit(self) -> None:
        row = self._need_current()
        if row is not None:
            self._changeable(
                row, lambda fresh: self.app.push_screen(TemplateForm(fresh), self._saved)
            )

    def _saved(self, template_id: str | None) -> None:
        if template_id:
            self._load(select=template_id)

    def action_delete(self) -> None:
        row = self._need_current()
        if row is None:
            return
        actor = self.actor

        def deleted(_: Any) -> None:
            self.notify(f"Deleted the agenda template '{clean_line(row.title)}'.", markup=False)
            self.post_message(DataChanged("session_templates"))
            self._load()

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: delete_template(s, actor, row.id).id, deleted, group="templates-write"
                )

        def ask(_: TemplateView) -> None:
            question = f"Delete the agenda template '{clean_line(row.title)}'?"
            self.app.push_screen(ConfirmModal(question), answered)

        self._changeable(row, ask)


class TemplateForm(_TemplateModal):
    """Add a template (``template`` None) or edit one; dismisses with its id once saved. A
    refusal (no title, a taken title, not yours to change) shows its sentence; the form stays."""

    CSS_PATH = "session_templates.tcss"
    HELP_TITLE = "Agenda template"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save template", id="template_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="template_form.cancel", priority=True),
    ]

    def __init__(self, template: TemplateView | None) -> None:
        super().__init__()
        self.template = template

    def compose(self) -> ComposeResult:
        row = self.template
        with Vertical(id="template-form-box"):
            heading = "Edit agenda template" if row else "New agenda template"
            if row is None:
                heading += " (shared)" if self.actor.is_admin else " (yours)"
            yield Static(heading, classes="section-title", markup=False)
            yield Input(
                clean_line(row.title) if row else "", placeholder="title", id="template-title"
            )
            yield TextArea(
                clean_text(row.agenda) if row else "",
                language="markdown",
                id="template-agenda",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
            )
            yield Static("", id="template-error", markup=False)
            yield Static(
                "enter moves to the agenda · ctrl+s save · escape cancel",
                classes="muted",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#template-title", Input).focus()

    @on(Input.Submitted, "#template-title")
    def _next_field(self) -> None:
        self.query_one("#template-agenda", TextArea).focus()

    def action_save(self) -> None:
        title = self.query_one("#template-title", Input).value
        agenda = self.query_one("#template-agenda", TextArea).text
        actor = self.actor
        existing = self.template

        def job(s: Any) -> str:
            return save_template(
                s,
                actor,
                title=title,
                agenda=agenda,
                template_id=existing.id if existing else None,
                expected_version=existing.version if existing else None,
            ).id

        def done(template_id: str) -> None:
            verb = "Saved" if existing else "Added"
            name = clean_line(" ".join(title.split()))
            self.notify(f"{verb} the agenda template '{name}'.", markup=False)
            self.post_message(DataChanged("session_templates"))
            self.dismiss(template_id)

        self.query_one("#template-error", Static).update("Saving...")
        self.run_db(job, done, group="template-save")

    def _refused(self, sentence: str) -> None:
        self.query_one("#template-error", Static).update(sentence)
        super()._refused(sentence)

    def action_cancel(self) -> None:
        self.dismiss(None)
