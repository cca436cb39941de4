"""Key `5`: the session calendar (SPEC 4.5) - month, week and agenda views in the signed-in
user's timezone, with each student's local time beside them; create, edit, reschedule and
cancel sessions, find free slots, record what happened after a session, export to .ics, keep
agenda templates (`T`); accept (`y`) or decline (`d`) a student's booking request."""

from __future__ import annotations

import calendar as calendar_lib
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core import clock
from mentor_tui.core.sessions.ics import export_calendar
from mentor_tui.core.sessions.scheduling import cancel_session
from mentor_tui.core.sessions.views import SessionView, list_sessions
from mentor_tui.core.text import clean_line
from mentor_tui.core.timezones import day_bounds, zone_label
from mentor_tui.screens.base import MentorScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter

AGENDA_DAYS = 14
VIEWS = ("month", "week", "agenda")
STATUS_STYLE = {
    "scheduled": "",
    "completed": "green",
    "cancelled": "dim strike",
    "requested": "yellow",  # a student's booking waiting for an answer
    "declined": "dim strike",
}


def period(view: str, anchor: date) -> tuple[date, date]:
    """The first and last day shown by ``view`` around ``anchor``."""
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=calendar_lib.monthrange(first.year, first.month)[1])
        return first, last
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return first, first + timedelta(days=6)
    return anchor, anchor + timedelta(days=AGENDA_DAYS - 1)


