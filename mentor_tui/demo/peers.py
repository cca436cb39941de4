"""The demo's peer mentorship (issue 20): in about a third of the programmes of four students
or more, and always the demo mentor's, the most advanced active student is certified a peer
mentor (on their course, with its completion and quiz average as the criteria), facilitates a
study group of up to three of the mentor's other students, and has peer-reviewed some of their
pending work, for the mentor to confirm.

Its random choices come from a generator of its own (seeded from the demo's seed), drawn after
a mentor's other rows: the rest of the demo is the same row for row with or without it.
"""

from __future__ import annotations

import random

from mentor_tui.db.peer_models import peer_mentor_id
from mentor_tui.demo.rows import (
    DAY,
    HOUR,
    BuilderState,
    PlannedMentor,
    Rows,
    Seen,
    json_text,
    uuid_maker,
)

PEER_SHARE = 1 / 3  # of the programmes big enough for one
MIN_STUDENTS = 4
MIN_MODULES_DONE = 2
CAPACITY = 3
REVIEW_SHARE = 0.6  # of the members' pending work that has a peer review


class PeerPlanner(BuilderState):
    """Peer mentors, study groups and peer reviews, a mentor at a time."""

    _peer_rng: random.Random | None = None

    def _peers_rng(self) -> random.Random:
        if self._peer_rng is None:
            self._peer_rng = random.Random(f"{self.seed}:peers")
            self._peer_new_id = uuid_maker(self._peer_rng)
        return self._peer_rng

    def _peer_rows(self, mentor: PlannedMentor, rows: Rows, seen: Seen) -> None:
        rng = self._peers_rng()
        roll = rng.random()  # drawn for every mentor: one mentor's choice never moves another's
        students = mentor.students
        if len(students) < MIN_STUDENTS:
            return
        if roll >= PEER_SHARE and mentor.index != 0:
            return
        able = [s for s in students if s.status == "Active" and s.completed >= MIN_MODULES_DONE]
        if not able:
            return
        peer = max(able, key=lambda s: (s.completed, s.partial, s.id))
        new_id, t, now = self._peer_new_id, self.times.at, self.now
        modules = self.modules[peer.course]
        quizzes = seen.quizzes.get(peer.id, [])
        certified = now - int((5 + rng.random() * 40) * DAY)
        rows["peer_mentors"].append(
            (peer_mentor_id(peer.id), t(certified), t(certified), peer.id, self.admin_id,
             t(certified), CAPACITY, self.course_ids[peer.course],
             round(100.0 * peer.completed / len(modules), 1),
             round(sum(quizzes) / len(quizzes), 1) if quizzes else None,
             json_text(list(peer.skills[:5])), None, None)
        )  # fmt: skip
        others = [s for s in students if s is not peer and s.status == "Active"]
        # the ones with work waiting first, on the peer's course first
        others.sort(key=lambda s: (s.id not in seen.pending, s.course != peer.course, s.id))
        members = others[:CAPACITY]
        if not members:
            return
        group_id = new_id()
        made = certified + int(rng.random() * 2 * DAY)
        rows["study_groups"].append(
            (group_id, t(made), t(made), mentor.id, f"{peer.first}'s study group", peer.id)
        )
        for member in members:
            rows["study_group_members"].append((new_id(), t(made), t(made), group_id, member.id))
        first = True
        for member in members:
            for submitted, submission_id, text in seen.pending.get(member.id, []):
                if not first and rng.random() >= REVIEW_SHARE:
                    continue
                first = False
                written = min(
                    now - HOUR, max(submitted, made) + int((1 + rng.random() * 20) * HOUR)
                )
                if written <= submitted:
                    continue
                roll = rng.random()
                verdict, feedback = (
                    ("approved", text.approved[int(rng.random() * len(text.approved))])
                    if roll < 0.6
                    else ("changes_requested", text.changes[int(rng.random() * len(text.changes))])
                    if roll < 0.9
                    else ("rejected", text.rejected[int(rng.random() * len(text.rejected))])
                )
                rows["peer_reviews"].append(
                    (new_id(), t(written), t(written), submission_id, peer.id, verdict,
                     feedback, "pending", None, None)
                )  # fmt: skip
