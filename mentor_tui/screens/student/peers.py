"""`8` for a student: peer mentorship (issue 20). My study groups (with their facilitator and
members; `l` leaves the highlighted one), the peer reviews I may see (of my work, with who
wrote it and what my mentor made of it, and those I wrote), and, when I am a certified peer
mentor, my certification with its recognition and the pending work of the students I
facilitate (`v` reviews the highlighted one: a verdict and feedback, for their mentor to
confirm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from mentor_tui.core.peers.certify import PeerView, peer_views
from mentor_tui.core.peers.groups import GroupView, group_views, leave_group
from mentor_tui.core.peers.reviews import (
    MAX_PEER_FEEDBACK,
    PeerReviewView,
    Reviewable,
    parse_verdict,
    peer_reviews,
    reviewable,
    write_review,
)
from mentor_tui.core.text import clean_line
from mentor_tui.screens.base import MentorScreen
from mentor_tui.screens.dialogs import AskScreen, ConfirmScreen
from mentor_tui.screens.peers.tables import PeerTable, fill_groups, groups_table, verdict_word
from mentor_tui.widgets.events import DataChanged
from mentor_tui.widgets.figures import local_time
from mentor_tui.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class _Peers:
    me: PeerView | None
    groups: list[GroupView]
    reviews: list[PeerReviewView]
    work: list[Reviewable]


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def recognition(v: PeerView) -> str:
    """A peer mentor's certification and recognition in one line."""
    quiz = "" if v.quiz_average is None else f", quiz {v.quiz_average:.0f}"
    state = "" if v.active else " (revoked)"
    return (
        f"Peer mentor{state} since {v.certified_at.date().isoformat()} on {clean_line(v.course)} "
        f"({v.completion:.0f}% done{quiz}); capacity {v.capacity}; "
        f"{_count(v.reviews, 'peer review')} ({v.confirmed} confirmed), "
        f"{_count(v.sessions, 'group session')}."
    )


class MyPeersScreen(MentorScreen):
    CSS_PATH = "student.tcss"
    HELP_TITLE = "Peers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "review", "Peer review", id="mypeers.review"),
        Binding("l", "leave", "Leave group", id="mypeers.leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._data = _Peers(None, [], [], [])

    def compose(self) -> ComposeResult:
        yield self.mentor_app.make_status_bar(self.HELP_TITLE)
        yield Static("", id="peers-me", classes="student-summary", markup=False)
        yield Static("My study groups (l leaves one)", classes="student-title", markup=False)
        yield groups_table()
        yield Static("Peer reviews", classes="student-title", markup=False)
        yield PeerTable(
            (
                ("Assignment", 18),
                ("Student", 16),
                ("Peer reviewer", 16),
                ("Verdict", 8),
                ("Mentor", 10),
            ),
            id="peers-reviews",
        )
        yield Static("", id="peers-work-title", classes="student-title", markup=False)
        yield PeerTable(
            (("Student", 18), ("Assignment", 20), ("Submitted", 16), ("Reviewed", 8)),
            id="peers-work",
        )
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # the one load as the screen is shown (its first showing too): a second one started
        # from on_mount would fill the tables twice
        self.reload()

    def reload(self) -> None:
        actor = self.actor

        def job(s):  # type: ignore[no-untyped-def]
            mine = [v for v in peer_views(s, actor) if v.student_id == actor.id]
            return _Peers(
                mine[0] if mine else None,
                group_views(s, actor),
                peer_reviews(s, actor),
                reviewable(s, actor),
            )

        self.run_db(job, self._show, group="student-peers")

    def _show(self, data: _Peers) -> None:
        self._data = data
        me = self.query_one("#peers-me", Static)
        me.update(recognition(data.me) if data.me else "Not a peer mentor.")
        groups = self.query_one("#peers-groups", PeerTable)
        fill_groups(groups, data.groups)
        self.query_one("#peers-reviews", PeerTable).fill(
            data.reviews,
            lambda r: r.id,
            lambda r: (
                Text(clean_line(r.assignment)),
                Text(clean_line(r.student_name)),
                Text(clean_line(r.reviewer_name)),
                verdict_word(r),
                Text(r.outcome),
            ),
        )
        work = self.query_one("#peers-work", PeerTable)
        active = data.me is not None and data.me.active
        self.query_one("#peers-work-title", Static).update(
            "Work of the students I facilitate (v reviews)" if active else ""
        )
        work.display = active
        tz_name = self.actor.timezone
        work.fill(
            data.work,
            lambda w: w.submission_id,
            lambda w: (
                Text(clean_line(w.student_name)),
                Text(clean_line(w.assignment)),
                Text(local_time(w.submitted_at, tz_name)),
                Text("yes" if w.reviewed else ""),
            ),
        )
        if active and data.work:
            work.focus()
        elif data.groups:
            groups.focus()

    def action_review(self) -> None:
        item = self.query_one("#peers-work", PeerTable).highlighted(self._data.work)
        if item is None:
            self.notify("No work of a student you facilitate to review.", severity="warning")
            return
        actor = self.actor

        def typed(answers: list[str] | None) -> None:
            if answers is None:
                return
            verdict, feedback = answers

            def job(s):  # type: ignore[no-untyped-def]
                return write_review(s, actor, item.submission_id, parse_verdict(verdict), feedback)

            self.run_db(job, self._reviewed, group="student-peer-review")

        self.app.push_screen(
            AskScreen(
                f"Peer review of {clean_line(item.student_name)}'s {clean_line(item.assignment)}",
                [
                    ("Verdict: approve, reject or changes (a, r, c)", 20),
                    ("Feedback", MAX_PEER_FEEDBACK),
                ],
            ),
            typed,
        )

    def _reviewed(self, view: PeerReviewView) -> None:
        self.notify(
            f"Peer review sent; {clean_line(view.student_name)}'s mentor will confirm it.",
            markup=False,
        )
        self.post_message(DataChanged("submissions"))
        self.reload()

    def action_leave(self) -> None:
        group = self.query_one("#peers-groups", PeerTable).highlighted(self._data.groups)
        if group is None:
            return
        if group.facilitator_id == self.actor.id:
            self.notify("You facilitate this group: its mentor changes that.", severity="warning")
            return
        actor = self.actor

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    lambda s: leave_group(s, actor, group.id),
                    lambda _none: self._left(group.name),
                    group="student-leave",
                )

        self.app.push_screen(ConfirmScreen(f"Leave {clean_line(group.name)}?"), answered)

    def _left(self, name: str) -> None:
        self.notify(f"You left {clean_line(name)}.", markup=False)
        self.reload()
