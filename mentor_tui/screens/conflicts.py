"""`C` (shown while there are conflicts): changes of mine the server did not take as sent.

Each conflict shows both sides literally, mine and theirs; keep mine (written again on top of
the server's version, pushed by the next sync), keep theirs (the server's stays), or edit a
merge of a text in a box prefilled with both.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static, TextArea
from textual.widgets.option_list import Option

from mentor_tui.core.text import clean_line, editable_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.sync import KEEP_MINE, KEEP_THEIRS, Conflict, list_conflicts, resolve_conflict
from mentor_tui.widgets.drafts import DraftKeeper
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter

THING = {
    "courses": "Course",
    "users": "Person",
    "comment_snippets": "Comment snippet",
    "mentor_profiles": "Mentor profile",
    "mentor_specializations": "Mentor specialization",
    "mentorship_sessions": "Session",
    "messages": "Message",
    "modules": "Module",
    "notifications": "Notification",
    "session_templates": "Session template",
    "student_availability": "Student availability",
    "student_profiles": "Student profile",
    "assignments": "Assignment",
    "mentorship_notes": "Note",
    "module_progress": "Module progress",
    "session_attendees": "Session attendance",
    "submissions": "Submission",
}
WHAT = {
    "note": "a note you both edited",
    "text": "a text you both edited",
    "review": "a review someone else decided first",
    "field": "fields you both changed",
    "deleted": "a row deleted on one side, changed on the other",
    "rejected": "a change the server refused",
}


def _value(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def side_text(conflict: Conflict, side: str) -> str:
    """One side of a conflict as plain text: each field's value (text shown as typed)."""
    deleted = conflict.mine_deleted if side == "mine" else conflict.theirs_deleted
    if deleted:
        return "(deleted)"
    lines: list[str] = []
    for name in sorted(conflict.fields):
        value = _value(conflict.fields[name].get(side))
        if len(conflict.fields) == 1:
            lines.append(value)
        elif "\n" in value:
            lines.append(f"{name}:\n{value}")
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines) if lines else "(no fields)"


def merge_prefill(conflict: Conflict) -> str:
    """The merge box starts with both texts, mine first, to be edited into one."""
    field = conflict.text_fields[0]
    values = conflict.fields[field]
    mine, theirs = values.get("mine") or "", values.get("theirs") or ""
    return f"{mine}\n\n{theirs}" if mine != theirs else mine


