"""Key `6`, admins only (SPEC 4.6): mentors, assignment by keyboard, the matching draft and the
audit log, one pane each (`m`, `a`, `t`, `l`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.assignment import assign_student, unassign_student
from mentor_tui.core.audit_log import AuditFilter, count_audit, list_audit, parse_day
from mentor_tui.core.errors import UserError
from mentor_tui.core.matching import (
    CRITERIA,
    MatchDraft,
    MentorRanking,
    apply_matches,
    draft_matches,
    load_students,
    rank_mentors,
)
from mentor_tui.core.mentors import (
    MentorEdit,
    MentorSummary,
    UnavailabilityPlan,
    create_mentor,
    deactivate_mentor,
    edit_mentor,
    list_mentors,
    mark_available,
    mark_unavailable,
    parse_list,
    plan_unavailability,
    reactivate_mentor,
)
from mentor_tui.core.students import count_students, list_students
from mentor_tui.core.users import import_users_csv
from mentor_tui.messages import DataChanged
from mentor_tui.screens.assign_confirm import ConfirmScreen
from mentor_tui.screens.base import MentorScreen
from mentor_tui.services import Services
from mentor_tui.widgets.figures import user_text
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

if TYPE_CHECKING:
    from mentor_tui.screens.mentor_form import MentorFormValues

STUDENT_COLUMNS = [
    Column("name", "Student", width=22, sortable=False),
    Column("email", "Email", width=None, sortable=False),
    Column("mentor", "Mentor", width=18, sortable=False),
]
AUDIT_COLUMNS = [
    Column("at", "When (UTC)", width=17, sortable=False),
    Column("actor", "Actor", width=24, sortable=False),
    Column("action", "Action", width=18, sortable=False),
    Column("entity", "Entity", width=16, sortable=False),
    Column("detail", "Detail", width=None, sortable=False),
]
CRITERION_LABELS = {
    "skills": "Skills",
    "teaching_style": "Style",
    "timezone": "Zone",
    "weekly_hours": "Hours",
    "load": "Load",
}
FILTER_MODES = ("all", "unassigned", "mentor")


def _whole(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(f"The {what} must be a whole number.")
    return int(text)


# ---------------------------------------------------------------------------------------------
# Page sources (called from the table's worker thread).


class AssignStudentsSource:
    """Students for the assignment pane: all (name or email filter), only those without a
    mentor, or one mentor's."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        config: Config,
        *,
        mode: str,
        text_filter: str,
        mentor_id: str | None,
        mentor_name: str,
        names: dict[str, str],
    ) -> None:
        self.names = names
        self.services = services
        self.actor = actor
        self.config = config
        self.mode = mode
        self.text_filter = text_filter
        self.mentor_id = mentor_id
        self.mentor_name = mentor_name

    def _needs(self, session: Session) -> list[PagedRow]:
        mentor_id = self.mentor_id if self.mode == "mentor" else None
        text = self.text_filter.casefold()
        rows = []
        for s in load_students(session, self.actor, mentor_id=mentor_id):
            if text and text not in s.full_name.casefold() and text not in s.email.casefold():
                continue
            mentor = user_text(self.mentor_name) if mentor_id else user_text("unassigned", "dim")
            self.names[s.id] = s.full_name
            rows.append(PagedRow(s.id, (user_text(s.full_name), user_text(s.email), mentor)))
        return rows

    def count(self) -> int:
        if self.mode == "all":
            return self.services.run(
                lambda s: count_students(s, self.actor, text_filter=self.text_filter)
            )
        return len(self.services.run(self._needs))

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        if self.mode != "all":
            return self.services.run(self._needs)[offset : offset + limit]
        rows = self.services.run(
            lambda s: list_students(
                s,
                self.actor,
                text_filter=self.text_filter,
                offset=offset,
                limit=limit,
                config=self.config,
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


class AuditSource:
    def __init__(self, services: Services, actor: Actor, flt: AuditFilter) -> None:
        self.services = services
        self.actor = actor
        self.flt = flt

    def count(self) -> int:
        return self.services.run(lambda s: count_audit(s, self.actor, self.flt))

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        rows = self.services.run(
            lambda s: list_audit(s, self.actor, self.flt, offset=offset, limit=limit)
        )
        return [
            PagedRow(
                r.id,
                (
                    Text(r.at.strftime("%Y-%m-%d %H:%M")),
                    user_text(r.actor_email or "system", "" if r.actor_email else "dim"),
                    user_text(r.action),
                    user_text(r.entity),
                    user_text(r.detail_text, "dim"),
                ),
            )
            for r in rows
        ]


# ---------------------------------------------------------------------------------------------
# Panes: each has its own keys, active while the focus is inside it.


class MentorsPane(Vertical):
    BINDINGS = [
        Binding("c", "screen.create_mentor", "New mentor", id="admin.mentor_create"),
        Binding("e", "screen.edit_mentor", "Edit", id="admin.mentor_edit"),
        Binding("x", "screen.deactivate_mentor", "Deactivate", id="admin.mentor_deactivate"),
        Binding("o", "screen.reactivate_mentor", "Reactivate", id="admin.mentor_reactivate"),
        Binding("u", "screen.unavailable", "Unavailable", id="admin.mentor_unavailable"),
        Binding("v", "screen.available", "Available", id="admin.mentor_available"),
        Binding("i", "screen.import_csv", "Import CSV", id="admin.import_csv"),
    ]


class AssignPane(Horizontal):
    BINDINGS = [
        Binding("b", "screen.best", "Best mentor", id="admin.assign_best"),
        Binding("u", "screen.unassign", "Unassign", id="admin.unassign"),
        Binding("f", "screen.cycle_filter", "Show all/unassigned", id="admin.assign_filter_mode"),
    ]


class MatchingPane(Vertical):
    BINDINGS = [
        Binding("d", "screen.draft", "Draft matches", id="admin.match_draft"),
        Binding("space", "screen.mark_match", "Mark", id="admin.match_mark"),
        Binding("p", "screen.apply_marked", "Apply marked", id="admin.match_apply_some"),
        Binding("w", "screen.apply_all", "Apply all", id="admin.match_apply_all"),
        Binding("x", "screen.discard_draft", "Discard draft", id="admin.match_discard"),
    ]


class AuditPane(Vertical):
    pass


class StudentPicker(PagedTable):
    """The assignment pane's student list: `enter` goes on to pick a mentor."""

    BINDINGS = [Binding("enter", "select", "Pick mentor", id="admin.pick_mentor")]


class AdminScreen(MentorScreen):
    CSS_PATH = "admin.tcss"
    HELP_TITLE = "Admin"
    BINDINGS = [
        Binding("m", "pane('mentors')", "Mentors", id="admin.pane_mentors", show=False),
        Binding("a", "pane('assign')", "Assign", id="admin.pane_assign", show=False),
        Binding("t", "pane('matching')", "Matching", id="admin.pane_matching", show=False),
        Binding("l", "pane('audit')", "Audit log", id="admin.pane_audit", show=False),
        Binding("slash", "filter", "Filter", id="admin.filter", key_display="/"),
        Binding("escape", "back", "Clear filter / back", id="admin.escape", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._mentors: list[MentorSummary] = []
        self._mode = "all"
        self._filter = ""
        self._mentor_filter: tuple[str, str] | None = None
        self._ranking: list[MentorRanking] = []
        self._ranked_for: str | None = None
        self._draft: MatchDraft | None = None
        self._draft_marks: set[str] = set()
        self._student_names: dict[str, str] = {}
        self._mode_label = ""

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        with TabbedContent(initial="pane-assign", id="admin-tabs"):
            with TabPane("Mentors (m)", id="pane-mentors"), MentorsPane():
                yield DataTable(id="mentors-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="mentors-detail", markup=False)
            with TabPane("Assign (a)", id="pane-assign"), AssignPane():
                with Vertical(id="assign-left"):
                    yield Static("", id="assign-mode", markup=False)
                    yield Input(
                        placeholder="filter by name or email", id="assign-filter", classes="hidden"
                    )
                    yield StudentPicker(STUDENT_COLUMNS, id="assign-students", markable=True)
                with Vertical(id="assign-right"):
                    yield Static("Mentors", id="assign-title", markup=False)
                    yield DataTable(id="assign-mentors", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="assign-why", markup=False)
            with TabPane("Matching (t)", id="pane-matching"), MatchingPane():
                yield Static(
                    "Press d to draft an optimal matching of the students without a mentor.",
                    id="match-summary",
                    markup=False,
                )
                yield DataTable(id="match-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="match-why", markup=False)
            with TabPane("Audit log (l)", id="pane-audit"), AuditPane():
                with Horizontal(id="audit-filters"):
                    yield Input(placeholder="actor", id="audit-actor")
                    yield Input(placeholder="entity (e.g. users)", id="audit-entity")
                    yield Input(placeholder="action (e.g. assign)", id="audit-action")
                    yield Input(placeholder="day YYYY-MM-DD", id="audit-day")
                yield Static("", id="audit-count", markup=False)
                yield PagedTable(AUDIT_COLUMNS, id="audit-table")
        yield Footer()

    def on_mount(self) -> None:
        mentors = self.query_one("#mentors-table", DataTable)
        mentors.add_columns("Name", "Email", "Status", "Load", "Expertise", "Timezone", "Available")
        ranked = self.query_one("#assign-mentors", DataTable)
        # fixed widths: rankings for different students replace each other in this table
        for label, width in (
            ("Mentor", 16), ("Can take", 12), ("Score", 5), ("Load", 6), ("Expertise", 22),
            ("Timezone", 18),
        ):
            ranked.add_column(label, width=width)
        match = self.query_one("#match-table", DataTable)
        match.add_columns(
            "✓", "Student", "Mentor", "Score", *(CRITERION_LABELS[c] for c in CRITERIA)
        )
        students = self.query_one("#assign-students", PagedTable)
        students.empty_text = "No students."
        self._set_students_source()
        self.query_one("#audit-table", PagedTable).empty_text = "No audit entries match."
        self._set_audit_source()
        self._load_mentors()
        students.focus()

    @property
    def config(self) -> Config:
        return self.services.config

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = f"pane-{pane}"
        focus = {
            "mentors": "#mentors-table",
            "assign": "#assign-students",
            "matching": "#match-table",
            "audit": "#audit-table",
        }[pane]
        self.query_one(focus).focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "pane-audit":
            self.query_one("#audit-table", PagedTable).reload()

    def _pane(self) -> str:
        return (self.query_one(TabbedContent).active or "pane-assign").removeprefix("pane-")

    def action_filter(self) -> None:
        pane = self._pane()
        if pane == "assign":
            box = self.query_one("#assign-filter", Input)
            box.remove_class("hidden")
            box.focus()
        elif pane == "audit":
            self.query_one("#audit-actor", Input).focus()
        else:
            self.app.bell()

    def action_back(self) -> None:
        focused = self.focused
        box = self.query_one("#assign-filter", Input)
        if focused is not None and focused.id == "assign-mentors":
            self.query_one("#assign-students").focus()
        elif self._pane() == "assign" and (box.value or not box.has_class("hidden")):
            box.value = ""
            box.add_class("hidden")
            self.query_one("#assign-students").focus()
        elif self._pane() == "audit" and isinstance(focused, Input):
            for input_ in self.query("#audit-filters Input").results(Input):
                input_.value = ""
            self.query_one("#audit-table").focus()

    @on(DataChanged)
    def _changed(self) -> None:
        self._load_mentors()
        self.query_one("#assign-students", PagedTable).reload()
        self.query_one("#audit-table", PagedTable).reload()
        self._ranked_for = None
        key = self.query_one("#assign-students", PagedTable).cursor_key
        if key is not None:
            self._rank(key)

    def _wrote(self, message: str) -> None:
        self.notify(message, markup=False)
        self.post_message(DataChanged("admin"))

    # -- mentors ----------------------------------------------------------------------------
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
        if not 0 <= index < len(self._mentors):
            return
        m = self._mentors[index]
        self._mentor_filter = (m.id, m.full_name)
        self._mode = "mentor"
        self._set_students_source()
        self.action_pane("assign")

    def _form_edit(self, values: MentorFormValues) -> MentorEdit:
        return MentorEdit(
            full_name=values.full_name,
            timezone=values.timezone.strip() or "UTC",
            expertise=parse_list(values.expertise),
            capacity=_whole(values.capacity, "capacity"),
            weekly_hours=_whole(values.weekly_hours, "weekly hours"),
            teaching_style=values.teaching_style.strip() or "mixed",
            backup_mentor=values.backup_mentor.strip(),
        )

    def action_create_mentor(self) -> None:
        from mentor_tui.screens.mentor_form import MentorFormScreen

        actor, config = self.actor, self.config

        def save(values: MentorFormValues, close: Callable[[], None]) -> None:
            def job(session: Session) -> str:
                edit = self._form_edit(values)
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
        from mentor_tui.screens.mentor_form import MentorFormScreen

        mentor = self._current_mentor()
        if mentor is None:
            return
        actor, config = self.actor, self.config

        def save(values: MentorFormValues, close: Callable[[], None]) -> None:
            def job(session: Session) -> str:
                edit_mentor(session, actor, mentor.id, self._form_edit(values), config=config)
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
        from mentor_tui.screens.unavailable_form import UnavailableFormScreen

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

        def parse_day_or_notify(text: str) -> date | None | bool:
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

    def action_import_csv(self) -> None:
        from mentor_tui.screens.csv_import import CsvImportScreen

        actor, config = self.actor, self.config

        def run(path: str, finished: Callable[[bool], None]) -> None:
            def job(session: Session) -> str | UserError:
                try:
                    result = import_users_csv(session, actor, path, config=config)
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

    # -- assignment -------------------------------------------------------------------------
    def _set_students_source(self) -> None:
        mentor_id, mentor_name = self._mentor_filter or (None, "")
        if self._mode == "mentor" and mentor_id is None:
            self._mode = "all"
        table = self.query_one("#assign-students", PagedTable)
        table.clear_marks()
        table.set_source(
            AssignStudentsSource(
                self.services,
                self.actor,
                self.config,
                mode=self._mode,
                text_filter=self._filter,
                mentor_id=mentor_id,
                mentor_name=mentor_name,
                names=self._student_names,
            )
        )
        label = {
            "all": "All students",
            "unassigned": "Active students without a mentor",
            "mentor": f"Active students of {mentor_name}",
        }[self._mode]
        if self._filter:
            label += f" matching {self._filter!r}"
        self._mode_label = label
        self.query_one("#assign-mode", Static).update(label)

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

    @on(PagedTable.CountChanged, "#assign-students")
    def _students_counted(self, event: PagedTable.CountChanged) -> None:
        noun = "student" if event.count == 1 else "students"
        self.query_one("#assign-mode", Static).update(
            f"{self._mode_label}: {event.count} {noun} (f: all/unassigned, space marks)"
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

        self.run_db(
            lambda s: rank_mentors(s, actor, student_id, config=config), done, group="admin-rank"
        )

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
        self.query_one("#assign-title", Static).update(
            "Mentors ranked for the highlighted student (enter picks, escape goes back)"
        )
        self._show_why(0)

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
        student = self.query_one("#assign-students", PagedTable).cursor_key
        if student is None:
            self.app.bell()
            return

        def pick() -> None:
            best = next((r for r in self._ranking if r.blocked is None), None)
            if best is None:
                self.notify(
                    "No mentor within reach has a free seat; pick one from the list to override.",
                    severity="warning",
                )
                return
            self._confirm_assign([student], best)

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

    # -- matching ---------------------------------------------------------------------------
    def action_draft(self) -> None:
        actor, config = self.actor, self.config
        table = self.query_one("#match-table", DataTable)
        table.loading = True
        self.query_one("#match-summary", Static).update("Drafting the optimal matching…")

        def done(draft: MatchDraft) -> None:
            table.loading = False
            self._show_draft(draft)

        self.run_db(lambda s: draft_matches(s, actor, config=config), done, group="admin-draft")

    def on_worker_state_changed(self, event) -> None:
        super().on_worker_state_changed(event)
        if event.worker.name == "admin-draft" and event.worker.is_finished:
            self.query_one("#match-table", DataTable).loading = False

    def _show_draft(self, draft: MatchDraft | None) -> None:
        self._draft = draft
        self._draft_marks = set()
        table = self.query_one("#match-table", DataTable)
        table.clear()
        summary = self.query_one("#match-summary", Static)
        if draft is None:
            summary.update("Press d to draft an optimal matching of the students without a mentor.")
            self.query_one("#match-why", Static).update("")
            return
        for m in draft.matches:
            points = {line.criterion: line.points for line in m.score.breakdown}
            table.add_row(
                Text(" "),
                user_text(m.student.full_name),
                user_text(m.mentor.full_name),
                Text(f"{m.score.score:.1f}", justify="right"),
                *(Text(f"{points.get(c, 0):.1f}", justify="right") for c in CRITERIA),
                key=m.student.id,
            )
        for u in draft.unplaced:
            table.add_row(
                Text(" "),
                user_text(u.student.full_name),
                user_text("not placed", "yellow"),
                Text("—", justify="right"),
                *(Text("") for _ in CRITERIA),
                key=f"unplaced:{u.student.id}",
            )
        summary.update(
            f"Draft: {len(draft.matches)} matches, total {draft.total_score:.1f} points "
            f"(at most {draft.max_score} a pair); {len(draft.unplaced)} not placed. "
            "space marks, p applies marked, w applies all, x discards."
        )
        self._show_pair(0)
        table.focus()

    def _show_pair(self, index: int) -> None:
        why = self.query_one("#match-why", Static)
        draft = self._draft
        if draft is None:
            return
        if index < len(draft.matches):
            m = draft.matches[index]
            why.update(
                "\n".join(
                    [
                        f"{m.student.full_name} → {m.mentor.full_name}: {m.score.score:.2f}",
                        *m.score.reasons,
                    ]
                )
            )
        elif index - len(draft.matches) < len(draft.unplaced):
            u = draft.unplaced[index - len(draft.matches)]
            why.update(f"{u.student.full_name} is not placed: {u.reason}")

    @on(DataTable.RowHighlighted, "#match-table")
    def _pair_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_pair(event.cursor_row)

    def action_mark_match(self) -> None:
        draft = self._draft
        table = self.query_one("#match-table", DataTable)
        if draft is None or not 0 <= table.cursor_row < len(draft.matches):
            self.app.bell()
            return
        row = table.cursor_row
        student = draft.matches[row].student.id
        if student in self._draft_marks:
            self._draft_marks.discard(student)
            table.update_cell(student, table.ordered_columns[0].key, Text(" "))
        else:
            self._draft_marks.add(student)
            table.update_cell(student, table.ordered_columns[0].key, Text("✓", style="bold green"))
        table.move_cursor(row=row + 1)

    def _apply(self, student_ids: list[str] | None) -> None:
        draft = self._draft
        if draft is None or not draft.matches:
            self.app.bell()
            return
        actor, config = self.actor, self.config
        chosen = (
            draft.matches
            if student_ids is None
            else [m for m in draft.matches if m.student.id in set(student_ids)]
        )
        if not chosen:
            self.notify("Mark pairs with space first, or press w to apply all.", severity="warning")
            return

        def job(session: Session) -> str:
            applied = apply_matches(session, actor, draft, config=config, student_ids=student_ids)
            return f"Applied {len(applied)} of the draft's {len(draft.matches)} matches."

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def done(message: str) -> None:
                self._show_draft(None)
                self._wrote(message)

            self.run_db(job, done, group="admin-write")

        lines = [
            f"{m.student.full_name} → {m.mentor.full_name} ({m.score.score:.1f})" for m in chosen
        ]
        shown = lines[:15] + ([f"… and {len(lines) - 15} more"] if len(lines) > 15 else [])
        self.app.push_screen(ConfirmScreen(f"Apply {len(chosen)} matches?", shown), answered)

    def action_apply_marked(self) -> None:
        self._apply(sorted(self._draft_marks))

    def action_apply_all(self) -> None:
        self._apply(None)

    def action_discard_draft(self) -> None:
        if self._draft is None:
            self.app.bell()
            return
        self._show_draft(None)
        self.notify("Draft discarded; nothing was applied.")

    # -- audit log --------------------------------------------------------------------------
    def _set_audit_source(self) -> None:
        try:
            day = parse_day(self.query_one("#audit-day", Input).value)
        except UserError as error:
            self.query_one("#audit-count", Static).update(str(error))
            return
        flt = AuditFilter(
            actor=self.query_one("#audit-actor", Input).value,
            entity=self.query_one("#audit-entity", Input).value,
            action=self.query_one("#audit-action", Input).value,
            day=day,
        )
        self.query_one("#audit-table", PagedTable).set_source(
            AuditSource(self.services, self.actor, flt)
        )

    @on(Input.Changed, "#audit-filters Input")
    def _audit_filter_changed(self) -> None:
        self._set_audit_source()

    @on(Input.Submitted, "#audit-filters Input")
    def _audit_filter_done(self) -> None:
        self.query_one("#audit-table").focus()

    @on(PagedTable.CountChanged, "#audit-table")
    def _audit_counted(self, event: PagedTable.CountChanged) -> None:
        noun = "entry" if event.count == 1 else "entries"
        self.query_one("#audit-count", Static).update(f"{event.count} {noun}, newest first")
