"""Key `P` on screen 7: how each kind of notification reaches the signed-in person (issue 17):
off, in the app, email at once, daily or weekly digest (``core/notifications/prefs.py``).

`up` / `down` pick a kind; `o` off, `a` app, `e` email, `d` daily, `w` weekly set it (saved at
once, synced on the next sync); `space` steps to the next delivery; `escape` closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mentor_tui.db.notification_models import DELIVERIES
from mentor_tui.screens.base import MentorModal
from mentor_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from sqlmodel import Session

    from mentor_tui.core.notifications.prefs import Preference

HINT = "o off · a app · e email at once · d daily · w weekly digest · space next · esc close"
LABEL_WIDTH = 46


def _row(p: Preference) -> str:
    from mentor_tui.core.notifications.prefs import DELIVERY_LABELS

    mark = "" if p.chosen else " (default)"
    return f"{p.label[:LABEL_WIDTH]:<{LABEL_WIDTH}}  {DELIVERY_LABELS[p.delivery]}{mark}"


class PreferencesScreen(MentorModal[None]):
    CSS_PATH = "preferences.tcss"
    HELP_TITLE = "Notification preferences"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "choose('off')", "Off", id="prefs.off"),
        Binding("a", "choose('app')", "App", id="prefs.app"),
        Binding("e", "choose('email')", "Email", id="prefs.email"),
        Binding("d", "choose('daily')", "Daily", id="prefs.daily"),
        Binding("w", "choose('weekly')", "Weekly", id="prefs.weekly"),
        Binding("space", "step", "Next", id="prefs.step", show=False),
        Binding("escape", "close", "Close", id="prefs.close", key_display="esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._found: list[Preference] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="prefs-box"):
            yield Static("How each kind of notification reaches you", id="prefs-title")
            yield OptionList(id="prefs-list")
            yield Static(HINT, id="prefs-hint", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    def _load(self) -> None:
        from mentor_tui.core.notifications import prefs

        actor, config = self.actor, self.services.config
        self.run_db(lambda s: prefs.preferences(s, config, actor), self._show, group="prefs")

    def _show(self, found: list[Preference]) -> None:
        self._found = found
        box = self.query_one(OptionList)
        keep = box.highlighted or 0
        box.clear_options()
        box.add_options([Option(Text(_row(p)), id=p.kind) for p in found])
        box.highlighted = min(keep, len(found) - 1)

    def _current(self) -> Preference | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._found):
            return None
        return self._found[index]

    def action_choose(self, delivery: str) -> None:
        from mentor_tui.core.notifications import prefs

        current = self._current()
        if current is None:
            return
        actor, kind = self.actor, current.kind

        def job(s: Session) -> str:
            chosen = prefs.set_preference(s, actor, kind, delivery)
            return f"{chosen.label}: {prefs.DELIVERY_LABELS[chosen.delivery]}."

        self.run_db(job, self._saved, group="prefs-set")

    def action_step(self) -> None:
        current = self._current()
        if current is not None:
            following = DELIVERIES[(DELIVERIES.index(current.delivery) + 1) % len(DELIVERIES)]
            self.action_choose(following)

    def _saved(self, sentence: str) -> None:
        self.notify(sentence, markup=False)
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)
