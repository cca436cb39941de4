"""Key `6`, admins only (SPEC 4.6): mentors, assignment by keyboard, the matching draft and the
audit log, one pane each (`m`, `a`, `t`, `l`); `I` imports learning records from any pane and `S`
(shift+s) opens the settings screen. Each pane's logic is a part of the screen in its
own module: ``admin_mentors``, ``admin_assign``, ``admin_matching``; the audit log is here."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane

from mentor_tui.core.access import Actor
from mentor_tui.core.audit.log import AuditFilter, AuditRow, count_audit, list_audit, parse_day
from mentor_tui.core.audit.sentences import describe
from mentor_tui.core.matching.people import CRITERIA
from mentor_tui.core.services import Services
from mentor_tui.core.timezones import format_moment
from mentor_tui.errors import UserError
from mentor_tui.screens.admin.assign import STUDENT_COLUMNS, AssignPane, AssignPart, StudentPicker
from mentor_tui.screens.admin.learning_import import LearningImportPart
from mentor_tui.screens.admin.matching import (
    CRITERION_LABELS,
    DRAFT_HINT,
    MatchingPane,
    MatchingPart,
)
from mentor_tui.screens.admin.mentors import MentorsPane, MentorsPart
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

if TYPE_CHECKING:
    from sqlmodel import Session

AUDIT_COLUMNS = [
    Column("at", "When", width=22, sortable=False),
    Column("what", "What happened", width=None, sortable=False),
]


class AuditSource:
    def __init__(self, services: Services, actor: Actor, flt: AuditFilter) -> None:
        self.services = services
        self.actor = actor
        self.flt = flt

    def count(self) -> int:
        return self.services.run(lambda s: count_audit(s, self.actor, self.flt))

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        def page(session: Session) -> list[tuple[AuditRow, str]]:
            rows = list_audit(session, self.actor, self.flt, offset=offset, limit=limit)
            return list(zip(rows, describe(session, rows), strict=True))

        tz = self.actor.timezone
        return [
            PagedRow(r.id, (Text(format_moment(r.at, tz)[4:], no_wrap=True), Text(sentence)))
            for r, sentence in self.services.run(page)
        ]


# ---------------------------------------------------------------------------------------------
# Panes: each has its own keys, active while the focus is inside it.


class AuditPane(Vertical):
    pass


class AdminScreen(MentorsPart, AssignPart, MatchingPart, LearningImportPart):
    CSS_PATH = "admin.tcss"
    HELP_TITLE = "Admin"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "pane('mentors')", "Mentors", id="admin.pane_mentors", show=False),
        Binding("a", "pane('assign')", "Assign", id="admin.pane_assign", show=False),
        Binding("t", "pane('matching')", "Matching", id="admin.pane_matching", show=False),
        Binding("l", "pane('audit')", "Audit log", id="admin.pane_audit", show=False),
        Binding("S", "settings", "Settings", id="admin.settings"),
        Binding("slash", "filter", "Filter", id="admin.filter", key_display="/"),
        # not in the footer (it would push quit off the Assign pane's): in `?` and the palette
        Binding(
            "I",
            "import_learning",
            "Import learning records",
            id="admin.import_learning",
            show=False,
        ),
        Binding("escape", "back", "Clear filter / back", id="admin.escape", show=False),
        Binding("A", "analytics", "Analytics", id="admin.analytics", show=False),
    ]

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
                    yield Input(
                        placeholder="needed skill (→ completes, enter filters, escape clears)",
                        id="assign-skill",
                        classes="hidden",
                    )
                    yield StudentPicker(STUDENT_COLUMNS, id="assign-students", markable=True)
                with Vertical(id="assign-right"):
                    yield Static("Mentors", id="assign-title", markup=False)
                    yield DataTable(id="assign-mentors", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="assign-why", markup=False)
            with TabPane("Matching (t)", id="pane-matching"), MatchingPane():
                yield Static(DRAFT_HINT, id="match-summary", markup=False)
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
        yield KeyFooter()

    def on_mount(self) -> None:
        mentors = self.query_one("#mentors-table", DataTable)
        mentors.add_columns("Name", "Email", "Status", "Load", "Expertise", "Timezone", "Available")
        ranked = self.query_one("#assign-mentors", DataTable)
        # fixed widths: rankings for different students replace each other in this table
        for label, width in (
            ("Mentor", 16),
            ("Can take", 12),
            ("Score", 5),
            ("Load", 6),
            ("Expertise", 22),
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

    def action_pane(self, pane: str) -> None:
        self.query_one(TabbedContent).active = f"pane-{pane}"
        focus = {
            "mentors": "#mentors-table",
            "assign": "#assign-students",
            "matching": "#match-table",
            "audit": "#audit-table",
        }[pane]
        self.query_one(focus).focus()

    def action_analytics(self) -> None:
        from mentor_tui.screens.analytics.analytics import AnalyticsScreen

        self.app.push_screen(AnalyticsScreen())

    def action_settings(self) -> None:
        from mentor_tui.screens.admin.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

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
        if self._pane() == "assign" or (focused is not None and focused.id == "assign-mentors"):
            self._assign_back()
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