def shift(view: str, anchor: date, steps: int) -> date:
    """``anchor`` moved by ``steps`` periods of ``view``."""
    if view == "month":
        month = anchor.year * 12 + anchor.month - 1 + steps
        return date(month // 12, month % 12 + 1, 1)
    if view == "week":
        return anchor + timedelta(days=7 * steps)
    return anchor + timedelta(days=AGENDA_DAYS * steps)


def students_local(view: SessionView) -> Text:
    """'Ana 08:30 Tue (Europe/Lisbon); Ben ...': each student's own wall clock."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, person in enumerate(view.attendees):
        if i:
            text.append("; ")
        local = view.start_in(person.timezone)
        text.append(clean_line(person.full_name))
        text.append(f" {local:%a %H:%M} {zone_label(local)}", style="dim")
    if not view.attendees:
        text.append("no students you can see", style="dim")
    return text


class CalendarScreen(MentorScreen):
    CSS_PATH = "calendar.tcss"
    HELP_TITLE = "Calendar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "view('month')", "Month", id="calendar.month"),
        Binding("w", "view('week')", "Week", id="calendar.week"),
        Binding("a", "view('agenda')", "Agenda", id="calendar.agenda"),
        Binding("left_square_bracket", "move(-1)", "Prev", id="calendar.previous", key_display="["),
        Binding("right_square_bracket", "move(1)", "Next", id="calendar.next", key_display="]"),
        Binding("t", "today", "Today", id="calendar.today"),
        Binding("n", "new", "New", id="calendar.new"),
        Binding("f", "find_slot", "Find slot", id="calendar.find"),
        Binding("e", "edit", "Edit/move", id="calendar.edit"),
        Binding("c", "cancel_session", "Cancel", id="calendar.cancel"),
        # a student's booking request: listed in help (`?`), not in the footer
        Binding("y", "answer('accept')", "Accept request", id="calendar.accept", show=False),
        Binding("d", "answer('decline')", "Decline request", id="calendar.decline", show=False),
        Binding("o", "followup", "Follow-up", id="calendar.followup"),
        Binding("x", "export", "Export", id="calendar.export"),
        Binding("T", "templates", "Templates", id="calendar.templates", key_display="T"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "week"
        self.anchor = self._today()
        self._sessions: list[SessionView] = []
        self._by_id: dict[str, SessionView] = {}
        self._focus_id: str | None = None

    def _today(self) -> date:
        return clock.to_local(clock.now(), self.actor.timezone).date()

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("", id="cal-heading", markup=False)
        yield Static("", id="cal-grid")
        table: DataTable[Any] = DataTable(id="cal-sessions", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="cal-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#cal-sessions", DataTable)
        table.add_column("When (your time)", key="when", width=34)
        table.add_column("Title", key="title", width=28)
        table.add_column("Students · their local time", key="students")
        table.add_column("Status", key="status", width=10)
        table.focus()
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def _range(self) -> tuple[date, date]:
        return period(self.view, self.anchor)

    def reload(self) -> None:
        actor = self.actor
        first, last = self._range()
        start, end = day_bounds(first, last, actor.timezone)
        self.run_db(
            lambda s: list_sessions(s, actor, start=start, end=end),
            self._show,
            group="calendar-load",
        )

    def _show(self, sessions: list[SessionView]) -> None:
        self._sessions = sessions
        self._by_id = {v.id: v for v in sessions}
        tz = self.actor.timezone
        first, last = self._range()
        self.query_one("#cal-heading", Static).update(self._heading(first, last))
        grid = self.query_one("#cal-grid", Static)
        grid.display = self.view != "agenda"
        if self.view == "month":
            grid.update(self._month_grid(first, last))
        elif self.view == "week":
            grid.update(self._week_grid(first))
        table = self.query_one("#cal-sessions", DataTable)
        table.clear()
        now = clock.now()
        for v in sessions:
            style = STATUS_STYLE.get(v.status, "")
            table.add_row(
                Text(v.span_in(tz), style=style, no_wrap=True),
                Text(clean_line(v.title), style=style, no_wrap=True, overflow="ellipsis"),
                students_local(v),
                Text(v.status, style=style),
                key=v.id,
            )
        # the session just saved, else the first one not over yet, else the last
        ids = [v.id for v in sessions]
        upcoming = [i for i, v in enumerate(sessions) if v.ends_at > now]
        if self._focus_id in ids:
            target = ids.index(self._focus_id)
        else:
            target = upcoming[0] if upcoming else max(len(sessions) - 1, 0)
        self._focus_id = None
        if sessions:
            table.move_cursor(row=target)
        self._show_detail()

    def _heading(self, first: date, last: date) -> str:
        tz = self.actor.timezone
        zone_name = zone_label(clock.to_local(clock.now(), tz))
        if self.view == "month":
            span = f"{first:%B %Y}"
        elif self.view == "week":
            span = f"Week of {first:%a %d %b} - {last:%a %d %b %Y}"
        else:
            span = f"Agenda {first:%a %d %b} - {last:%a %d %b %Y}"
        n = len(self._sessions)
        noun = "session" if n == 1 else "sessions"
        return f"{span} · {n} {noun} · times in {tz} ({zone_name})"

    def _by_day(self) -> dict[date, list[SessionView]]:
        tz = self.actor.timezone
        days: dict[date, list[SessionView]] = {}
        for v in self._sessions:
            days.setdefault(v.start_in(tz).date(), []).append(v)
        return days

    def _day_label(self, day: date) -> Text:
        if day == self._today():
            return Text(f"{day:%d} today", style="bold reverse")
        return Text(f"{day:%d}", style="bold")

    def _entry(self, v: SessionView) -> Text:
        tz = self.actor.timezone
        line = Text(f"{v.start_in(tz):%H:%M} ", style=STATUS_STYLE.get(v.status, "") or "cyan")
        line.append(clean_line(v.title), style=STATUS_STYLE.get(v.status, ""))
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line

    def _month_grid(self, first: date, last: date) -> Table:
        days = self._by_day()
        table = Table(
            box=box.MINIMAL, show_edge=False, expand=True, show_lines=True, padding=(0, 1)
        )
        for name in calendar_lib.day_abbr:
            table.add_column(name, ratio=1, no_wrap=True, overflow="ellipsis")
        start = first - timedelta(days=first.weekday())
        day = start
        while day <= last:
            cells = []
            for _ in range(7):
                if day.month != first.month:
                    cells.append(Text(f"{day:%d}", style="dim"))
                else:
                    cell = self._day_label(day)
                    todays = days.get(day, [])
                    if todays:
                        cell.append("\n")
                        cell.append_text(self._entry(todays[0]))
                        if len(todays) > 1:  # on its own line: a long title never hides it
                            cell.append(f"\n+{len(todays) - 1} more", style="bold")
                    cells.append(cell)
                day += timedelta(days=1)
            table.add_row(*cells)
        return table

    def _week_grid(self, first: date) -> Table:
        days = self._by_day()
        table = Table(box=box.MINIMAL, show_edge=False, expand=True, padding=(0, 1))
        for i in range(7):
            day = first + timedelta(days=i)
            header = Text(f"{day:%a} ")
            header.append_text(self._day_label(day))
            table.add_column(header, ratio=1, no_wrap=True, overflow="ellipsis")
        cells = []
        for i in range(7):
            todays = days.get(first + timedelta(days=i), [])
            lines = [self._entry(v) for v in todays[:6]]
            if len(todays) > 6:
                lines.append(Text(f"+{len(todays) - 6} more", style="bold"))
            cells.append(Text("\n").join(lines) if lines else Text("-", style="dim"))
        table.add_row(*cells)
        return table

    # -- the highlighted session -----------------------------------------------------------
    def selected(self) -> SessionView | None:
        table = self.query_one("#cal-sessions", DataTable)
        if not self._sessions or table.cursor_row < 0 or table.cursor_row >= len(self._sessions):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._by_id.get(str(key))

    def _need_selected(self) -> SessionView | None:
        view = self.selected()
        if view is None:
            self.notify("Highlight a session first.", severity="warning")
        return view

    @on(DataTable.RowHighlighted, "#cal-sessions")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#cal-sessions")
    def _chosen(self) -> None:
        self.action_edit()

    def _show_detail(self) -> None:
        detail = self.query_one("#cal-detail", Static)
        view = self.selected()
        if view is None:
            detail.update(Text("No sessions in this period. n schedules one.", style="dim"))
            return
        tz = self.actor.timezone
        text = Text()
        text.append(clean_line(view.title), style="bold")
        text.append(f"  {view.span_in(tz)}  {view.status}  with {clean_line(view.mentor_name)}")
        if view.meeting_link:
            text.append("\n  link: ")
            text.append(clean_line(view.meeting_link), style="underline")
        for person in view.attendees:
            text.append("\n  ")
            text.append(clean_line(person.full_name))
            text.append(f"  {view.span_in(person.timezone)} ({person.timezone})", style="dim")
            if person.attendance:
                text.append(f"  {person.attendance.replace('_', '-')}")
            if person.rating:
                text.append(f"  rated {person.rating}/5")
        detail.update(text)

    # -- navigation ------------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view
            self.reload()

    def action_move(self, steps: int) -> None:
        self.anchor = shift(self.view, self.anchor, steps)
        self.reload()

    def action_today(self) -> None:
        self.anchor = self._today()
        self.reload()

    # -- changes ---------------------------------------------------------------------------
    def _saved(self, verb: str, view: SessionView | None) -> None:
        if view is None:
            return
        tz = self.actor.timezone
        self.notify(f"{verb} {clean_line(view.title)} on {view.span_in(tz)}.", markup=False)
        self._focus_id = view.id
        local_day = view.start_in(tz).date()
        first, last = self._range()
        if not first <= local_day <= last:
            self.anchor = local_day
        self.post_message(DataChanged("sessions"))

    def action_new(self) -> None:
        from mentor_tui.screens.calendar.session_form import SessionFormModal

        self.app.push_screen(SessionFormModal(), lambda v: self._saved("Scheduled", v))

    def action_find_slot(self) -> None:
        from mentor_tui.screens.calendar.session_form import SessionFormModal

        view = self.selected()
        students = view.student_ids if view is not None else []
        self.app.push_screen(
            SessionFormModal(students=students, find_slot=True),
            lambda v: self._saved("Scheduled", v),
        )

    def action_edit(self) -> None:
        from mentor_tui.screens.calendar.session_form import SessionFormModal

        view = self._need_selected()
        if view is not None:
            self.app.push_screen(SessionFormModal(session=view), lambda v: self._saved("Saved", v))

    def action_cancel_session(self) -> None:
        from mentor_tui.screens.dialogs import ConfirmScreen

        view = self._need_selected()
        if view is None:
            return
        tz = self.actor.timezone
        question = Text(f"Cancel '{clean_line(view.title)}' on {view.span_in(tz)}?")

        def answered(yes: bool | None) -> None:
            if yes:
                actor = self.actor
                self.run_db(
                    lambda s: cancel_session(s, actor, view.id),
                    lambda v: self._saved("Cancelled", v),
                    group="calendar-cancel",
                )

        self.app.push_screen(ConfirmScreen(question.plain, warning=True), answered)

    def action_answer(self, answer: str) -> None:
        """A student's booking request, highlighted: accept it (a scheduled session) or
        decline it, with an optional reason asked first (the time is free again)."""
        from mentor_tui.core.sessions.booking import (
            MAX_REASON_CHARS,
            accept_request,
            decline_request,
        )
        from mentor_tui.screens.dialogs import AskScreen

        view = self._need_selected()
        if view is None:
            return
        if view.status != "requested":
            self.notify("That session is not a booking request.", severity="warning")
            return
        actor = self.actor
        if answer == "accept":
            self.run_db(
                lambda s: accept_request(s, actor, view.id),
                lambda v: self._saved("Accepted", v),
                group="calendar-answer",
            )
        else:

            def declined(typed: list[str] | None) -> None:
                if typed is None:
                    return
                self.run_db(
                    lambda s: decline_request(s, actor, view.id, typed[0]),
                    lambda v: self._saved("Declined", v),
                    group="calendar-answer",
                )

            self.app.push_screen(
                AskScreen(
                    "Decline this booking request", [("Reason (optional)", MAX_REASON_CHARS)]
                ),
                declined,
            )

    def action_followup(self) -> None:
        from mentor_tui.screens.calendar.session_followup import SessionFollowupModal

        view = self._need_selected()
        if view is None:
            return
        if view.status == "cancelled":
            self.notify("That session was cancelled, so it has no follow-up.", severity="warning")
            return
        if view.starts_at > clock.now():
            self.notify(
                "That session has not started yet; record what happened once it has.",
                severity="warning",
            )
            return
        self.app.push_screen(SessionFollowupModal(view), lambda v: self._saved("Recorded", v))

    def action_templates(self) -> None:
        from mentor_tui.screens.calendar.session_templates import TemplatesScreen

        if self.actor.is_student:
            self.notify("Agenda templates are kept by mentors and admins.", severity="warning")
            return
        self.app.push_screen(TemplatesScreen())

    def action_export(self) -> None:
        """Ask where (the visible period's file in the current folder, to change), write the
        .ics there and say where it went."""
        from mentor_tui.screens.dialogs import AskScreen

        first, last = self._range()
        suggested = Path.cwd() / f"mentor-tui-sessions-{first:%Y%m%d}-{last:%Y%m%d}.ics"
        self.app.push_screen(
            AskScreen(
                f"Export the sessions of {first:%d %b} - {last:%d %b %Y} to which file?",
                [("File (.ics); enter writes it", 4096)],
                [str(suggested)],
            ),
            lambda answer: self._export_to(answer[0], suggested.name) if answer else None,
        )

    def _export_to(self, typed: str, name: str) -> None:
        actor = self.actor
        first, last = self._range()
        start, end = day_bounds(first, last, actor.timezone)

        def job(s: Any) -> tuple[Path, int]:
            from mentor_tui.screens.calendar.export_file import export_target, write_export

            target = export_target(typed, name)  # a sentence if it cannot be
            data, count = export_calendar(s, actor, start=start, end=end)
            return write_export(target, data), count

        def done(result: tuple[Path, int]) -> None:
            path, count = result
            noun = "session" if count == 1 else "sessions"
            self.notify(f"Exported {count} {noun} to {path}", markup=False, timeout=8)

        self.run_db(job, done, group="calendar-export")

    @on(DataChanged)
    def _changed(self) -> None:
        self.reload()
