"""The Assign pane of the admin screen (key `6`, then `a`): students on the left (all, those
without a mentor, or one mentor's; narrowed by name or email with `/` and by a needed skill with
`n`), paged from SQLite; on the right the mentors ranked for the highlighted student."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Static

from mentor_tui.core.access import Actor
from mentor_tui.core.assignment.seats import assign_student, unassign_student
from mentor_tui.core.people.unassigned import (
    AssignFilter,
    count_assign_students,
    list_assign_students,
    needed_skills,
    resolve_skill,
    with_spellings,
)
from mentor_tui.core.services import Services
from mentor_tui.screens.admin.part import AdminPart
from mentor_tui.screens.dialogs import ConfirmScreen
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

if TYPE_CHECKING:  # the matching scores (numpy) load in the worker that ranks
    from mentor_tui.core.matching.plan import MentorRanking

STUDENT_COLUMNS = [
    Column("name", "Student", width=22, sortable=False),
    Column("email", "Email", width=None, sortable=False),
    Column("mentor", "Mentor", width=18, sortable=False),
]
MODE_LABELS = {
    "all": "All students",
    "unassigned": "Active students without a mentor",
    "mentor": "Active students of {mentor}",
    "picked": "Picked in the students list",
}


class AssignStudentsSource:
    """The assignment pane's students, a page at a time from SQL (called from the table's
    worker thread); the names it meets are kept for the confirmations."""

    def __init__(
        self, services: Services, actor: Actor, flt: AssignFilter, names: dict[str, str]
    ) -> None:
        self.services = services
        self.actor = actor
        self.flt = flt
        self.names = names
        self._lock = threading.Lock()

    def _filter(self, session: Session, *, fresh: bool = False) -> AssignFilter:
        """The filter with its skill's stored spellings: looked up again on every count (a
        reload after a write may bring a new spelling), kept for the pages after it."""
        with self._lock:
            flt = replace(self.flt, spellings=None) if fresh else self.flt
            self.flt = with_spellings(session, flt)
            return self.flt

    def count(self) -> int:
        return self.services.run(
            lambda s: count_assign_students(s, self.actor, self._filter(s, fresh=True))
        )

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        rows = self.services.run(
            lambda s: list_assign_students(
                s, self.actor, self._filter(s), offset=offset, limit=limit
            )
        )
        self.names.update({r.id: r.full_name for r in rows})
        return [
            PagedRow(
                r.id,
                (
                    user_text(r.full_name),
                    user_text(r.email),
                    user_text(r.mentor_name or "unassigned", "" if r.mentor_name else "dim"),
                ),
            )
            for r in rows
        ]


class AssignPane(Horizontal):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "screen.best", "Best mentor", id="admin.assign_best"),
        Binding("u", "screen.unassign", "Unassign", id="admin.unassign"),
        Binding("f", "screen.cycle_filter", "Show all/unassigned", id="admin.assign_filter_mode"),
        Binding("n", "screen.skill_filter", "Needed skill", id="admin.assign_skill"),
    ]


class StudentPicker(PagedTable):
    """The assignment pane's student list: `enter` goes on to pick a mentor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Pick mentor", id="admin.pick_mentor")
    ]


