"""A mentor's own profile (`p` on a mentor's dashboard): who they are to the program (time
zone, contact preferences, weekly windows, days off, expertise, specializations, capacity,
backup), read-only but for what the core lets a mentor change about themself
(``core/people/editing.py``, ``MENTOR_OWN_FIELDS``): `e` opens a form for their time zone,
weekly availability windows and contact preferences, `o` their days off.

The form saves only the lines that changed, through ``edit_mentor_profile`` (synced and
audited, in one transaction): a bad zone, a window that ends before it starts or overlaps
another is one sentence, nothing is written and the form stays open."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from mentor_tui.core.people.editing import MentorChanges, edit_mentor_profile, mentor_summary
from mentor_tui.core.people.mentor_fields import parse_availability, parse_list
from mentor_tui.core.people.mentors import MentorEdit, MentorSummary
from mentor_tui.core.text import clean_line, editable_line
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter

OWN_FIELDS = [
    ("timezone", "Time zone (e.g. Europe/Berlin)"),
    ("availability", "Weekly windows in your zone (e.g. Mon 09:00-12:00, Wed 14:00-16:00)"),
    ("contact", "Contact preferences students see (comma-separated)"),
]


def own_text(summary: MentorSummary) -> dict[str, str]:
    """The form's lines as they would be typed."""
    return {
        "timezone": editable_line(summary.timezone),
        "availability": summary.availability_text,
        "contact": editable_line(", ".join(summary.contact_preferences)),
    }


def own_edit(summary: MentorSummary, typed: dict[str, str]) -> MentorEdit:
    """The edit of the lines that changed; the windows are parsed (and refused in one
    sentence) here, so call it inside the save's job."""
    before = own_text(summary)
    changed = {k: v for k, v in typed.items() if v.strip() != before[k].strip()}
    return MentorEdit(
        timezone=changed.get("timezone"),
        availability=parse_availability(changed["availability"])
        if "availability" in changed
        else None,
        contact_preferences=parse_list(changed["contact"]) if "contact" in changed else None,
    )


def profile_text(summary: MentorSummary) -> Text:
    text = Text()
    specs = ", ".join(
        f"{s.name} {s.proficiency}/5{' verified' if s.verified else ''}"
        for s in summary.specializations
    )
    for label, value in [
        ("Time zone", summary.timezone),
        ("Contact", ", ".join(summary.contact_preferences) or "—"),
        ("Weekly windows", summary.availability_text or "none: no free slot is offered"),
        ("Days off", f"{len(summary.availability_exceptions)} marked (o lists them)"),
        ("Expertise", ", ".join(summary.expertise) or "—"),
        ("Specializations", specs or "—"),
        ("Teaching style", summary.teaching_style),
        ("Students", f"{summary.student_count} of {summary.capacity}"),
        ("Weekly hours", str(summary.weekly_hours)),
        ("Backup mentor", summary.backup_mentor_email or "—"),
    ]:
        text.append(f"{label:<17}", style="dim")
        text.append(clean_line(value) + "\n")
    text.append("Only an admin changes the lines after Days off.", style="dim")
    return text


class MyProfileScreen(MentorModal[None]):
    CSS_PATH = "my_profile.tcss"
    HELP_TITLE = "My profile"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit zone, windows, contact", id="my_profile.edit"),
        Binding("o", "days_off", "Days off", id="my_profile.days_off"),
        Binding("escape", "close", "Close", id="my_profile.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._summary: MentorSummary | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="my-profile-box"):
            yield Static("My profile", id="my-profile-title", markup=False)
            yield Static("Loading…", id="my-profile-body", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        actor, config = self.actor, self.services.config
        self.run_db(
            lambda s: mentor_summary(s, actor, actor.id, config=config),
            self._show,
            group="my-profile",
        )

    def _show(self, summary: MentorSummary) -> None:
        self._summary = summary
        self.query_one("#my-profile-title", Static).update(
            f"{clean_line(summary.full_name)} <{clean_line(summary.email)}>"
        )
        self.query_one("#my-profile-body", Static).update(profile_text(summary))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "days_off"):
            return self._summary is not None
        return True

    def refused(self, sentence: str) -> None:
        super().refused(sentence)
        if self._summary is None:  # not a mentor's own profile: nothing to show
            self.dismiss(None)

    def action_edit(self) -> None:
        if self._summary is not None:
            self.app.push_screen(MentorOwnFormScreen(self._summary), self._after)

    def action_days_off(self) -> None:
        from mentor_tui.screens.people.days_off import DaysOffScreen

        if self._summary is not None:
            self.app.push_screen(DaysOffScreen(self._summary.id), self._after)

    def _after(self, _: object) -> None:
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)


class MentorOwnFormScreen(MentorModal[bool]):
    CSS_PATH = "my_profile.tcss"
    HELP_TITLE = "Edit my profile"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="mentor_own_form.save"),
        Binding("escape", "cancel", "Cancel", id="mentor_own_form.cancel"),
    ]

    def __init__(self, summary: MentorSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(id="mentor-own-box"):
            yield Static("Edit my profile", id="mentor-own-title", markup=False)
            for key, label in OWN_FIELDS:
                yield Label(label, markup=False)
                yield Input(own_text(self.summary)[key], id=f"mo-{key}", compact=True)
            yield Static(
                "Windows replace the ones you had; leave the line empty for none.",
                classes="muted",
                markup=False,
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#mo-timezone", Input).focus()

    def typed(self) -> dict[str, str]:
        return {key: self.query_one(f"#mo-{key}", Input).value for key, _ in OWN_FIELDS}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == f"mo-{OWN_FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        summary, typed = self.summary, self.typed()
        before = own_text(summary)
        if all(typed[k].strip() == before[k].strip() for k in before):
            self.notify("Nothing changed.", markup=False)
            self.dismiss(False)
            return
        actor, config = self.actor, self.services.config

        def job(session: Session) -> str:
            edit = own_edit(summary, typed)
            changes = MentorChanges(edit=edit)
            return edit_mentor_profile(session, actor, summary.id, changes, config=config).timezone

        def done(zone: str) -> None:
            if zone != actor.timezone:  # local times from now on in the new zone
                self.services.actor = replace(actor, timezone=zone)
            self.notify("Saved your profile.", markup=False)
            for screen in self.app.screen_stack:
                if screen is not self:
                    screen.post_message(DataChanged("mentor_profile"))
            self.dismiss(True)

        self.run_db(job, done, group="mentor-own-save")

    def action_cancel(self) -> None:
        self.dismiss(False)
