"""The one way an editor keeps its draft (issue 15, "nothing typed is lost"): a `DraftKeeper`
watches the editor's fields (TextAreas and Inputs, by selector), writes what is typed to the
store's draft table (``core/drafts``) at most about a second after any key however fast the
typing, brings a draft left by a crash back when the editor opens on the same thing again (with
a notice), and deletes it when the real thing is saved or the person throws the edit away.

An editor makes one keeper per thing edited and tells it three things: `start` once its fields
hold what they open with, `typed` on each change of a field, and `discard` once the real thing
is saved or the edit is cancelled. Writes run in thread workers, one at a time and in order, so
a discard is never overtaken by a draft written before it.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from time import monotonic
from typing import TYPE_CHECKING, Any, cast

from textual.widget import Widget
from textual.widgets import Input, TextArea

from mentor_tui.core.drafts.throttle import SaveClock
from mentor_tui.errors import UserError
from mentor_tui.widgets.figures import local_time

if TYPE_CHECKING:
    from sqlmodel import Session
    from textual.timer import Timer

    from mentor_tui.core.drafts.drafts import Draft
    from mentor_tui.widgets.host import MentorHost

_DISCARD = None  # the write that deletes the draft
_UNKNOWN = object()
# the keepers of the editors open now, for the app to write them all when it quits
_OPEN: weakref.WeakSet[DraftKeeper] = weakref.WeakSet()
DRAFT_GROUP_PREFIX = "draft-"


def flush_open_drafts() -> None:
    """Write the draft of every open editor now (the app is quitting: the last keys too).
    An editor no longer on screen (its screen closed another way) has nothing left to write."""
    for keeper in list(_OPEN):
        if not keeper.host.is_attached:
            _OPEN.discard(keeper)
            continue
        keeper.flush()


class DraftKeeper:
    """The draft of one editor, on ``host`` (the screen or panel holding the fields)."""

    def __init__(self, host: Widget, kind: str, key: str, fields: Mapping[str, str]) -> None:
        self.host = host
        self.kind = kind
        self.key = key
        self.fields = dict(fields)  # name -> selector of a TextArea or an Input in host
        self.clock = SaveClock()
        self.restored: Draft | None = None
        self.closed = False
        self._baseline: dict[str, str] = {}
        # what the store holds as far as we know (None: no draft); unknown until a write
        self._written: dict[str, str] | object | None = _UNKNOWN
        self._timer: Timer | None = None
        self._busy = False
        self._queued: dict[str, str] | bool | None = False  # False: nothing queued
        self._started = False

    # -- the fields ---------------------------------------------------------------------------
    def _widget(self, name: str) -> TextArea | Input:
        return cast("TextArea | Input", self.host.query_one(self.fields[name]))

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in self.fields:
            widget = self._widget(name)
            out[name] = widget.text if isinstance(widget, TextArea) else widget.value
        return out

    def _fill(self, values: Mapping[str, str]) -> None:
        for name, value in values.items():
            if name not in self.fields:
                continue
            widget = self._widget(name)
            if isinstance(widget, TextArea):
                widget.load_text(value)
                widget.move_cursor(widget.document.end)  # typing goes on where it stopped
            else:
                widget.value = value
                widget.cursor_position = len(value)

    @property
    def _services(self) -> Any:
        return cast("MentorHost", self.host.app).services

    # -- what the editor says -----------------------------------------------------------------
    def start(self, baseline: Mapping[str, str] | None = None) -> None:
        """The fields hold what the editor opens with (or ``baseline``, the saved text they
        differ from): look for a draft left by a crash, and write one whenever they differ."""
        self._baseline = dict(baseline) if baseline is not None else self.values()
        self._started = True
        _OPEN.add(self)
        self._busy = True  # writes wait for the look-up, which must not find them first
        actor = self._services.actor
        kind, key = self.kind, self.key

        def job(session: Session) -> Draft | None:
            from mentor_tui.core.drafts.drafts import load_draft

            return load_draft(session, actor, kind, key)

        self._run(job, self._found)
        if self.values() != self._baseline:
            self.typed()

    def typed(self) -> None:
        """A field changed: write the draft soon (at most about a second from now)."""
        if self.closed or not self._started:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.host.set_timer(self.clock.typed(monotonic()), self._due)

    def discard(self) -> None:
        """The real thing was saved, or the edit thrown away: no draft any more."""
        if self.closed:
            return
        self.closed = True
        _OPEN.discard(self)
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._write(_DISCARD)

    def flush(self) -> None:
        """Write what is typed now (the editor is being hidden without saving)."""
        if not self.closed and self._started:
            self._due()

    # -- restoring ----------------------------------------------------------------------------
    def _found(self, draft: Draft | None) -> None:
        self._written = None if draft is None else dict(draft.fields)
        if (
            draft is None
            or self.closed
            or self.values() != self._baseline  # typed already: the next write replaces it
            or draft.fields == self._baseline
        ):
            self._wrote(self._written)  # now the writes that waited
            return
        self._busy = False
        self._queued = False  # a write that waited for this is older than the draft
        self._fill(draft.fields)
        self.restored = draft
        actor = self._services.actor
        when = local_time(draft.saved_at, actor.timezone) if actor is not None else ""
        self.host.notify(
            f"Restored what you typed here and had not saved ({when}). Save it to keep it, or "
            "cancel to throw it away.",
            title="Draft restored",
            markup=False,
            timeout=10,
        )

    # -- writing ------------------------------------------------------------------------------
    def _due(self) -> None:
        self._timer = None
        self.clock.written()
        if self.closed:
            return
        values = self.values()
        self._write(_DISCARD if values == self._baseline else values)

    def _write(self, values: dict[str, str] | None) -> None:
        if self._busy:
            self._queued = values
            return
        if values == self._written:
            return
        self._busy = True
        actor = self._services.actor
        kind, key = self.kind, self.key

        def job(session: Session) -> dict[str, str] | None:
            from mentor_tui.core.drafts.drafts import discard_draft, save_draft

            if values is None:
                discard_draft(session, actor, kind, key)
            else:
                save_draft(session, actor, kind, key, values)
            return values

        self._run(job, self._wrote)

    def _wrote(self, values: dict[str, str] | None) -> None:
        self._busy = False
        self._written = values
        queued, self._queued = self._queued, False
        if queued is not False:
            self._write(cast("dict[str, str] | None", queued))

    def _run(self, job: Any, done: Any) -> None:
        app = self.host.app
        services = self._services

        def work() -> None:
            try:
                result = services.run(job)
            except UserError as error:
                app.call_from_thread(self._refused, str(error))
                return
            app.call_from_thread(done, result)

        app.run_worker(
            work,
            thread=True,
            group=f"{DRAFT_GROUP_PREFIX}{self.kind}",
            exclusive=False,
            exit_on_error=False,
        )

    def _refused(self, sentence: str) -> None:
        self._busy = False
        self.host.notify(sentence, title="Draft not kept", severity="warning", markup=False)


__all__ = ["DRAFT_GROUP_PREFIX", "DraftKeeper", "flush_open_drafts"]
