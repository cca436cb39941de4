"""The Mentors pane of the admin screen (key `6`, then `m`): the mentor list with load and
availability, the mentor form, deactivation, unavailability with its student moves, days off
(`d`), the substitutions under way (`w`, where `k` keeps a pairing), and the CSV import of users
with its progress bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from mentor_tui.core.audit.log import parse_day
from mentor_tui.core.matching.auto import auto_assign_new_students
from mentor_tui.core.matching.unavailability import (
    UnavailabilityPlan,
    mark_available,
    mark_unavailable,
    plan_unavailability,
)
from mentor_tui.core.people.editing import parse_specializations
from mentor_tui.core.people.mentors import (
    MentorEdit,
    MentorSummary,
    create_mentor,
    deactivate_mentor,
    edit_mentor,
    list_mentors,
    parse_availability,
    parse_list,
    reactivate_mentor,
)
from mentor_tui.core.people.users import import_users_csv
from mentor_tui.errors import UserError
from mentor_tui.screens.admin.part import AdminPart
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.figures import user_text

if TYPE_CHECKING:
    from mentor_tui.screens.admin.mentor_form import MentorFormValues


def _whole(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(f"The {what} must be a whole number.")
    return int(text)


class MentorsPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "screen.create_mentor", "New mentor", id="admin.mentor_create"),
        Binding("e", "screen.edit_mentor", "Edit", id="admin.mentor_edit"),
        Binding("x", "screen.deactivate_mentor", "Deactivate", id="admin.mentor_deactivate"),
        Binding("o", "screen.reactivate_mentor", "Reactivate", id="admin.mentor_reactivate"),
        Binding("u", "screen.unavailable", "Unavailable", id="admin.mentor_unavailable"),
        Binding("v", "screen.available", "Available", id="admin.mentor_available"),
        Binding("d", "screen.mentor_days_off", "Days off", id="admin.mentor_days_off"),
        Binding("w", "screen.substitutions", "Substitutions", id="admin.substitutions"),
        Binding("i", "screen.import_csv", "Import CSV", id="admin.import_csv"),
    ]


class MentorsPart(AdminPart):
    """The Mentors pane's logic (``#mentors-table``, ``#mentors-detail``)."""

    def __init__(self) -> None:
        super().__init__()
        self._mentors: list[MentorSummary] = []

    def _load_mentors(self) -> None:
        actor, config = self.actor, self.config
        self.run_db(
            lambda s: list_mentors(s, actor, config=config),
            self._show_mentors,
            group="admin-mentors",
        )

    def _show_mentors(self, mentors: list[MentorSummary]) -> None:
        self._mentors = mentors
        table = self.query_one("#mentors-table", DataTable)
        row = table.cursor_row
        table.clear()
        for m in mentors:
            over = m.student_count > m.capacity
            load = Text(f"{m.student_count}/{m.capacity}", style="bold red" if over else "")
            avail = "yes" if m.available else f"no: {m.unavailable_reason or 'unavailable'}"
            if m.available is False and m.unavailable_until:
                avail += f" (until {m.unavailable_until.isoformat()})"
            table.add_row(
                user_text(m.full_name),
                user_text(m.email),
                user_text(m.status, "" if m.status == "Active" else "dim"),
                load,
                user_text(", ".join(m.expertise)),
                user_text(m.timezone),
                user_text(avail, "" if m.available else "yellow"),
                key=m.id,
            )
        if mentors:
            table.move_cursor(row=min(row, len(mentors) - 1))

    def _current_mentor(self) -> MentorSummary | None:
        table = self.query_one("#mentors-table", DataTable)
        if not self._mentors or table.row_count == 0:
            self.app.bell()
            return None
        return self._mentors[min(table.cursor_row, len(self._mentors) - 1)]

    @on(DataTable.RowHighlighted, "#mentors-table")
    def _mentor_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        if not 0 <= index < len(self._mentors):
            return
        m = self._mentors[index]
        specs = ", ".join(
            f"{s.name} {s.proficiency}/5{' verified' if s.verified else ''}"
            for s in m.specializations
        )
        lines = [
            f"{m.full_name} <{m.email}> · {m.teaching_style} teaching · {m.weekly_hours} h a week",
            f"Specializations: {specs or 'none'}",
            f"Availability: {m.availability_text or 'not set'} · backup: {m.backup_mentor_email or 'none'}",
            "enter: show their students in the Assign pane",
        ]
        self.query_one("#mentors-detail", Static).update("\n".join(lines))

    @on(DataTable.RowSelected, "#mentors-table")
    def _mentor_students(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self._mentors):
            m = self._mentors[index]
            self.show_mentor_students(m.id, m.full_name)

    @staticmethod
    def _form_edit(
        values: MentorFormValues, session: Session, mentor_id: str | None = None
    ) -> MentorEdit:
        """The form's text as a checked edit (in the worker: the specializations keep the
        certification links they have in the store)."""
        return MentorEdit(
            full_name=values.full_name,
            timezone=values.timezone.strip() or "UTC",
            expertise=parse_list(values.expertise),
            capacity=_whole(values.capacity, "capacity"),
            weekly_hours=_whole(values.weekly_hours, "weekly hours"),
            teaching_style=values.teaching_style.strip() or "mixed",
            specializations=parse_specializations(session, mentor_id, values.specializations),
            availability=parse_availability(values.availability),
            contact_preferences=[c.strip() for c in values.contact.split(";") if c.strip()],
            backup_mentor=values.backup_mentor.strip(),
        )

    def action_create_mentor(self) -> None:
        from mentor_tui.screens.admin.mentor_form import MentorFormScreen

        actor, config = self.actor, self.config

        def save(values: MentorFormValues, close: Callable[[], None]) -> None:
            def job(session: Session) -> str:
                edit = self._form_edit(values, session)
                mentor = create_mentor(
                    session,
                    actor,
                    email=values.email,
                    full_name=values.full_name,
                    timezone=edit.timezone or "UTC",
                    profile=MentorEdit(
                        expertise=edit.expertise,
                        capacity=edit.capacity,
                        weekly_hours=edit.weekly_hours,
                        teaching_style=edit.teaching_style,
                        specializations=edit.specializations,
                        availability=edit.availability,
                        contact_preferences=edit.contact_preferences,
                        backup_mentor=edit.backup_mentor or None,
                    ),
                    config=config,
                )
                return mentor.email

            def done(email: str) -> None:
                close()
                self._wrote(f"Created the mentor {email}.")

            self.run_db(job, done, group="admin-write")

        self.app.push_screen(
            MentorFormScreen(save, default_capacity=config.max_students_per_mentor)
        )

    def action_edit_mentor(self) -> None:
        from mentor_tui.screens.admin.mentor_form import MentorFormScreen

        mentor = self._current_mentor()
        if mentor is None:
            return
        actor, config = self.actor, self.config

        def save(values: MentorFormValues, close: Callable[[], None]) -> None:
            def job(session: Session) -> str:
                edit = self._form_edit(values, session, mentor.id)
                edit_mentor(session, actor, mentor.id, edit, config=config)
                return mentor.email

            def done(email: str) -> None:
                close()
                self._wrote(f"Saved {email}.")

            self.run_db(job, done, group="admin-write")

        self.app.push_screen(MentorFormScreen(save, mentor))

    def _confirm_then(self, title: str, lines: list[str], job: Callable[[Session], str]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(job, self._wrote, group="admin-write")

        self.app.push_screen(ConfirmScreen(title, lines), answered)

    def action_deactivate_mentor(self) -> None:
        mentor = self._current_mentor()
        if mentor is None:
            return
        actor = self.actor

        def job(session: Session) -> str:
            deactivate_mentor(session, actor, mentor.id)
            return f"{mentor.email} is now inactive."

        self._confirm_then(
            f"Deactivate {mentor.full_name}?",
            [f"{mentor.email} will no longer sign in or take students."],
            job,
        )

    def action_reactivate_mentor(self) -> None:
        mentor = self._current_mentor()
        if mentor is None:
            return
        actor = self.actor

        def job(session: Session) -> str:
            reactivate_mentor(session, actor, mentor.id)
            return f"{mentor.email} is active again."

        self._confirm_then(f"Reactivate {mentor.full_name}?", [mentor.email], job)

    def action_available(self) -> None:
        mentor = self._current_mentor()
        if mentor is None:
            return
        actor = self.actor

        def job(session: Session) -> str:
            mark_available(session, actor, mentor.id)
            return f"{mentor.email} is available again."

        self._confirm_then(f"Mark {mentor.full_name} available?", [mentor.email], job)

    def action_unavailable(self) -> None:
        from mentor_tui.screens.admin.unavailable_form import UnavailableFormScreen

        mentor = self._current_mentor()
        if mentor is None:
            return
        actor, config = self.actor, self.config

        def preview(reason: str, until_text: str, close: Callable[[], None]) -> None:
            until = parse_day_or_notify(until_text)
            if until is False:
                return

            def job(session: Session) -> UnavailabilityPlan:
                return plan_unavailability(
                    session, actor, mentor.id, reason=reason, until=until, config=config
                )

            def done(plan: UnavailabilityPlan) -> None:
                close()
                self._confirm_unavailable(plan)

            self.run_db(job, done, group="admin-plan")

        def parse_day_or_notify(text: str) -> date | bool | None:
            try:
                return parse_day(text)
            except UserError as error:
                self.notify(str(error), severity="warning", markup=False)
                return False

        self.app.push_screen(UnavailableFormScreen(mentor.full_name, preview))

    def _confirm_unavailable(self, plan: UnavailabilityPlan) -> None:
        actor, config = self.actor, self.config
        lines = [
            f"{m.student_name}: → {m.to.full_name if m.to else 'nobody'} ({m.reason})"
            for m in plan.moves
        ] or ["They have no students to move."]

        def job(session: Session) -> str:
            mark_unavailable(
                session,
                actor,
                plan.mentor_id,
                reason=plan.reason,
                until=plan.until,
                config=config,
                expected=plan,
            )
            moved = sum(1 for m in plan.moves if m.to is not None)
            return (
                f"{plan.mentor_email} is unavailable; {moved} of {len(plan.moves)} students moved."
            )

        self._confirm_then(f"Mark {plan.mentor_name} unavailable and move:", lines, job)

    def action_mentor_days_off(self) -> None:
        from mentor_tui.screens.people.days_off import DaysOffScreen

        mentor = self._current_mentor()
        if mentor is not None:
            self.app.push_screen(DaysOffScreen(mentor.id))

    def action_substitutions(self) -> None:
        from mentor_tui.screens.admin.substitutions import SubstitutionsScreen

        self.app.push_screen(SubstitutionsScreen())

    def action_import_csv(self) -> None:
        from mentor_tui.screens.admin.csv_import import CsvImportScreen

        actor, config = self.actor, self.config

        def run(
            path: str, progress: Callable[[int, int], None], finished: Callable[[bool], None]
        ) -> None:
            def job(session: Session) -> str | UserError:
                try:
                    result = import_users_csv(
                        session, actor, path, config=config, progress=progress
                    )
                    auto_assign_new_students(
                        session, actor, result.unassigned_students, config=config
                    )
                except UserError as error:
                    session.rollback()
                    return error
                roles = ", ".join(f"{n} {role}" for role, n in sorted(result.by_role.items()))
                return (
                    f"Imported {result.created} users ({roles})." if roles else "Imported nothing."
                )

            def done(outcome: str | UserError) -> None:
                if isinstance(outcome, UserError):
                    self.notify(str(outcome), severity="warning", markup=False, timeout=10)
                    finished(False)
                else:
                    finished(True)
                    self._wrote(outcome)

            self.run_db(job, done, group="admin-import")

        self.app.push_screen(CsvImportScreen(run))
