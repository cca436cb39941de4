"""The session form (a modal of the calendar, key `5`): create, edit or reschedule a session,
find the next free slots for its students, and the cancel confirmation (SPEC 4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from mentor_tui.core import clock
from mentor_tui.core.people.students import list_students
from mentor_tui.core.sessions.rules import check_not_past
from mentor_tui.core.sessions.scheduling import edit_session, schedule_session
from mentor_tui.core.sessions.slots import Slot, find_free_slots
from mentor_tui.core.sessions.templates import list_templates
from mentor_tui.core.sessions.views import SessionView
from mentor_tui.core.text import clean_line, editable_line, editable_text
from mentor_tui.core.timezones import WALL_FORMAT, format_moment, parse_local, with_offset
from mentor_tui.errors import UserError
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.drafts import DraftKeeper

SLOT_COUNT = 8


def wall_text(moment: datetime, tz_name: str) -> str:
    """A UTC moment as the 'YYYY-MM-DD HH:MM' a person types in ``tz_name``; with the offset
    when that wall time is ambiguous (a DST change), so it reads back as the same moment."""
    local = clock.to_local(moment, tz_name)
    text = local.strftime(WALL_FORMAT)
    try:
        if parse_local(text, tz_name) == moment:
            return text
    except UserError:
        pass
    return with_offset(local)


@dataclass(frozen=True)
class FormValues:
    students: list[str]
    start: str
    duration: str
    title: str
    link: str
    template_id: str | None
    agenda: str


class SessionFormModal(MentorModal[SessionView | None]):
    """New or existing session; dismisses with the saved session, or None."""

    CSS_PATH = "session_form.tcss"
    HELP_TITLE = "Session form"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save session", id="session_form.save", priority=True),
        Binding("ctrl+f", "find_slot", "Find a free slot", id="session_form.find", priority=True),
        Binding(
            "ctrl+t", "templates", "Agenda templates", id="session_form.templates", priority=True
        ),
        Binding(  # a browser keeps ctrl+t (new tab): `mentor-tui web` uses this one
            "alt+a",
            "templates",
            "Agenda templates",
            id="session_form.templates_alt",
            show=False,
            priority=True,
        ),
        Binding("escape", "close", "Close without saving", id="session_form.close"),
    ]

    def __init__(
        self,
        *,
        session: SessionView | None = None,
        students: list[str] | None = None,
        find_slot: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self._preset = list(session.student_ids if session else students or [])
        self._find_on_open = find_slot
        self._slots: list[Slot] = []
        self._templates: dict[str, str] = {}  # id -> agenda
        # the title and agenda typed, kept as a draft of this session (or of a new one)
        self.drafts = DraftKeeper(
            self,
            "session",
            session.id if session else "new",
            {"title": "#form-title", "agenda": "#form-agenda"},
        )

    def compose(self) -> ComposeResult:
        tz = self.actor.timezone
        view = self.session
        if view is None:
            heading = "New session"
        else:
            heading = f"Edit or reschedule: {clean_line(view.title)}"
        with Vertical(id="form-box"):
            yield Static(heading, id="form-heading", classes="section-title", markup=False)
            with VerticalScroll(id="form-fields"):
                yield Label("Students (space picks; ctrl+f finds free slots for them)")
                yield SelectionList[str](id="form-students")
                yield Label("Free slots (enter takes one)", id="form-slots-label", classes="hidden")
                yield OptionList(id="form-slots", classes="hidden")
                with Horizontal(classes="form-row"):
                    with Vertical(classes="form-cell"):
                        yield Label(f"Start (YYYY-MM-DD HH:MM, {tz})")
                        yield Input(self._start_value(), id="form-start")
                    with Vertical(classes="form-cell narrow"):
                        yield Label("Minutes")
                        minutes = (
                            view.duration_minutes
                            if view
                            else self.services.config.session_duration_minutes
                        )
                        yield Input(str(minutes), id="form-duration", restrict=r"\d{0,4}")
                yield Label("Title (empty: from the template or the students)")
                yield Input(editable_line(view.title) if view else "", id="form-title")
                yield Label("Meeting link")
                yield Input(editable_line(view.meeting_link) if view else "", id="form-link")
                yield Label("Agenda template (ctrl+t: add, edit or delete templates)")
                yield Select[str]([], id="form-template", prompt="No template")
                yield Label("Agenda")
                yield TextArea(editable_text(view.agenda) if view else "", id="form-agenda")
            yield Static("", id="form-error", markup=False)
            yield Static(
                "ctrl+s saves · ctrl+f finds free slots · ctrl+t agenda templates · escape closes",
                classes="muted",
            )

    def _start_value(self) -> str:
        tz = self.actor.timezone
        if self.session is not None:
            return wall_text(self.session.starts_at, tz)
        local = clock.to_local(clock.now(), tz).replace(minute=0, second=0, microsecond=0)
        return (local + timedelta(hours=1)).strftime(WALL_FORMAT)

    def on_mount(self) -> None:
        self.query_one("#form-students").focus()
        self.drafts.start()
        actor = self.actor
        config = self.services.config

        def load(s: Any) -> tuple[list[Any], list[Any]]:
            people = list_students(s, actor, limit=2000, config=config)
            return people, _templates(s, actor)

        self.run_db(load, self._loaded, group="form-load")

    def _loaded(self, result: tuple[list[Any], list[Any]]) -> None:
        people, templates = result
        chosen = set(self._preset)
        picker = self.query_one("#form-students", SelectionList)
        ordered = sorted(people, key=lambda p: (p.id not in chosen, p.full_name.lower()))
        picker.add_options(
            Selection(
                Text(clean_line(p.full_name) + (" (inactive)" if p.status == "Inactive" else "")),
                p.id,
                p.id in chosen,
            )
            for p in ordered
        )
        if ordered:
            picker.highlighted = 0
        self._show_templates(templates)
        if self._find_on_open and chosen:
            self.action_find_slot()

    def refused(self, sentence: str) -> None:
        self.query_one("#form-error", Static).update(sentence)
        self.notify(sentence, severity="warning", markup=False)

    def _chosen_students(self) -> list[str]:
        return list(self.query_one("#form-students", SelectionList).selected)

    @on(TextArea.Changed, "#form-agenda")
    @on(Input.Changed, "#form-title")
    def _typed(self) -> None:
        self.drafts.typed()

    # -- template --------------------------------------------------------------------------
    def _show_templates(
        self, templates: list[tuple[str, str, str]], pick: str | None = None
    ) -> None:
        """Fill the picker; keep the chosen template if it is still there, else take ``pick``."""
        self._templates = {tid: agenda for tid, _title, agenda in templates}
        picker = self.query_one("#form-template", Select)
        keep = picker.value
        picker.set_options((Text(clean_line(title)), tid) for tid, title, _agenda in templates)
        if pick is not None and pick in self._templates:
            with picker.prevent(Select.Changed):
                picker.value = pick
            self.query_one("#form-agenda", TextArea).text = editable_text(self._templates[pick])
        elif keep is not Select.NULL and keep in self._templates:
            with picker.prevent(Select.Changed):  # the same template: the agenda stays as typed
                picker.value = keep

    def action_templates(self) -> None:
        """The templates screen; the one chosen there (enter) fills the agenda."""
        from mentor_tui.screens.calendar.session_templates import TemplatesScreen

        self.app.push_screen(TemplatesScreen(picking=True), self._templates_closed)

    def _templates_closed(self, chosen: str | None) -> None:
        actor = self.actor
        self.run_db(
            lambda s: _templates(s, actor),
            lambda templates: self._show_templates(templates, pick=chosen),
            group="form-templates",
        )

    @on(Select.Changed, "#form-template")
    def _template_picked(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        agenda = self._templates.get(str(event.value))
        if agenda is not None:
            self.query_one("#form-agenda", TextArea).text = editable_text(agenda)

    # -- find a slot -----------------------------------------------------------------------
    def action_find_slot(self) -> None:
        students = self._chosen_students()
        actor = self.actor
        config = self.services.config
        try:
            minutes = int(self.query_one("#form-duration", Input).value or "0") or None
        except ValueError:
            minutes = None
        ignore = self.session

        def job(s: Any) -> list[Slot]:
            slots = find_free_slots(
                s, actor, config, students, duration_minutes=minutes, count=SLOT_COUNT + 1
            )
            if ignore is not None:  # the session itself is not a free slot to move to
                slots = [x for x in slots if x.starts_at != ignore.starts_at]
            return slots[:SLOT_COUNT]

        self.query_one("#form-error", Static).update("Looking for free slots...")
        self.run_db(job, self._show_slots, group="form-slots")

    def _show_slots(self, slots: list[Slot]) -> None:
        self._slots = slots
        tz = self.actor.timezone
        box = self.query_one("#form-slots", OptionList)
        box.clear_options()
        error = self.query_one("#form-error", Static)
        if not slots:
            error.update("No free slot in the next 4 weeks for everyone picked.")
            return
        error.update("")
        box.add_options(
            Option(format_moment(x.starts_at, tz), id=str(i)) for i, x in enumerate(slots)
        )
        box.remove_class("hidden")
        self.query_one("#form-slots-label").remove_class("hidden")
        box.highlighted = 0
        # once laid out, bring the list into view at once: the default focus scroll is animated
        # and judged before the list's new size is known, so where it stops depends on timing
        box.focus(scroll_visible=False)
        self.call_after_refresh(box.scroll_visible, animate=False)

    @on(OptionList.OptionSelected, "#form-slots")
    def _slot_picked(self, event: OptionList.OptionSelected) -> None:
        slot = self._slots[int(event.option_id or 0)]
        self.query_one("#form-start", Input).value = wall_text(slot.starts_at, self.actor.timezone)
        self.query_one("#form-duration", Input).value = str(slot.duration_minutes)
        self.query_one("#form-error", Static).update(
            "Slot taken into the form; ctrl+s saves the session."
        )

    # -- save ------------------------------------------------------------------------------
    def _values(self) -> FormValues:
        template = self.query_one("#form-template", Select).value
        return FormValues(
            students=self._chosen_students(),
            start=self.query_one("#form-start", Input).value,
            duration=self.query_one("#form-duration", Input).value.strip(),
            title=self.query_one("#form-title", Input).value,
            link=self.query_one("#form-link", Input).value.strip(),
            template_id=None if template is Select.NULL else str(template),
            agenda=self.query_one("#form-agenda", TextArea).text,
        )

    def action_save(self) -> None:
        values = self._values()
        actor = self.actor
        config = self.services.config
        existing = self.session
        self.query_one("#form-error", Static).update("Saving...")
        self.run_db(
            partial(_save, actor, config, existing, values),
            self._saved,
            group="form-save",
        )

    def _saved(self, view: SessionView) -> None:
        self.drafts.discard()
        self.dismiss(view)

    def action_close(self) -> None:
        self.drafts.discard()  # closed without saving: what was typed is thrown away
        self.dismiss(None)


def _templates(s: Any, actor: Any) -> list[tuple[str, str, str]]:
    """(id, title, agenda) of the agenda templates the actor can use, by title."""
    return [(t.id, t.title, t.agenda) for t in list_templates(s, actor)]


def _save(
    actor: Any, config: Any, existing: SessionView | None, v: FormValues, s: Any
) -> SessionView:
    """Runs in the worker's transaction: every refusal is the core's sentence."""
    if not v.students:
        raise UserError("Pick at least one student for the session.")
    starts_at = parse_local(v.start, actor.timezone)
    if existing is None or starts_at != existing.starts_at:
        check_not_past(starts_at, actor.timezone)  # a new or moved session, not a past one edited
    if not v.duration.isdigit():
        raise UserError("The duration is a whole number of minutes.")
    minutes = int(v.duration)
    link = v.link or None
    if existing is None:
        return schedule_session(
            s,
            actor,
            config,
            students=v.students,
            starts_at=starts_at,
            duration_minutes=minutes,
            title=v.title,
            meeting_link=link,
            agenda=v.agenda,
            template_id=v.template_id,
        )
    return edit_session(
        s,
        actor,
        existing.id,
        students=v.students,
        starts_at=starts_at,
        duration_minutes=minutes,
        title=v.title,
        meeting_link=link,
        agenda=v.agenda,
    )
