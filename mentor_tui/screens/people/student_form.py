"""Edit a student's profile (`e` on the students screen; a student's own with `e` on their
home screen): learning style, skills they need, goals (several lines: enter breaks a line
there), time zone, weekly availability windows and status, with the core's rules
(``core/people/editing.py``, ``core/people/windows.py``): an admin changes every field, a mentor
their student's needs and goals, a student their own profile and windows but not the status
(the other lines are shown but cannot be changed). `ctrl+o` opens the student's days off (an
admin's and the student's own). Setting the status to graduated records the day (in the
student's zone), shown under the status; graduated students leave the working lists.
`ctrl+s` (or enter on the last line) saves only the lines that changed, in one transaction: a
refusal is one sentence, nothing is written and the form stays open."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from mentor_tui.core.people.editing import (
    GRADUATED,
    StudentEdit,
    StudentProfileView,
    edit_student_profile,
    show_student,
    student_fields_for,
)
from mentor_tui.core.people.mentor_fields import format_availability, parse_list
from mentor_tui.core.people.windows import (
    AvailabilityView,
    availability_editable_by,
    set_availability,
    show_availability,
)
from mentor_tui.core.text import editable_line, editable_text
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter

FIELDS = [
    ("learning_style", "Learning style (visual, auditory, kinesthetic, mixed)"),
    ("needed_skills", "Skills they need (comma-separated)"),
    ("goals", "Goals (enter starts a new line)"),
    ("timezone", "Timezone (e.g. Europe/Berlin)"),
    ("availability", "Weekly windows, their zone (e.g. Mon 09:00-12:00, Wed 14:00-16:00)"),
    ("status", "Status (active, inactive, graduated)"),
]
MULTI_LINE = frozenset({"goals"})
STATUS_WORDS = {"Active": "active", "Inactive": "inactive", GRADUATED: "graduated"}


@dataclass(frozen=True)
class StudentFormData:
    profile: StudentProfileView
    availability: AvailabilityView


def form_text(data: StudentFormData) -> dict[str, str]:
    """What each line of the form shows, as it would be typed (goals keep their lines)."""
    view = data.profile
    return {
        "learning_style": editable_line(view.learning_style),
        "needed_skills": editable_line(", ".join(view.needed_skills)),
        "goals": editable_text(view.goals),
        "timezone": editable_line(view.timezone),
        "availability": format_availability(data.availability.windows),
        "status": STATUS_WORDS.get(view.status, view.status),
    }


def changed_fields(data: StudentFormData, typed: dict[str, str]) -> dict[str, str]:
    """The lines whose text differs from what the form was loaded with."""
    before = form_text(data)
    return {k: v for k, v in typed.items() if v.strip() != before[k].strip()}


def changed_edit(changed: dict[str, str]) -> StudentEdit:
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
        self._data: StudentFormData | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="student-form-box"):
            yield Static("Edit student", id="student-form-title", markup=False)
            for key, label in FIELDS:
                yield Label(label, markup=False)
                if key in MULTI_LINE:
                    yield TextArea(id=f"sf-{key}", disabled=True, compact=True, soft_wrap=True)
                else:
                    yield Input(id=f"sf-{key}", disabled=True, compact=True)
            yield Static("", id="sf-graduated", markup=False)
            yield Static("ctrl+s saves · escape cancels", id="sf-hint", classes="muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        actor, key = self.actor, self.student_id

        def load(session: Session) -> StudentFormData:
            profile = show_student(session, actor, key)
            return StudentFormData(profile, show_availability(session, actor, profile.id))

        self.run_db(load, self._loaded, group="student-form")

    def allowed(self, view: StudentProfileView) -> frozenset[str]:
        allowed = student_fields_for(self.actor, view.id, view.mentor_id)
        if availability_editable_by(self.actor, view.id):
            allowed |= {"availability"}
        return allowed

    def _loaded(self, data: StudentFormData) -> None:
        self._data = data
        view = data.profile
        allowed = self.allowed(view)
        self.query_one("#student-form-title", Static).update(
            f"Edit {view.full_name} <{view.email}>"
        )
        first: Input | TextArea | None = None
        for key, value in form_text(data).items():
            if key in MULTI_LINE:
                area = self.query_one(f"#sf-{key}", TextArea)
                area.load_text(value)
                box: Input | TextArea = area
            else:
                line = self.query_one(f"#sf-{key}", Input)
                line.value = value
                box = line
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
            data = self._data
            return data is not None and availability_editable_by(self.actor, data.profile.id)
        return True

    def action_days_off(self) -> None:
        from mentor_tui.screens.people.days_off import DaysOffScreen

        if self._data is not None:
            self.app.push_screen(DaysOffScreen(self._data.profile.id))

    def refused(self, sentence: str) -> None:
        super().refused(sentence)
        if self._data is None:  # the student could not even be read: nothing to edit
            self.dismiss(None)

    def typed(self) -> dict[str, str]:
        return {
            key: self.query_one(f"#sf-{key}", TextArea).text
            if key in MULTI_LINE
            else self.query_one(f"#sf-{key}", Input).value
            for key, _ in FIELDS
        }

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        enabled = [b for b in self.query(Input).results(Input) if not b.disabled]
        if enabled and event.input is enabled[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        data = self._data
        if data is None:
            return
        changed = changed_fields(data, self.typed())
        if not changed:
            self.notify("Nothing changed.", markup=False)
            self.dismiss(None)
            return
        windows = changed.pop("availability", None)
        edit = changed_edit(changed)
        actor, config, student_id = self.actor, self.services.config, data.profile.id

        def job(session: Session) -> StudentProfileView:
            # one transaction: a refused window leaves the other lines unwritten too
            saved = data.profile
            if edit.asked():
                saved = edit_student_profile(session, actor, student_id, edit)
            if windows is not None:
                set_availability(session, actor, student_id, parse_list(windows), config=config)
            return saved

        def done(saved: StudentProfileView) -> None:
            view = data.profile
            if saved.id == actor.id and saved.timezone != actor.timezone:
                self.services.actor = replace(actor, timezone=saved.timezone)  # their own zone
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
