"""The demo's conversations and notifications: messages between mentors and students,
announcements, and notifications shaped like the services' own."""

from __future__ import annotations

from mentor_tui.demo.rows import (
    DAY,
    HOUR,
    BuilderState,
    PlannedMentor,
    Rows,
    Seen,
    json_text,
)
from mentor_tui.demo.texts import (
    ANNOUNCEMENTS,
    DECISION_WORDS,
    MESSAGES_FROM_MENTOR,
    MESSAGES_FROM_STUDENT,
    NOTIFICATION_FEEDBACK,
    NOTIFICATION_MENTOR_ASSIGNED,
    NOTIFICATION_MILESTONE,
    NOTIFICATION_NEW_STUDENT,
)


class MessagePlanner(BuilderState):
    """One mentor's messages and notifications at a time."""

    def _conversations(self, mentor: PlannedMentor, rows: Rows) -> None:
        rng = self.rng
        rnd = rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        message_rows = rows["messages"]
        talkers = [s for s in mentor.students if s.status == "Active"]
        demo = mentor.index == 0
        if not talkers or (not demo and rnd() < 0.5):
            return
        for s in rng.sample(talkers, min(len(talkers), 5 if demo else 1)):
            topic = self.modules[s.course][min(s.completed, len(self.modules[s.course]) - 1)].topic
            moment = now - int((1 + rnd() * 13) * DAY)
            thread_id = None
            for k in range(rng.randint(2, 4)):
                from_mentor = k % 2 == 0
                pool = MESSAGES_FROM_MENTOR if from_mentor else MESSAGES_FROM_STUDENT
                body = pool[int(rnd() * len(pool))].format(
                    first=s.first, mentor=mentor.first, topic=topic
                )
                read = (
                    min(moment + int(rnd() * 6 * HOUR), now - 30)
                    if moment < now - 12 * HOUR or rnd() < 0.4
                    else None
                )
                sender, recipient = (mentor.id, s.id) if from_mentor else (s.id, mentor.id)
                message_id = new_id()
                thread_id = thread_id or message_id  # one conversation per student
                message_rows.append(
                    (message_id, t(moment), t(read or moment), sender, recipient, "direct", body,
                     t(read) if read else None, thread_id, None)
                )  # fmt: skip
                moment = min(now - 60, moment + int((0.5 + rnd() * 30) * HOUR))
        if demo or rnd() < 0.4:
            moment = now - int(rnd() * 10 * DAY)
            body = ANNOUNCEMENTS[int(rnd() * len(ANNOUNCEMENTS))]
            message_id = new_id()
            message_rows.append(
                (message_id, t(moment), t(moment), mentor.id, None, "announcement", body, None,
                 message_id, "students")
            )  # fmt: skip

    def _notify(
        self,
        rows: Rows,
        user_id: str,
        kind: tuple[str, str, str],
        moment: int,
        data: dict[str, str],
        **words: str,
    ) -> None:
        rnd = self.rng.random
        t = self.times.at
        read = moment + int(rnd() * 12 * HOUR) if moment < self.now - DAY and rnd() < 0.7 else None
        if read is not None and read > self.now:
            read = None
        rows["notifications"].append(
            (self.new_id(), t(moment), t(read or moment), user_id, kind[0], kind[1],
             kind[2].format(**words), json_text(data), t(read) if read else None)
        )  # fmt: skip

    def _mentor_notifications(self, mentor: PlannedMentor, rows: Rows, seen: Seen) -> None:
        """The newest student's arrival (to both), recent milestones, and, for some students,
        the feedback on their newest reviewed submission."""
        rnd = self.rng.random
        newest = max(mentor.students, key=lambda s: s.start)
        self._notify(rows, mentor.id, NOTIFICATION_NEW_STUDENT, newest.start,
                     {"student_id": newest.id}, name=newest.full_name,
                     email=newest.email)  # fmt: skip
        self._notify(rows, newest.id, NOTIFICATION_MENTOR_ASSIGNED, newest.start,
                     {"mentor_id": mentor.id}, mentor=mentor.full_name)  # fmt: skip
        seen.milestones.sort(key=lambda m: m[0])
        for finished, module, s in seen.milestones[-2:]:
            self._notify(rows, mentor.id, NOTIFICATION_MILESTONE, finished,
                         {"student_id": s.id, "module_id": module.id}, name=s.full_name,
                         module=module.title)  # fmt: skip
        for s in mentor.students:
            review = seen.newest_review.get(s.id)
            if review is not None and rnd() < 0.3:
                reviewed, submission_id, text, status = review
                self._notify(rows, s.id, NOTIFICATION_FEEDBACK, reviewed,
                             {"submission_id": submission_id, "assignment_id": text.id,
                              "status": status},
                             assignment=text.title, decision=DECISION_WORDS[status])  # fmt: skip