class ConflictsScreen(MentorScreen):
    CSS_PATH = "conflicts.tcss"
    HELP_TITLE = "Conflicts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "keep('mine')", "Keep mine", id="conflicts.mine"),
        Binding("t", "keep('theirs')", "Keep theirs", id="conflicts.theirs"),
        Binding("e", "merge", "Edit a merge", id="conflicts.merge"),
        Binding("ctrl+s", "save_merge", "Save the merge", id="conflicts.save", priority=True),
        Binding("escape", "back", "Cancel merge / back", id="conflicts.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._conflicts: list[Conflict] = []
        self._merging = False
        self._merge_draft: DraftKeeper | None = None

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("", id="conflicts-count", markup=False)
        with Horizontal(id="conflicts-body"):
            yield OptionList(id="conflicts-list")
            with Vertical(id="conflict-detail"):
                yield Static("", id="conflict-message", markup=False)
                with Horizontal(id="conflict-sides"):
                    with VerticalScroll(classes="conflict-side"):
                        yield Static("Mine (this store)", classes="side-title", markup=False)
                        yield Static("", id="conflict-mine", markup=False)
                    with VerticalScroll(classes="conflict-side"):
                        yield Static("Theirs (the server)", classes="side-title", markup=False)
                        yield Static("", id="conflict-theirs", markup=False)
                yield Static(
                    "Merge: edit into one text, ctrl+s saves, escape cancels.",
                    id="merge-title",
                    classes="hidden",
                    markup=False,
                )
                yield TextArea(id="conflict-merge", classes="hidden", soft_wrap=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        engine = self.services.engine
        self.run_db(lambda _s: list_conflicts(engine), self._show, group="conflicts")

    def _show(self, conflicts: list[Conflict]) -> None:
        highlighted = self.current
        self._conflicts = conflicts
        listing = self.query_one(OptionList)
        listing.clear_options()
        tz = self.actor.timezone
        for conflict in conflicts:
            label = Content.assemble(
                (THING.get(conflict.entity, clean_line(conflict.entity)), "bold"),
                " · ",
                WHAT.get(conflict.kind, clean_line(conflict.kind)),
                "\n",
                (local_time(conflict.created_at, tz), "dim"),
            )
            listing.add_option(Option(label, id=conflict.id))
        noun = "conflict" if len(conflicts) == 1 else "conflicts"
        self.query_one("#conflicts-count", Static).update(
            f"{len(conflicts)} {noun} waiting: keep mine, keep theirs, or edit a merge."
            if conflicts
            else "No conflicts waiting: every change is settled."
        )
        if conflicts:
            ids = [c.id for c in conflicts]
            index = ids.index(highlighted.id) if highlighted and highlighted.id in ids else 0
            listing.highlighted = index
            listing.focus()
        self._detail()
        self.refresh_bindings()

    @property
    def current(self) -> Conflict | None:
        listing = self.query_one(OptionList)
        index = listing.highlighted
        if index is None or not 0 <= index < len(self._conflicts):
            return None
        return self._conflicts[index]

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._close_merge()
        self._detail()

    def _detail(self) -> None:
        conflict = self.current
        message = self.query_one("#conflict-message", Static)
        mine = self.query_one("#conflict-mine", Static)
        theirs = self.query_one("#conflict-theirs", Static)
        if conflict is None:
            message.update("")
            mine.update("")
            theirs.update("")
            return
        message.update(conflict.message)
        mine.update(side_text(conflict, "mine"))
        theirs.update(side_text(conflict, "theirs"))

    # -- choices ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("keep", "merge"):
            return self.current is not None and not self._merging
        if action == "save_merge":
            return self._merging
        return True

    def action_keep(self, side: str) -> None:
        conflict = self.current
        if conflict is None or self._merging:
            return
        self._resolve(conflict, KEEP_MINE if side == "mine" else KEEP_THEIRS)

    def action_merge(self) -> None:
        conflict = self.current
        if conflict is None or self._merging:
            return
        if len(conflict.text_fields) != 1:
            self.notify(
                "Only a conflict over one text can be merged; keep mine or keep theirs.",
                severity="warning",
            )
            return
        box = self.query_one("#conflict-merge", TextArea)
        box.load_text(editable_text(merge_prefill(conflict)))
        # the merge typed is kept as a draft of this conflict until it is saved or dropped
        self._merge_draft = DraftKeeper(self, "merge", conflict.id, {"text": "#conflict-merge"})
        self._merge_draft.start()
        self._merging = True
        box.remove_class("hidden")
        self.query_one("#merge-title").remove_class("hidden")
        box.focus()
        self.refresh_bindings()

    def action_save_merge(self) -> None:
        conflict = self.current
        if conflict is None or not self._merging:
            return
        self._resolve(conflict, self.query_one("#conflict-merge", TextArea).text)

    def action_back(self) -> None:
        if self._merging:
            self._close_merge()
            self.query_one(OptionList).focus()
        else:
            self.dismiss()

    def _close_merge(self) -> None:
        if not self._merging:
            return
        self._merging = False
        draft, self._merge_draft = self._merge_draft, None
        if draft is not None:
            draft.discard()
        self.query_one("#conflict-merge").add_class("hidden")
        self.query_one("#merge-title").add_class("hidden")
        self.refresh_bindings()

    @on(TextArea.Changed, "#conflict-merge")
    def _merge_typed(self) -> None:
        if self._merge_draft is not None:
            self._merge_draft.typed()

    def _resolve(self, conflict: Conflict, keep: str) -> None:
        engine, actor = self.services.engine, self.actor
        choice = {KEEP_MINE: "kept mine", KEEP_THEIRS: "kept theirs"}.get(keep, "saved the merge")

        def done(_: Conflict) -> None:
            self.notify(f"Conflict settled: {choice}; the next sync sends it.", timeout=3)
            self._close_merge()
            self.post_message(DataChanged("conflicts"))
            self.load()

        self.run_db(
            lambda _s: resolve_conflict(engine, conflict.id, keep, actor=actor),
            done,
            group="conflict-resolve",
        )