class AssignPart(AdminPart):
    """The Assign pane's logic (``#assign-students``, ``#assign-mentors`` and the filters)."""

    def __init__(self) -> None:
        super().__init__()
        self._mode = "all"
        self._filter = ""
        self._skill = ""
        self._skills: list[str] = []
        self._mentor_filter: tuple[str, str] | None = None
        self._ranking: list[MentorRanking] = []
        self._ranked_for: str | None = None
        self._student_names: dict[str, str] = {}
        self._mode_label = ""
        self._picked: tuple[str, ...] = ()  # mode "picked": the students list's choice
        self._mentors_next = False  # focus the ranked mentors once a picked one is ranked

    def _set_students_source(self) -> None:
        mentor_id, mentor_name = self._mentor_filter or (None, "")
        if self._mode == "mentor" and mentor_id is None:
            self._mode = "all"
        table = self.query_one("#assign-students", PagedTable)
        table.clear_marks()
        if self._mode == "picked":  # the students chosen in the students list, all marked
            table.marked_keys.update(self._picked)
            table.refresh()
        flt = AssignFilter(
            mode=self._mode,
            text=self._filter,
            mentor_id=mentor_id if self._mode == "mentor" else None,
            skill=self._skill,
            ids=self._picked if self._mode == "picked" else (),
        )
        table.set_source(AssignStudentsSource(self.services, self.actor, flt, self._student_names))
        label = MODE_LABELS[self._mode].format(mentor=mentor_name)
        if self._skill:
            label += f" needing {self._skill!r}"
        if self._filter:
            label += f" matching {self._filter!r}"
        self._mode_label = label
        self.query_one("#assign-mode", Static).update(label)

    def show_mentor_students(self, mentor_id: str, mentor_name: str) -> None:
        self._mentor_filter = (mentor_id, mentor_name)
        self._mode = "mentor"
        self._set_students_source()
        self.action_pane("assign")

    def assign_picked(self, students: list[str], first: str, names: dict[str, str]) -> None:
        """The selection travels (issue #22): the students chosen in the students list (``a``
        there) listed here and marked, the mentors ranked for ``first`` (the first of them by
        name), the focus on the ranking: enter picks a mentor for them all."""
        self._picked = tuple(students)
        self._student_names.update(names)
        self._mode, self._filter, self._skill = "picked", "", ""
        for box in ("#assign-filter", "#assign-skill"):
            self.query_one(box, Input).value = ""
            self.query_one(box, Input).add_class("hidden")
        self._mentors_next = True
        self.action_pane("assign")
        self._set_students_source()
        self._rank(first)

    def action_cycle_filter(self) -> None:
        self._mode = "unassigned" if self._mode == "all" else "all"
        self._set_students_source()

    @on(Input.Changed, "#assign-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        self._set_students_source()

    @on(Input.Submitted, "#assign-filter")
    def _filter_done(self) -> None:
        self.query_one("#assign-students").focus()

    # -- the needed-skill filter ------------------------------------------------------------
    def action_skill_filter(self) -> None:
        """Open the skill box, completing from the skills the students need."""
        actor = self.actor

        def show(skills: list[str]) -> None:
            self._skills = skills
            box = self.query_one("#assign-skill", Input)
            box.suggester = SuggestFromList(skills, case_sensitive=False)
            box.value = self._skill
            box.remove_class("hidden")
            box.focus()

        self.run_db(lambda s: needed_skills(s, actor), show, group="admin-skills")

    @on(Input.Submitted, "#assign-skill")
    def _skill_chosen(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        skill = resolve_skill(self._skills, typed) if typed else ""
        if skill is None:
            self.notify(
                f"No student needs a skill that begins with {typed!r}.",
                severity="warning",
                markup=False,
            )
            return
        self._apply_skill(skill)

    def _apply_skill(self, skill: str) -> None:
        box = self.query_one("#assign-skill", Input)
        box.value = skill
        box.add_class("hidden")
        self._skill = skill
        self._set_students_source()
        self.query_one("#assign-students").focus()

    def _assign_back(self) -> bool:
        """escape in the Assign pane: leave the mentors, then clear the skill box, the text
        filter and the skill filter, one per press. False when there was nothing to undo."""
        focused = self.focused
        text = self.query_one("#assign-filter", Input)
        skill = self.query_one("#assign-skill", Input)
        if focused is not None and focused.id == "assign-mentors":
            self.query_one("#assign-students").focus()
        elif focused is skill or not skill.has_class("hidden"):
            self._apply_skill("")
        elif text.value or not text.has_class("hidden"):
            text.value = ""
            text.add_class("hidden")
            self.query_one("#assign-students").focus()
        elif self._skill:
            self._apply_skill("")
        elif self._mode == "picked":
            self._mode = "all"
            self._set_students_source()
        else:
            return False
        return True

    # -- the ranked mentors -----------------------------------------------------------------
    @on(PagedTable.CountChanged, "#assign-students")
    def _students_counted(self, event: PagedTable.CountChanged) -> None:
        noun = "student" if event.count == 1 else "students"
        self.query_one("#assign-mode", Static).update(
            f"{self._mode_label}: {event.count} {noun} (f: all/unassigned, n: skill, space marks)"
        )

    @on(PagedTable.RowHighlighted, "#assign-students")
    def _student_highlighted(self, event: PagedTable.RowHighlighted) -> None:
        if event.key is not None and event.key != self._ranked_for:
            self._rank(event.key)

    def _rank(self, student_id: str, then: Callable[[], None] | None = None) -> None:
        actor, config = self.actor, self.config

        def done(ranking: list[MentorRanking]) -> None:
            self._show_ranking(student_id, ranking)
            if then is not None:
                then()

        def job(session: Session) -> list[MentorRanking]:
            from mentor_tui.core.matching.plan import rank_mentors  # numpy loads in the worker

            return rank_mentors(session, actor, student_id, config=config)

        self.run_db(job, done, group="admin-rank")

    def _show_ranking(self, student_id: str, ranking: list[MentorRanking]) -> None:
        self._ranking = ranking
        self._ranked_for = student_id
        table = self.query_one("#assign-mentors", DataTable)
        table.clear()
        for r in ranking:
            m = r.mentor
            table.add_row(
                user_text(m.full_name),
                user_text(r.blocked or "yes", "yellow" if r.blocked else "green"),
                Text(f"{r.score.score:.1f}", justify="right"),
                Text(f"{m.load}/{m.capacity}", style="red" if m.free_seats <= 0 else ""),
                user_text(", ".join(m.expertise)),
                user_text(m.timezone),
                key=m.id,
            )
        marked = self.query_one("#assign-students", PagedTable).marked_keys
        name = self._student_names.get(student_id, "the highlighted student")
        others = len(marked - {student_id})
        more = f" (+{others} more marked)" if others else ""
        self.query_one("#assign-title", Static).update(
            f"Mentors ranked for {name}{more}: enter picks, escape goes back"
        )
        self._show_why(0)
        if self._mentors_next and student_id in self._picked:
            self._mentors_next = False
            best = next((i for i, r in enumerate(ranking) if r.blocked is None), 0)
            table.move_cursor(row=best)
            table.focus()

    def _show_why(self, index: int) -> None:
        why = self.query_one("#assign-why", Static)
        if not 0 <= index < len(self._ranking):
            why.update("No active, available mentor." if not self._ranking else "")
            return
        r = self._ranking[index]
        why.update(
            "\n".join([f"{r.mentor.full_name}: {r.score.score:.2f} points", *r.score.reasons])
        )

    @on(DataTable.RowHighlighted, "#assign-mentors")
    def _ranked_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_why(event.cursor_row)

    def _targets(self) -> list[str]:
        table = self.query_one("#assign-students", PagedTable)
        marked = table.marked_keys
        if marked:
            return sorted(marked)
        return [table.cursor_key] if table.cursor_key else []

    @on(PagedTable.RowSelected, "#assign-students")
    def _pick_mentor(self) -> None:
        self.query_one("#assign-mentors").focus()

    @on(DataTable.RowSelected, "#assign-mentors")
    def _mentor_picked(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._ranking):
            self._confirm_assign(self._targets(), self._ranking[event.cursor_row])

    def action_best(self) -> None:
        """The best-ranked mentor with a free seat for the marked students (else the
        highlighted one), ranked for the highlighted student."""
        student = self.query_one("#assign-students", PagedTable).cursor_key
        if student is None:
            self.app.bell()
            return
        targets = self._targets()

        def pick() -> None:
            best = next((r for r in self._ranking if r.blocked is None), None)
            if best is None:
                self.notify(
                    "No mentor within reach has a free seat; pick one from the list to override.",
                    severity="warning",
                )
                return
            self._confirm_assign(targets, best)

        if self._ranked_for == student:
            pick()
        else:
            self._rank(student, pick)

    def _confirm_assign(self, students: list[str], ranking: MentorRanking) -> None:
        if not students:
            self.app.bell()
            return
        mentor = ranking.mentor
        names = self._names(students)
        count = len(students)
        over = mentor.load + count > mentor.capacity
        lines = [
            *names[:12],
            *([f"… and {count - 12} more"] if count > 12 else []),
            "",
            (
                f"{mentor.full_name}: {mentor.load} of {mentor.capacity} students now, "
                f"{mentor.load + count} after."
            ),
        ]
        if count == 1:
            lines.append(
                f"Score {ranking.score.score:.2f}: " + "; ".join(ranking.score.reasons[:2])
            )
        title = f"Assign to {mentor.full_name}?"

        def first(yes: bool | None) -> None:
            if not yes:
                return
            if not over:
                self._assign(students, mentor.id, mentor.full_name, force=False)
                return
            self.app.push_screen(
                ConfirmScreen(
                    f"Override {mentor.full_name}'s capacity?",
                    [
                        (
                            f"This puts {mentor.full_name} at {mentor.load + count} students, "
                            f"over their capacity of {mentor.capacity}."
                        ),
                        "enter overrides the capacity; escape leaves everything as it is.",
                    ],
                    warning=True,
                ),
                second,
            )

        def second(yes: bool | None) -> None:
            if yes:
                self._assign(students, mentor.id, mentor.full_name, force=True)
            else:
                self.notify(
                    f"Not assigned: {mentor.full_name} is at capacity.",
                    severity="warning",
                    markup=False,
                )

        if over:
            title = f"{mentor.full_name} is at capacity: assign anyway?"
        self.app.push_screen(ConfirmScreen(title, lines, warning=over), first)

    def _names(self, students: list[str]) -> list[str]:
        return [self._student_names.get(key, key) for key in students]

    def _assign(
        self, students: list[str], mentor_id: str, mentor_name: str, *, force: bool
    ) -> None:
        actor, config = self.actor, self.config

        def job(session: Session) -> str:
            for student in students:
                assign_student(session, actor, student, mentor_id, force=force, config=config)
            noun = "student" if len(students) == 1 else "students"
            return f"Assigned {len(students)} {noun} to {mentor_name}."

        self.query_one("#assign-students", PagedTable).clear_marks()
        self.query_one("#assign-students").focus()
        self.run_db(job, self._wrote, group="admin-write")

    def action_unassign(self) -> None:
        students = self._targets()
        if not students:
            self.app.bell()
            return
        actor = self.actor

        def job(session: Session) -> str:
            for student in students:
                unassign_student(session, actor, student)
            noun = "student" if len(students) == 1 else "students"
            return f"Unassigned {len(students)} {noun}."

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#assign-students", PagedTable).clear_marks()
                self.run_db(job, self._wrote, group="admin-write")

        self.app.push_screen(
            ConfirmScreen("Leave without a mentor?", self._names(students)), answered
        )
