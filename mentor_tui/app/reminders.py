"""Reminders the running app makes (issues #5 and #7): review reminders against the SLA and
session reminders, for the signed-in person only, once after the first frame (so anything
missed while the app was closed goes out on opening) and then every
``reminder_interval_seconds``. Each new one is written as a notification (it syncs like any
other write) and shown as a toast.

With them runs the daily upkeep (``_daily_upkeep``): a mentor's note purge once a day, an
admin's due substitutions.

Who gets what on this device: a mentor their own review reminders (half the SLA, overdue) and
reminders of the sessions they host; a student reminders of the sessions they attend; an admin
none (each mentor's reminders are made on the mentor's own devices). Both core functions skip
what another device already sent once sync has brought its notification in, and honour the
notification toggles of the config.

The work runs in a thread worker of its own group, never exclusive, so it never cancels (or is
cancelled by) a screen's workers; a run that is still going when the timer fires again is not
doubled. ``Services.reminders`` switches it on: the command that opens the app sets it, and the
test harness and the benchmarks leave it off unless they are about reminders.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mentor_tui.core.text import clean_line, clean_text

if TYPE_CHECKING:  # the core modules load with the first run, not with the app
    from sqlmodel import Session

    from mentor_tui.config import Config
    from mentor_tui.core.access import Actor
    from mentor_tui.widgets.host import MentorHost

# toasts for one run; beyond this many, one more toast counts the others by kind
MAX_TOASTS = 3


@dataclass(frozen=True)
class Reminder:
    """A notification just made for the signed-in person, as the toast shows it (user text)."""

    type: str
    title: str
    message: str
    urgent: bool  # overdue feedback: shown as a warning


def make_reminders(
    session: Session, actor: Actor, config: Config, now: datetime | None = None
) -> list[Reminder]:
    """Make the reminders due now for ``actor`` alone, each once; the new ones, reviews first."""
    from mentor_tui.core import clock
    from mentor_tui.core.reviews.reminders import OVERDUE, run_review_reminders
    from mentor_tui.core.sessions.reminders import run_session_reminders

    moment = now or clock.now()
    made = []
    if actor.is_mentor:
        made += run_review_reminders(session, config, moment, mentor_id=actor.id)
    if actor.is_mentor or actor.is_student:
        made += run_session_reminders(session, config, moment, user_id=actor.id)
    return [Reminder(n.type, n.title, n.message, n.type == OVERDUE.type) for n in made]


def _daily_upkeep(
    session: Session, actor: Actor, config: Config, now: datetime | None = None
) -> None:
    """What runs by itself with the reminders (issue 18): a mentor's notes past
    ``note_retention_days`` purged once a day; an admin's due substitutions started and
    ended (mentors away from / until a day)."""
    if actor.is_mentor:
        from mentor_tui.core.notes.retention import purge_if_due

        purge_if_due(session, actor, config, now)
    elif actor.is_admin:
        from mentor_tui.core.matching.substitution import run_due

        run_due(session, actor, config=config, now=now)


def _kinds() -> dict[str, str]:
    from mentor_tui.core.reviews.reminders import HALF_SLA, OVERDUE
    from mentor_tui.core.sessions.reminders import REMINDER_TYPE

    return {
        OVERDUE.type: "feedback overdue",
        HALF_SLA.type: "review due soon",
        REMINDER_TYPE: "session starting",
    }


class AppReminders:
    """The app's reminder loop. Methods without a leading underscore run on the UI thread."""

    def __init__(self, app: MentorHost) -> None:
        self.app = app
        self._timer: Any = None
        self._running = False
        self._again = False
        self.runs = 0  # finished runs, for the status of the loop (and its tests)

    @property
    def enabled(self) -> bool:
        services = self.app.services
        return services.reminders and services.actor is not None

    def start(self) -> None:
        """After sign-in: a first run once the screen has painted, then one every interval."""
        if not self.enabled or self._timer is not None:
            return
        self.app.call_after_refresh(self.run_now)
        seconds = float(self.app.services.config.reminder_interval_seconds)
        self._timer = self.app.set_interval(seconds, self.run_now, name="reminders")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def run_now(self) -> None:
        if not self.enabled:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.app.run_worker(
            self._job, thread=True, group="reminders", exclusive=False, exit_on_error=False,
            name="reminders",
        )  # fmt: skip

    def _job(self) -> None:
        services = self.app.services
        actor, config = services.actor, services.config
        made: list[Reminder] = []
        try:
            if actor is not None:
                made = services.run(lambda s: make_reminders(s, actor, config))
                services.run(lambda s: _daily_upkeep(s, actor, config))
        finally:  # an error is shown by the app's worker handler; the loop goes on
            self.app.call_from_thread(self._done, made)

    def _done(self, made: list[Reminder]) -> None:
        self._running = False
        self.runs += 1
        if made:
            self._show(made)
            self.app.refresh_status()  # the new notifications wait in the outbox
            self.app.sync.local_change()
        if self._again:
            self._again = False
            self.run_now()

    def _show(self, made: list[Reminder]) -> None:
        for reminder in made[:MAX_TOASTS]:
            self.app.notify(
                clean_text(reminder.message),
                title=clean_line(reminder.title),
                severity="warning" if reminder.urgent else "information",
                markup=False,
                timeout=10,
            )
        kinds = _kinds()
        rest = Counter(kinds.get(r.type, r.type) for r in made[MAX_TOASTS:])
        if rest:
            self.app.notify(
                ", ".join(f"{n} {kind}" for kind, n in rest.most_common()) + ".",
                title=f"{sum(rest.values())} more reminders",
                markup=False,
                timeout=10,
            )
