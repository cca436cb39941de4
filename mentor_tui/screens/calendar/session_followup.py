"""After a session (a modal of the calendar, key `5`): attendance per student, the student's
rating 1-5, a summary and follow-up action items, saved in one step (SPEC 4.5)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, TextArea

from mentor_tui.core.sessions.followup import complete_session
from mentor_tui.core.sessions.views import SessionView
from mentor_tui.core.text import clean_line
from mentor_tui.errors import UserError
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.drafts import DraftKeeper

ATTENDANCE_CHOICES = [("Attended", "attended"), ("No-show", "no_show"), ("Excused", "excused")]


class SessionFollowupModal(MentorModal[SessionView | None]):
    CSS_PATH = "session_form.tcss"
    HELP_TITLE = "After the session"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save follow-up", id="session_followup.save", priority=True),
        Binding("escape", "close", "Close without saving", id="session_followup.close"),
    ]

    def __init__(self, session: SessionView) -> None:
        super().__init__()
        self.session = session
        # the summary and action items typed, kept as a draft of this session's follow-up
        self.drafts = DraftKeeper(
            self,
            "followup",
            session.id,
            {"summary": "#followup-summary", "items": "#followup-items"},
        )

    def compose(self) -> ComposeResult:
        view = self.session
        tz = self.services.actor.timezone
        with Vertical(id="followup-box"):
            yield Static(
                f"After the session: {clean_line(view.title)} · {view.span_in(tz)}",
                classes="section-title",
                markup=False,
            )
            with VerticalScroll(id="followup-fields"):
                yield Label("Attendance and the student's rating (1-5, empty: none)")
                for i, person in enumerate(view.attendees):
                    with Horizontal(classes="followup-row"):
                        yield Static(
                            clean_line(person.full_name), classes="followup-name", markup=False
                        )
                        yield Select(
                            ATTENDANCE_CHOICES,
                            value=person.attendance or "attended",
                            allow_blank=False,
                            id=f"followup-attendance-{i}",
                            classes="followup-attendance",
                        )
                        yield Input(
                            str(person.rating or ""),
                            placeholder="rating",
                            restrict=r"[1-5]?",
                            max_length=1,
                            id=f"followup-rating-{i}",
                            classes="followup-rating",
                        )
                yield Label("Summary (saved as a session-summary note for each student)")
                yield TextArea(id="followup-summary")
                yield Label("Follow-up action items, one a line")
                yield TextArea(id="followup-items")
            yield Static("", id="followup-error", markup=False)
            yield Static(
                "ctrl+s saves and marks the session completed · escape closes", classes="muted"
            )

    def on_mount(self) -> None:
        if self.session.attendees:
            self.query_one("#followup-attendance-0", Select).focus()
        else:
            self.query_one("#followup-summary", TextArea).focus()
        self.drafts.start()

    @on(TextArea.Changed)
    def _typed(self) -> None:
        self.drafts.typed()

    def action_save(self) -> None:
        view = self.session
        attendance: dict[str, str] = {}
        ratings: dict[str, int] = {}
        for i, person in enumerate(view.attendees):
            attendance[person.student_id] = str(
                self.query_one(f"#followup-attendance-{i}", Select).value
            )
            rating = self.query_one(f"#followup-rating-{i}", Input).value.strip()
            if rating:
                ratings[person.student_id] = int(rating)
        summary = self.query_one("#followup-summary", TextArea).text
        items = self.query_one("#followup-items", TextArea).text.splitlines()
        actor = self.services.actor

        def job(s: Any) -> SessionView:
            if not view.attendees:
                raise UserError("That session has no students of yours to record.")
            return complete_session(
                s,
                actor,
                view.id,
                attendance=attendance,
                ratings=ratings,
                summary=summary,
                action_items=items,
            )

        self.run_db(job, self._saved, group="followup-save")

    def _saved(self, view: SessionView) -> None:
        self.drafts.discard()
        self.dismiss(view)

    def refused(self, sentence: str) -> None:
        self.query_one("#followup-error", Static).update(sentence)
        self.notify(sentence, severity="warning", markup=False)

    def action_close(self) -> None:
        self.drafts.discard()  # closed without saving: what was typed is thrown away
        self.dismiss(None)
