"""`5` for a student: my sessions (requests waiting, accepted, declined with the reason) and my
mentor's next free slots that suit me; `b` books the highlighted slot (a request, or a session
at once when the mentor takes bookings so); `r` rates the highlighted past session 1-5 with an
optional comment (as `mentor-tui sessions rate`); the Rated column shows my rating of each
past session ("rate it" when there is none), and rating again changes it (the dialog says
from what). `p` asks for a progress review meeting in the highlighted slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core import clock
from mentor_tui.core.sessions.booking import MAX_NOTE_CHARS, book_session
from mentor_tui.core.sessions.followup import MAX_COMMENT_CHARS, rate_session
from mentor_tui.core.sessions.notices import PROGRESS_REVIEW
from mentor_tui.core.sessions.slots import MutualSlot, mutual_free_slots
from mentor_tui.core.sessions.views import SessionView, list_sessions
from mentor_tui.core.text import clean_line
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.dialogs import AskScreen
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter

SLOTS_SHOWN = 12


@dataclass(frozen=True)
class _Calendar:
    sessions: list[SessionView]
    slots: list[MutualSlot]
    no_slots: str
    now: datetime


def _rated_mark(view: SessionView, rating: int | None, now: datetime) -> Text:
    """The Rated column: my rating of a past session ("4/5"), "rate it" while it has none; a
    session still to come, or one that did not take place, has nothing to rate."""
    if rating is not None:
        return Text(f"{rating}/5")
    if view.status in ("scheduled", "completed") and view.starts_at <= now:
        return Text("rate it", style="bold")
    return Text("")


class MyCalendarScreen(MentorScreen):
    CSS_PATH = "student.tcss"
    HELP_TITLE = "Calendar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "book", "Book this slot", id="mycalendar.book"),
        Binding("r", "rate", "Rate this session", id="mycalendar.rate"),
        Binding("p", "progress_review", "Ask for a progress review", id="mycalendar.review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._slots: list[MutualSlot] = []
        self._ratings: dict[str, int | None] = {}

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("My sessions (r rates one)", classes="student-title", markup=False)
        yield DataTable(id="cal-sessions", cursor_type="row", classes="student-table")
        yield Static("Free slots with my mentor (b books)", classes="student-title", markup=False)
        yield DataTable(id="cal-slots", cursor_type="row", classes="student-table")
        yield Static("", id="cal-note", classes="student-summary", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#cal-sessions", DataTable).add_columns(
            "When", "Minutes", "Status", "Rated", "Title", "Note"
        )
        self.query_one("#cal-slots", DataTable).add_columns("My time", "Mentor's time")
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        actor, config = self.actor, self.services.config

        def job(s):  # type: ignore[no-untyped-def]
            from mentor_tui.errors import UserError

            sessions = list_sessions(s, actor)
            try:
                slots = mutual_free_slots(s, actor, config, actor.id, count=SLOTS_SHOWN)
                note = "" if slots else "No free slot in the next four weeks."
            except UserError as error:  # no mentor yet, nobody's windows set
                slots, note = [], str(error)
            return _Calendar(sessions, slots, note, clock.now())

        self.run_db(job, self._show, group="student-calendar")

    def _show(self, data: _Calendar) -> None:
        tz_name = self.actor.timezone
        table = self.query_one("#cal-sessions", DataTable)
        table.clear()
        self._ratings.clear()
        for v in sorted(data.sessions, key=lambda v: v.starts_at, reverse=True):
            note = v.decline_reason if v.status == "declined" else v.agenda
            mine = next((a.rating for a in v.attendees if a.student_id == self.actor.id), None)
            self._ratings[v.id] = mine
            table.add_row(
                Text(local_time(v.starts_at, tz_name)),
                Text(str(v.duration_minutes)),
                Text(v.status),
                _rated_mark(v, mine, data.now),
                Text(clean_line(v.title)),
                Text(clean_line((note or "").strip().split("\n")[0])[:50]),
                key=v.id,
            )
        self._slots = data.slots
        slots = self.query_one("#cal-slots", DataTable)
        slots.clear()
        for f in data.slots:
            slots.add_row(
                Text(local_time(f.slot.starts_at, tz_name)),
                Text(local_time(f.slot.starts_at, f.mentor.timezone)),
            )
        self.query_one("#cal-note", Static).update(data.no_slots)
        if data.slots:
            slots.focus()

    def _slot_start(self) -> datetime | None:
        slots = self.query_one("#cal-slots", DataTable)
        if not self._slots or not 0 <= slots.cursor_row < len(self._slots):
            self.notify("Pick a free slot first.", severity="warning")
            return None
        return self._slots[slots.cursor_row].slot.starts_at

    def action_book(self) -> None:
        start = self._slot_start()
        if start is None:
            return
        actor, config = self.actor, self.services.config
        self.run_db(
            lambda s: book_session(s, actor, config, starts_at=start),
            self._booked,
            group="student-book",
        )

    def action_progress_review(self) -> None:
        """A progress review meeting with my mentor in the highlighted slot, with a note."""
        start = self._slot_start()
        if start is None:
            return
        actor, config = self.actor, self.services.config

        def asked(typed: list[str] | None) -> None:
            if typed is None:
                return
            self.run_db(
                lambda s: book_session(
                    s, actor, config, starts_at=start, note=typed[0], progress_review=True
                ),
                self._booked,
                group="student-book",
            )

        self.app.push_screen(
            AskScreen(
                "Ask for a progress review meeting",
                [("What would you like to review? (optional)", MAX_NOTE_CHARS)],
            ),
            asked,
        )

    def _booked(self, view: SessionView) -> None:
        when = view.span_in(self.actor.timezone)
        what = "a progress review" if view.title.startswith(PROGRESS_REVIEW) else ""
        if view.status == "scheduled":
            self.notify(f"Booked {what or 'a session'} {when}.", markup=False)
        else:
            self.notify(f"Asked your mentor for {what or 'a session'} {when}.", markup=False)
        self.post_message(DataChanged("sessions"))
        self.reload()

    def action_rate(self) -> None:
        table = self.query_one("#cal-sessions", DataTable)
        if table.row_count == 0:
            self.notify("You have no session to rate.", severity="warning")
            return
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        session_id = str(row_key.value)
        actor = self.actor
        before = self._ratings.get(session_id)

        def rated(typed: list[str] | None) -> None:
            if typed is None:
                return
            rating, comment = typed
            self.run_db(
                lambda s: rate_session(s, actor, session_id, rating.strip(), comment=comment),
                lambda _row: self._rated(rating.strip(), before),
                group="student-rate",
            )

        self.app.push_screen(
            AskScreen(
                "Rate this session" if before is None else f"Change your rating ({before}/5)",
                [
                    ("Rating, 1 (poor) to 5 (excellent)", 1),
                    ("Comment (optional)", MAX_COMMENT_CHARS),
                ],
            ),
            rated,
        )

    def _rated(self, rating: str, before: int | None) -> None:
        if before is None:
            self.notify(f"Rated {rating} of 5.", markup=False)
        else:
            self.notify(f"Changed your rating from {before} to {rating} of 5.", markup=False)
        self.post_message(DataChanged("sessions"))
        self.reload()
