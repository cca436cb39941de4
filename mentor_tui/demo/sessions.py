"""The demo's sessions and notes: past and future one-on-one and group sessions inside each
mentor's availability (never double-booked), attendance and ratings, and the mentor's notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from mentor_tui.demo.rows import (
    DAY,
    HOUR,
    BuilderState,
    PlannedMentor,
    PlannedStudent,
    Rows,
)
from mentor_tui.demo.texts import (
    ACTION_ITEMS,
    NOTES,
    SESSION_GROUP_SUMMARIES,
    SESSION_SUMMARIES,
)


class SessionPlanner(BuilderState):
    """One mentor's sessions, attendance and notes at a time."""

    def _offset(self, tz_name: str, day_number: int) -> int:
        """The zone's UTC offset in seconds at local noon of that day."""
        key = (tz_name, day_number)
        offset = self._offsets.get(key)
        if offset is None:
            noon = datetime.fromtimestamp(day_number * DAY + 12 * HOUR, UTC)
            delta = noon.astimezone(ZoneInfo(tz_name)).utcoffset() or timedelta(0)
            offset = int(delta.total_seconds())
            self._offsets[key] = offset
        return offset

    def _slot(self, mentor: PlannedMentor, earliest: int, latest: int, duration: int) -> int | None:
        """A free start inside the mentor's availability with start >= earliest and
        end <= latest. Slots sit on an hourly grid inside non-overlapping windows and last at
        most an hour, so two distinct slots of one mentor never overlap."""
        rnd = self.rng.random
        first_day, last_day = earliest // DAY - 1, latest // DAY + 1
        if last_day < first_day:
            return None
        days = last_day - first_day + 1
        for _ in range(60):
            day = first_day + int(rnd() * days)
            windows = mentor.windows[(day + 3) % 7]  # 1970-01-01 was a Thursday
            if not windows:
                continue
            start_min, end_min = windows[int(rnd() * len(windows))]
            hours = (end_min - start_min) // 60
            local = start_min + 60 * int(rnd() * hours)
            moment = day * DAY + local * 60 - self._offset(mentor.timezone, day)
            if moment < earliest or moment + duration * 60 > latest or moment in mentor.booked:
                continue
            mentor.booked.add(moment)
            return moment
        return None

    def _sessions_and_notes(
        self,
        mentor: PlannedMentor,
        rows: Rows,
        sessions_per_student: float,
        notes_per_student: float,
    ) -> None:
        """Past and future sessions with attendance, and the mentor's notes, for one mentor."""
        rng = self.rng
        rnd = rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        session_rows = rows["mentorship_sessions"]
        attendee_rows = rows["session_attendees"]
        horizon = now + 28 * DAY
        first_meeting, weekly, review, career, workshop = self.templates
        follow_ups = (weekly, weekly, review, career)

        def add_session(
            kind: str,
            title: str,
            template: tuple[str, str, str],
            start: int,
            duration: int,
            status: str,
            summary: str,
            created: int,
            attendees: Sequence[PlannedStudent],
        ) -> str:
            session_id = new_id()
            updated = created
            if status == "completed":
                updated = max(created, min(start + duration * 60 + int(HOUR * rnd()), now - 60))
            elif status == "cancelled":
                updated = max(created, start - int(rnd() * 48 * HOUR))
            link = f"https://meet.example.org/{session_id[:13]}" if rnd() < 0.85 else None
            session_rows.append(
                (session_id, t(created), t(updated), mentor.id, kind, title, t(start), duration,
                 mentor.timezone, link, template[2], status, summary)
            )  # fmt: skip
            for student in attendees:
                attendance, rating = self._attendance(student, start, status)
                attendee_rows.append(
                    (new_id(), t(created), t(updated), session_id, student.id, attendance, rating)
                )
            return session_id

        for s in mentor.students:
            modules = self.modules[s.course]
            reached = min(s.completed, len(modules) - 1)
            count = int(sessions_per_student) + (rnd() < sessions_per_student % 1)
            wants_future = s.status == "Active" and rnd() < 0.45
            summaries: list[tuple[str, int]] = []
            for k in range(count):
                duration = (30, 45, 60, 60, 60)[int(rnd() * 5)]
                template = first_meeting if k == 0 else follow_ups[int(rnd() * 4)]
                title = f"{template[1]} with {s.first}"
                if wants_future and k == count - 1:
                    start = self._slot(mentor, now + HOUR, horizon, duration)
                    if start is not None:
                        created = max(s.start, now - int(rnd() * 10 * DAY))
                        add_session("one_on_one", title, template, start, duration,
                                    "scheduled", "", created, (s,))  # fmt: skip
                    continue
                earliest = max(s.start + DAY, now - 400 * DAY)
                start = self._slot(mentor, earliest, min(now, s.last_active + 10 * DAY), duration)
                if start is None:
                    continue
                created = max(s.start, start - int((1 + rnd() * 13) * DAY))
                if rnd() < 0.12:
                    add_session("one_on_one", title, template, start, duration, "cancelled", "",
                                created, (s,))  # fmt: skip
                    continue
                topic = modules[int(rnd() * (reached + 1))].topic
                summary = SESSION_SUMMARIES[int(rnd() * len(SESSION_SUMMARIES))]
                session_id = add_session(
                    "one_on_one", title, template, start, duration, "completed",
                    summary.format(first=s.first, topic=topic), created, (s,),
                )  # fmt: skip
                if attendee_rows[-1][5] == "attended":
                    summaries.append((session_id, start + duration * 60))
            self._notes(mentor, s, rows["mentorship_notes"], notes_per_student, summaries)

        active = [s for s in mentor.students if s.status == "Active"]
        if len(active) < 3:
            return
        for _ in range(max(1, len(mentor.students) // 7)):
            group = rng.sample(active, min(len(active), rng.randint(3, 6)))
            joined = max(member.start for member in group)
            future = rnd() < 0.35
            if future:
                start = self._slot(mentor, now + HOUR, horizon, 60)
            else:
                start = self._slot(mentor, joined + DAY, now, 60)
            if start is None:
                continue
            modules = self.modules[group[0].course]
            topic = modules[min(group[0].completed, len(modules) - 1)]
            if future:
                created = max(joined, now - int(rnd() * 7 * DAY))
                status, summary = "scheduled", ""
            else:
                created = max(joined, start - int((3 + rnd() * 11) * DAY))
                status = "completed"
                summary = SESSION_GROUP_SUMMARIES[int(rnd() * len(SESSION_GROUP_SUMMARIES))]
                summary = summary.format(topic=topic.topic)
            add_session("group", f"Group workshop: {topic.title}", workshop, start, 60, status,
                        summary, created, group)  # fmt: skip

    def _attendance(
        self, s: PlannedStudent, start: int, status: str
    ) -> tuple[str | None, int | None]:
        if status != "completed":
            return None, None
        rnd = self.rng.random
        if start > s.last_active + DAY:
            return "no_show", None
        roll = rnd()
        if roll < 0.86:
            rating_roll = rnd()
            rating = (
                None if rating_roll < 0.1 else 5 if rating_roll < 0.55 else 4 if rating_roll < 0.88
                else 3 if rating_roll < 0.96 else 2 if rating_roll < 0.99 else 1
            )  # fmt: skip
            return "attended", rating
        return ("no_show", None) if roll < 0.95 else ("excused", None)

    def _notes(
        self,
        mentor: PlannedMentor,
        s: PlannedStudent,
        note_rows: list[tuple[object, ...]],
        per_student: float,
        completed_sessions: list[tuple[str, int]],
    ) -> None:
        rnd = self.rng.random
        new_id = self.new_id
        t = self.times
        now = self.now
        modules = self.modules[s.course]
        reached = min(s.completed, len(modules) - 1)
        count = int(per_student) + (rnd() < per_student % 1)
        newest = min(now - HOUR, s.last_active + 7 * DAY)
        span = max(HOUR, newest - s.start)
        summaries = list(completed_sessions)
        for _ in range(count):
            topic = modules[int(rnd() * (reached + 1))].topic
            roll = rnd()
            if roll < 0.3 and summaries:
                session_id, ended = summaries.pop(int(rnd() * len(summaries)))
                added = min(ended + int(600 + rnd() * 2 * HOUR), now - 60)
                text = SESSION_SUMMARIES[int(rnd() * len(SESSION_SUMMARIES))]
                note_rows.append(
                    (new_id(), t.at(added), t.at(added), mentor.id, s.id, "session_summary",
                     text.format(first=s.first, topic=topic), t.at(added), None, 0, session_id)
                )  # fmt: skip
                continue
            added = s.start + int(rnd() * span)
            if roll < 0.6:
                text = NOTES[int(rnd() * len(NOTES))]
                note_rows.append(
                    (new_id(), t.at(added), t.at(added), mentor.id, s.id, "note",
                     text.format(first=s.first, topic=topic), t.at(added), None, 0, None)
                )  # fmt: skip
                continue
            due = added + int((3 + rnd() * 11) * DAY)
            done = rnd() < (0.75 if due < now else 0.15)
            updated = min(added + int(rnd() * (due - added)), now - 60) if done else added
            text = ACTION_ITEMS[int(rnd() * len(ACTION_ITEMS))]
            note_rows.append(
                (new_id(), t.at(added), t.at(updated), mentor.id, s.id, "action_item",
                 text.format(first=s.first, topic=topic), t.at(added), t.date_of(due),
                 1 if done else 0, None)
            )  # fmt: skip
