"""Key `2`: every student the signed-in user may see, paged from SQLite (SPEC 4.2)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.people import student_pages
from mentor_tui.core.people.student_pages import Anchor, read_page
from mentor_tui.core.people.students import StudentRow, count_students
from mentor_tui.core.services import Services
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import age, count, percent, user_text
from mentor_tui.widgets.key_footer import KeyFooter
from mentor_tui.widgets.paged_table import Column, PagedRow, PagedTable

COLUMNS = [
    Column("name", "Name", width=None),
    Column("status", "Status", width=12),
    Column("completion", "Done", width=6, align="right"),
    Column("pending", "Pending", width=8, align="right"),
    Column("last_activity", "Last active", width=12),
    Column("at_risk", "At risk", width=None),
]
WITH_GRADUATED = False  # graduated students leave the working list
ADMIN_COLUMNS = [*COLUMNS[:1], Column("mentor", "Mentor", width=20, sortable=False), *COLUMNS[1:]]


class StudentsSource:
    """Pages of students for the table; called from the table's worker thread.

    A page next to one already read starts from its neighbour's row by keyset (the row's
    ``Anchor``): paging down to row 90,000, or up from the end, reads one page each time, not
    every row before it. A page away from every row read steps over the rows between it and
    the nearest read row, or the start or the end of the list, whichever is closest.
    """

    pages_before_count = True  # the first page is painted before the list is counted

    def __init__(
        self,
        services: Services,
        actor: Actor,
        *,
        text_filter: str = "",
        sort: str = "name",
        descending: bool = False,
    ) -> None:
        self.services = services
        self.actor = actor
        self.text_filter = text_filter
        self.sort = sort
        self.descending = descending
        self.emails: dict[str, str] = {}  # student id -> email, of the rows fetched
        self.names: dict[str, str] = {}  # student id -> name, likewise
        self.counted: int | None = None  # the last count: where the end of the list is
        # the anchors of the first and last row of each page read since the last count
        self.anchors: dict[int, Anchor] = {}

    @property
    def config(self) -> Config:
        """The settings as they are now (a pull may change them while the list is open)."""
        return self.services.config

    def count(self) -> int:
        if self.counted is not None:
            # A recount follows a change (`reload`): rows may have moved, so where a row
            # stands is known again only once its page is read again. (The first count may
            # follow the first page, read just before it: its rows have not moved.)
            self.anchors.clear()
        self.counted = self.services.run(
            lambda s: count_students(
                s, self.actor, text_filter=self.text_filter, include_graduated=WITH_GRADUATED
            )
        )
        return self.counted

    def start_of(self, offset: int, limit: int) -> tuple[int, Anchor | None, bool, int]:
        """Where reading the rows offset .. offset + limit - 1 steps over the fewest rows:
        (rows skipped, the anchor read from or None for an end of the list, backwards, limit)."""
        best: tuple[int, Anchor | None, bool, int] = (offset, None, False, limit)
        if self.counted is not None and offset < self.counted:
            end = min(self.counted, offset + limit)
            if self.counted - end < best[0]:
                best = (self.counted - end, None, True, end - offset)
        for index, anchor in self.anchors.items():
            if index < offset and offset - index - 1 < best[0]:
                best = (offset - index - 1, anchor, False, limit)
            elif index >= offset + limit and index - offset - limit < best[0]:
                best = (index - offset - limit, anchor, True, limit)
        return best

    def fetch(self, offset: int, limit: int) -> list[PagedRow]:
        skip, anchor, backwards, limit = self.start_of(offset, limit)
        found = self.services.run(
            lambda s: read_page(
                s,
                self.actor,
                text_filter=self.text_filter,
                sort=self.sort,
                descending=self.descending,
                include_graduated=WITH_GRADUATED,
                limit=limit,
                skip=skip,
                after=anchor,
                backwards=backwards,
                config=self.config,
            )
        )
        if found:
            self.anchors[offset] = found[0][1]
            self.anchors[offset + len(found) - 1] = found[-1][1]
        return [self._row(row) for row, _ in found]

    def _row(self, row: StudentRow) -> PagedRow:
        self.emails[row.id] = row.email
        self.names[row.id] = row.full_name
        risk = "; ".join(row.at_risk_reasons)
        cells: list[Text] = [user_text(row.full_name)]
        if self.actor.is_admin:
            cells.append(
                user_text(row.mentor_name or "unassigned", "" if row.mentor_name else "dim")
            )
        cells += [
            user_text(row.status, "dim" if row.status != "Active" else ""),
            percent(row.completion_rate),
            count(row.pending_submissions),
            age(row.last_activity_at),
            user_text(risk, "yellow"),
        ]
        return PagedRow(key=row.id, cells=tuple(cells), style="")


class StudentsScreen(MentorScreen):
    CSS_PATH = "students.tcss"
    HELP_TITLE = "Students"
    AUTO_FOCUS = "PagedTable"  # the list, even for the moment before on_mount (not the filter)
    BINDINGS: ClassVar[list[BindingType]] = [
        # the selection travels (issue #22): each starts with the highlighted student, or
        # (a session) every marked one, already picked
        Binding("n", "new_note", "Note", id="students.note"),
        Binding("S", "schedule", "Session", id="students.schedule", key_display="S"),
        Binding("m", "message", "Message", id="students.message"),
        # an admin's: the assignment pane with them picked, the mentors ranked (enter picks)
        Binding("a", "assign", "Assign", id="students.assign"),
        Binding("slash", "filter", "Filter", id="students.filter", key_display="/"),
        Binding("e", "edit_student", "Edit", id="students.edit"),
        Binding("escape", "clear_filter", "Clear filter / back", id="students.escape", show=False),
    ]

    @staticmethod
    def warm_up(services: Services) -> None:
        """In the app's preload worker, after start-up: the list's statements compiled
        (`student_pages.warm_up`), those its first open and first scroll would compile."""
        actor = services.actor
        if actor is None:
            return
        services.run(
            lambda s: student_pages.warm_up(
                s, actor, config=services.config, include_graduated=WITH_GRADUATED
            )
        )

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._sort = "name"
        self._descending = False
        self._shown: StudentsSource | None = None  # the source the table shows

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Input(placeholder="filter by name or email", id="students-filter", classes="hidden")
        yield Static("", id="students-count", markup=False)
        columns = ADMIN_COLUMNS if self.actor.is_admin else COLUMNS
        # 100 rows a page: more than two screens, and each filter key fetches no more than that
        yield PagedTable(columns, id="students-table", page_size=100, markable=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.empty_text = "No students match." if self._filter else "No students yet."
        table.set_sort(self._sort, self._descending, announce=False)  # the source is sorted
        table.set_source(self._source())
        table.focus()

    def _source(self) -> StudentsSource:
        self._shown = StudentsSource(
            self.services,
            self.actor,
            text_filter=self._filter,
            sort=self._sort,
            descending=self._descending,
        )
        return self._shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_note":  # private notes are a mentor's
            return self.actor.is_mentor
        if action == "assign":  # seats are an admin's
            return self.actor.is_admin
        return True

    def _selected(self) -> list[str]:
        """The marked students, else the highlighted one (a bell when there is none)."""
        table = self.query_one(PagedTable)
        chosen = sorted(table.marked_keys) or ([table.cursor_key] if table.cursor_key else [])
        if not chosen:
            self.app.bell()
        return chosen

    def action_new_note(self) -> None:
        """A new note for the highlighted student, the typing going into it."""
        from mentor_tui.screens.notes.notes import NotesScreen

        key = self.query_one(PagedTable).cursor_key
        if key is None:
            self.app.bell()
            return
        NotesScreen.open_student(self.app, key, new_note=True)

    def action_schedule(self) -> None:
        """A new session with the marked (or highlighted) students picked and their next
        mutual free slots listed: enter takes the first, ctrl+s saves."""
        from mentor_tui.screens.calendar.session_form import SessionFormModal

        chosen = self._selected()
        if chosen:
            self.app.push_screen(SessionFormModal(students=chosen, find_slot=True), self._done)

    async def action_assign(self) -> None:
        """The admin's Assign pane (key 6, then a) with the marked (or highlighted) students
        picked and marked there, and the mentors ranked for the first of them: enter picks a
        mentor, enter again confirms."""
        from mentor_tui.screens.admin.admin import AdminScreen

        chosen = self._selected()
        if not chosen or not self.check_action("assign", ()):
            return
        names = dict(self._shown.names) if self._shown is not None else {}
        first = min(chosen, key=lambda key: (names.get(key, ""), key))
        self.query_one(PagedTable).clear_marks()  # they travel to the pane
        app = self.app
        await app.switch_mode("admin")
        while len(app.screen_stack) > 1:
            app.pop_screen()
        screen = app.screen
        if isinstance(screen, AdminScreen):
            screen.assign_picked(chosen, first, {k: names[k] for k in chosen if k in names})

    def action_message(self) -> None:
        """A new message to the highlighted student, the To line filled in; with several
        marked, one message to each of them (a conversation each)."""
        table = self.query_one(PagedTable)
        if len(table.marked_keys) > 1:
            self.mentor_app.compose_to_each(tuple(sorted(table.marked_keys)), self._done)
            return
        key = next(iter(table.marked_keys), None) or table.cursor_key
        email = self._shown.emails.get(key) if key and self._shown is not None else None
        if email is None:
            self.app.bell()
            return
        self.mentor_app.compose_message(email, self._done)

    def _done(self, result: object) -> None:
        if result is not None:
            self.query_one(PagedTable).clear_marks()

    def _highlighted(self) -> str | None:
        key = self.query_one(PagedTable).cursor_key
        if key is None:
            self.app.bell()
        return key

    def action_edit_student(self) -> None:
        from mentor_tui.screens.people.student_form import StudentFormScreen

        picked = self._highlighted()
        if picked is not None:
            self.app.push_screen(StudentFormScreen(picked))

    def action_filter(self) -> None:
        box = self.query_one("#students-filter", Input)
        box.remove_class("hidden")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#students-filter", Input)
        if box.value or not box.has_class("hidden"):
            box.value = ""
            box.add_class("hidden")
            self.query_one(PagedTable).focus()
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @on(Input.Changed, "#students-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        table = self.query_one(PagedTable)
        table.empty_text = "No students match." if self._filter else "No students yet."
        table.set_source(self._source())

    @on(Input.Submitted, "#students-filter")
    def _filter_done(self) -> None:
        self.query_one(PagedTable).focus()

    @on(PagedTable.SortChanged)
    def _sort_changed(self, event: PagedTable.SortChanged) -> None:
        self._sort, self._descending = event.key, event.descending
        self.query_one(PagedTable).set_source(self._source())

    @on(PagedTable.CountChanged)
    def _count_changed(self, event: PagedTable.CountChanged) -> None:
        noun = "student" if event.count == 1 else "students"
        matching = f" matching {self._filter!r}" if self._filter else ""
        # one line of fixed size (students.tcss): the new text repaints it, no layout
        label = self.query_one("#students-count", Static)
        label.update(f"{event.count} {noun}{matching}", layout=False)

    @on(PagedTable.RowSelected)
    def _open(self, event: PagedTable.RowSelected) -> None:
        from mentor_tui.screens.students.student_view import StudentViewScreen

        self.app.push_screen(StudentViewScreen(event.key))

    @on(DataChanged)
    def _changed(self) -> None:
        self.query_one(PagedTable).reload()
