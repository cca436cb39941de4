"""`8` for mentors and admins: peer mentorship (issue 20). The peer reviews waiting for the
students' mentor (`c` confirms the highlighted one: its verdict and feedback decide the
submission; `o` overrides it, leaving the submission in the review queue), the certified peer
mentors with their criteria and recognition (an admin's `p` certifies a student, `x` revokes
the highlighted peer), and the study groups (`g` makes one of my students, with an optional
peer facilitator; `a` announces to the highlighted one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from mentor_tui.core.messages.rules import MAX_BODY
from mentor_tui.core.peers.certify import PeerView, certify, peer_views, revoke
from mentor_tui.core.peers.groups import GroupView, announce_to_group, create_group, group_views
from mentor_tui.core.peers.reviews import (
    PeerReviewView,
    confirm_review,
    override_review,
    peer_reviews,
)
from mentor_tui.core.text import clean_line, clean_text
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.dialogs import AskScreen, ConfirmScreen
from mentor_tui.screens.peers.tables import PeerTable, fill_groups, groups_table, verdict_word
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class _Peers:
    waiting: list[PeerReviewView]
    peers: list[PeerView]
    groups: list[GroupView]


class PeersScreen(MentorScreen):
    CSS_PATH = "peers.tcss"
    HELP_TITLE = "Peers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "confirm", "Confirm", id="peers.confirm"),
        Binding("o", "override", "Override", id="peers.override"),
        Binding("g", "new_group", "New group", id="peers.group"),
        Binding("a", "announce", "Announce to group", id="peers.announce"),
        Binding("p", "certify", "Certify", id="peers.certify"),
        Binding("x", "revoke", "Revoke", id="peers.revoke"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._data = _Peers([], [], [])

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("Peer reviews to confirm", id="peers-waiting-title", classes="student-title",
                     markup=False)  # fmt: skip
        yield PeerTable(
            (("Student", 18), ("Assignment", 20), ("Peer reviewer", 18), ("Verdict", 8)),
            id="peers-waiting",
        )
        yield Static("", id="peers-feedback", classes="student-summary", markup=False)
        yield Static("Peer mentors", classes="student-title", markup=False)
        yield PeerTable(
            (
                ("Peer mentor", 14),
                ("Course", 11),
                ("Done", 4),
                ("Quiz", 4),
                ("Since", 10),
                ("Cap", 3),
                ("Reviews", 9),
                ("Sessions", 8),
            ),
            id="peers-list",
        )
        yield Static("Study groups", classes="student-title", markup=False)
        yield groups_table()
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # the one load as the screen is shown (its first showing too)
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("certify", "revoke"):
            return self.actor.is_admin
        return True

    def reload(self) -> None:
        actor = self.actor

        def job(s):  # type: ignore[no-untyped-def]
            return _Peers(
                peer_reviews(s, actor, pending_only=True),
                peer_views(s, actor),
                group_views(s, actor),
            )

        self.run_db(job, self._show, group="peers")

    def _show(self, data: _Peers) -> None:
        self._data = data
        waiting = self.query_one("#peers-waiting", PeerTable)
        waiting.fill(
            data.waiting,
            lambda r: r.id,
            lambda r: (
                Text(clean_line(r.student_name)),
                Text(clean_line(r.assignment)),
                Text(clean_line(r.reviewer_name)),
                verdict_word(r),
            ),
        )
        self.query_one("#peers-waiting-title", Static).update(
            f"Peer reviews to confirm ({len(data.waiting)})"
        )
        peers = self.query_one("#peers-list", PeerTable)
        peers.fill(
            data.peers,
            lambda v: v.student_id,
            lambda v: (
                Text(clean_line(v.full_name) + ("" if v.active else " (revoked)")),
                Text(clean_line(v.course)),
                Text(f"{v.completion:.0f}%"),
                Text("-" if v.quiz_average is None else f"{v.quiz_average:.0f}"),
                Text(v.certified_at.date().isoformat()),
                Text(str(v.capacity)),
                Text(f"{v.reviews} ({v.confirmed} ok)"),
                Text(str(v.sessions)),
            ),
        )
        fill_groups(self.query_one("#peers-groups", PeerTable), data.groups)
        self._feedback()
        (waiting if data.waiting else peers).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "peers-waiting":
            self._feedback()

    def _feedback(self) -> None:
        review = self._current_review()
        text = ""
        if review is not None:
            first = (clean_text(review.feedback).strip().splitlines() or [""])[0]
            text = f"{clean_line(review.reviewer_name)}: {clean_line(first)}"
        self.query_one("#peers-feedback", Static).update(text)

    def _current_review(self) -> PeerReviewView | None:
        return self.query_one("#peers-waiting", PeerTable).highlighted(self._data.waiting)

    def action_confirm(self) -> None:
        review = self._current_review()
        if review is None:
            self.notify("No peer review waiting.", severity="warning")
            return
        actor, config = self.actor, self.services.config
        self.run_db(
            lambda s: confirm_review(s, actor, review.id, config),
            lambda v: self._done(v, "Confirmed"),
            group="peers-decide",
        )

    def action_override(self) -> None:
        review = self._current_review()
        if review is None:
            self.notify("No peer review waiting.", severity="warning")
            return
        actor = self.actor

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: override_review(s, actor, review.id),
                    lambda v: self._done(v, "Overrode"),
                    group="peers-decide",
                )

        self.app.push_screen(
            ConfirmScreen(
                "Override this peer review?",
                ["The submission stays in your review queue for your own decision."],
            ),
            answered,
        )

    def _done(self, view: PeerReviewView, verb: str) -> None:
        self.notify(
            f"{verb} {clean_line(view.reviewer_name)}'s review of "
            f"{clean_line(view.student_name)}'s work.",
            markup=False,
        )
        self.post_message(DataChanged("submissions"))
        self.reload()

    def action_new_group(self) -> None:
        actor = self.actor

        def typed(answers: list[str] | None) -> None:
            if answers is None:
                return
            name, students, facilitator = answers
            self.run_db(
                lambda s: create_group(
                    s, actor, name, students.split(","), facilitator=facilitator.strip() or None
                ),
                lambda g: self._made(g.name),
                group="peers-group",
            )

        self.app.push_screen(
            AskScreen(
                "New study group",
                [
                    ("Name", 120),
                    ("Students' emails, comma-separated", 2000),
                    ("Peer facilitator's email (optional)", 254),
                ],
            ),
            typed,
        )

    def action_announce(self) -> None:
        group = self.query_one("#peers-groups", PeerTable).highlighted(self._data.groups)
        if group is None:
            self.notify("Pick a study group first.", severity="warning")
            return
        actor = self.actor

        def typed(answers: list[str] | None) -> None:
            if answers is None:
                return
            self.run_db(
                lambda s: announce_to_group(s, actor, group.id, answers[0]),
                lambda done: self.notify(f"Announced to {clean_line(done[0])}.", markup=False),
                group="peers-announce",
            )

        self.app.push_screen(
            AskScreen(f"Announce to {clean_line(group.name)}", [("Announcement", MAX_BODY)]),
            typed,
        )

    def _made(self, name: str) -> None:
        self.notify(f"Made the study group {clean_line(name)}.", markup=False)
        self.reload()

    def action_certify(self) -> None:
        actor = self.actor

        def typed(answers: list[str] | None) -> None:
            if answers is None:
                return
            student, capacity, course = answers
            self.run_db(
                lambda s: certify(
                    s, actor, student, capacity=capacity or "3", course=course.strip() or None
                ),
                lambda v: self._certified(v),
                group="peers-certify",
            )

        self.app.push_screen(
            AskScreen(
                "Certify a peer mentor",
                [
                    ("Student's email", 254),
                    ("Capacity: students they may facilitate, 1-10", 3),
                    ("Course (optional: the one they completed most of)", 200),
                ],
            ),
            typed,
        )

    def _certified(self, view: PeerView) -> None:
        self.notify(
            f"Certified {clean_line(view.full_name)} on {clean_line(view.course)} "
            f"({view.completion:.0f}% done).",
            markup=False,
        )
        self.reload()

    def action_revoke(self) -> None:
        peer = self.query_one("#peers-list", PeerTable).highlighted(self._data.peers)
        if peer is None:
            return
        actor = self.actor

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: revoke(s, actor, peer.student_id),
                    lambda _v: self._revoked(peer.full_name),
                    group="peers-certify",
                )

        self.app.push_screen(
            ConfirmScreen(f"Revoke {clean_line(peer.full_name)}'s peer mentor certification?"),
            answered,
        )

    def _revoked(self, name: str) -> None:
        self.notify(f"Revoked {clean_line(name)}'s certification.", markup=False)
        self.reload()
