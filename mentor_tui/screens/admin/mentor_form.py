"""Create or edit a mentor: one field a line; `ctrl+s` (or enter on the last field) saves.
The core checks every field; a refusal is shown and the form stays open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from mentor_tui.core.people.editing import format_specializations
from mentor_tui.core.people.mentors import MentorSummary
from mentor_tui.core.text import editable_line
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class MentorFormValues:
    email: str
    full_name: str
    timezone: str
    expertise: str
    capacity: str
    weekly_hours: str
    teaching_style: str
    specializations: str
    availability: str
    contact: str
    backup_mentor: str


FIELDS = [
    ("email", "Email"),
    ("full_name", "Full name"),
    ("timezone", "Timezone (e.g. Europe/Berlin)"),
    ("expertise", "Expertise (comma-separated)"),
    ("capacity", "Capacity (students)"),
    ("weekly_hours", "Weekly hours"),
    ("teaching_style", "Teaching style (visual, auditory, kinesthetic, mixed)"),
    (
        "specializations",
        "Specializations (NAME:LEVEL 1-5, 'verified' when checked; comma-separated)",
    ),
    ("availability", "Weekly windows in their timezone (e.g. Mon 09:00-12:00, Wed 14:00-16:00)"),
    ("contact", "Contact preferences students see (e.g. email; replies within a day)"),
    ("backup_mentor", "Backup mentor (email, empty for none)"),
]


class MentorFormScreen(MentorModal[None]):
    """``save(values, close)`` runs the write in a worker and calls ``close()`` when it worked."""

    CSS_PATH = "mentor_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="mentor_form.save"),
        Binding("escape", "cancel", "Cancel", id="mentor_form.cancel"),
    ]

    def __init__(
        self,
        save: Callable[[MentorFormValues, Callable[[], None]], object],
        mentor: MentorSummary | None = None,
        *,
        default_capacity: int = 20,
    ) -> None:
        super().__init__()
        self._save = save
        self._mentor = mentor
        self._default_capacity = default_capacity

    def _initial(self) -> dict[str, str]:
        m = self._mentor
        if m is None:
            return {
                "timezone": "UTC",
                "capacity": str(self._default_capacity),
                "weekly_hours": "10",
                "teaching_style": "mixed",
            }
        return {
            "email": m.email,
            "full_name": m.full_name,
            "timezone": m.timezone,
            "expertise": ", ".join(m.expertise),
            "capacity": str(m.capacity),
            "weekly_hours": str(m.weekly_hours),
            "teaching_style": m.teaching_style,
            "specializations": format_specializations(m.specializations),
            "availability": m.availability_text,
            "contact": "; ".join(m.contact_preferences),
            "backup_mentor": m.backup_mentor_email or "",
        }

    def compose(self) -> ComposeResult:
        initial = self._initial()
        title = "New mentor" if self._mentor is None else f"Edit {self._mentor.email}"
        with VerticalScroll(id="mentor-form-box"):
            yield Static(title, id="mentor-form-title", markup=False)
            for key, label in FIELDS:
                yield Label(label)
                yield Input(
                    editable_line(initial.get(key, "")),
                    id=f"mf-{key}",
                    disabled=key == "email" and self._mentor is not None,
                    compact=True,
                )
            yield Static("ctrl+s saves · escape cancels", classes="muted")
        yield KeyFooter()

    def on_mount(self) -> None:
        first = "mf-email" if self._mentor is None else "mf-full_name"
        self.query_one(f"#{first}", Input).focus()

    def values(self) -> MentorFormValues:
        return MentorFormValues(
            **{key: self.query_one(f"#mf-{key}", Input).value for key, _ in FIELDS}
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == f"mf-{FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self._save(self.values(), lambda: self.dismiss(None))

    def action_cancel(self) -> None:
        self.dismiss(None)
