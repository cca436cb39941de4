"""Edit a student's profile (`e` on the students screen; a student's own with `e` on their
home screen): learning style, skills they need, goals, time zone and status, with the core's
rules (``core/people/editing.py``): an admin changes every field, a mentor their student's
needs and goals, a student their own profile but the status (the other lines are shown but
cannot be changed). `ctrl+o` opens the student's days off (an admin's and the student's own). Setting the status to graduated
records the day (in the student's zone), shown under the status; graduated students leave the
working lists. `ctrl+s` (or enter on the last line) saves only the lines that changed; a
refusal is one sentence and the form stays open."""

from __future__ import annotations

from typing import ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from mentor_tui.core.people.editing import (
    GRADUATED,
    StudentEdit,
    StudentProfileView,
    edit_student_profile,
    show_student,
    student_fields_for,
)
from mentor_tui.core.people.mentor_fields import parse_list
from mentor_tui.core.text import editable_line
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter

FIELDS = [
    ("learning_style", "Learning style (visual, auditory, kinesthetic, mixed)"),
    ("needed_skills", "Skills they need (comma-separated)"),
    ("goals", "Goals"),
    ("timezone", "Timezone (e.g. Europe/Berlin)"),
    ("status", "Status (active, inactive, graduated)"),
]
STATUS_WORDS = {"Active": "active", "Inactive": "inactive", GRADUATED: "graduated"}


def form_text(view: StudentProfileView) -> dict[str, str]:
    return {
        "learning_style": view.learning_style,
        "needed_skills": ", ".join(view.needed_skills),
        "goals": " ".join(view.goals.split()),
        "timezone": view.timezone,
        "status": STATUS_WORDS.get(view.status, view.status),
    }


def changed_edit(view: StudentProfileView, typed: dict[str, str]) -> StudentEdit:
    """The edit of the lines whose text differs from what the form was loaded with."""
    before = {k: editable_line(v).strip() for k, v in form_text(view).items()}
    changed = {k: v for k, v in typed.items() if v.strip() != before[k]}
    return StudentEdit(
        learning_style=changed.get("learning_style"),
        needed_skills=parse_list(changed["needed_skills"]) if "needed_skills" in changed else None,
        goals=changed.get("goals"),
        timezone=changed.get("timezone"),
        status=changed.get("status"),
    )


class StudentFormScreen(MentorModal[None]):
    CSS_PATH = "student_form.tcss"
    HELP_TITLE = "Edit student"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="student_form.save"),
        Binding("ctrl+o", "days_off", "Days off", id="student_form.days_off"),
        Binding("escape", "cancel", "Cancel", id="student_form.cancel"),
    ]

    def __init__(self, student_id: str) -> None:
        super().__init__()
        self.student_id = student_id
        self._view: StudentProfileView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="student-form-box"):
            yield Static("Edit student", id="student-form-title", markup=False)
            for key, label in FIELDS:
                yield Label(label)
                yield Input(id=f"sf-{key}", disabled=True, compact=True)
            yield Static("", id="sf-graduated", markup=False)
            yield Static("ctrl+s saves · escape cancels", id="sf-hint", classes="muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        actor, key = self.actor, self.student_id
        self.run_db(lambda s: show_student(s, actor, key), self._loaded, group="student-form")

    def _loaded(self, view: StudentProfileView) -> None:
        self._view = view
        allowed = student_fields_for(self.actor, view.id, view.mentor_id)
        self.query_one("#student-form-title", Static).update(
            f"Edit {view.full_name} <{view.email}>"
        )
        first: Input | None = None
        for key, value in form_text(view).items():
            box = self.query_one(f"#sf-{key}", Input)
            box.value = editable_line(value)
            box.disabled = key not in allowed
            if first is None and not box.disabled:
                first = box
        self.query_one("#sf-graduated", Static).update(
            f"Graduated on {view.graduated_on.isoformat()}"
            if view.graduated_on
            else "Graduating records today's date in their time zone."
            if "status" in allowed
            else ""
        )
        if len(allowed) < len(FIELDS):
            self.query_one("#sf-hint", Static).update(
                "Only an admin can change the greyed lines · ctrl+s saves · escape cancels"
            )
        if first is not None:
            first.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "days_off":  # a student's days off: an admin's or their own
            view = self._view
            return view is not None and (self.actor.is_admin or self.actor.id == view.id)
        return True

    def action_days_off(self) -> None:
        from mentor_tui.screens.people.days_off import DaysOffScreen

        if self._view is not None:
            self.app.push_screen(DaysOffScreen(self._view.id))

    def refused(self, sentence: str) -> None:
        super().refused(sentence)
        if self._view is None:  # the student could not even be read: nothing to edit
            self.dismiss(None)

    def typed(self) -> dict[str, str]:
        return {key: self.query_one(f"#sf-{key}", Input).value for key, _ in FIELDS}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        enabled = [b for b in self.query(Input).results(Input) if not b.disabled]
        if enabled and event.input is enabled[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        view = self._view
        if view is None:
            return
        edit = changed_edit(view, self.typed())
        if not edit.asked():
            self.notify("Nothing changed.", markup=False)
            self.dismiss(None)
            return
        actor = self.actor

        def job(session: Session) -> StudentProfileView:
            return edit_student_profile(session, actor, view.id, edit)

        def done(saved: StudentProfileView) -> None:
            said = f"Saved {saved.full_name}."
            if saved.graduated_on and saved.status == GRADUATED and view.status != GRADUATED:
                said = f"{saved.full_name} graduated on {saved.graduated_on.isoformat()}."
            self.notify(said, markup=False)
            for screen in self.app.screen_stack:
                if screen is not self:
                    screen.post_message(DataChanged("student_profile"))
            self.dismiss(None)

        self.run_db(job, done, group="student-form-save")

    def action_cancel(self) -> None:
        self.dismiss(None)
