"""The demo's people: the admin, mentors with profiles, specializations and availability,
students with profiles, who mentors whom, and each student's timeline."""

from __future__ import annotations

from mentor_tui.demo.courses import COURSES
from mentor_tui.demo.names import (
    CERTIFICATE_HOSTS,
    CONTACT_PREFERENCES,
    FIRST_NAMES,
    LAST_NAMES,
    MENTOR_BIOS,
    MENTOR_UNAVAILABLE_REASONS,
    SKILLS,
    SPECIALIZATIONS,
    STUDENT_GOALS,
    TEACHING_STYLES,
    TIMEZONES,
    email_local_part,
)
from mentor_tui.demo.rows import (
    DAY,
    BuilderState,
    PlannedMentor,
    PlannedStudent,
    Rows,
    json_text,
)

ADMIN_EMAIL = "admin@example.org"
ADMIN_NAME = "Ada Admin"
DEMO_MENTOR_EMAIL = "mentor@example.org"
DEMO_MENTOR_NAME = "Morgan Reyes"

QUIET_DAYS = 14  # the at-risk threshold for no activity; some students are quieter on purpose


class PeoplePlanner(BuilderState):
    """Plans the people (``plan`` in ``DemoBuilder``) and gives their rows."""

    def _email(self, first: str, last: str, domain: str) -> str:
        local = self._local_parts.get((first, last))
        if local is None:
            local = self._local_parts[(first, last)] = email_local_part(first, last)
        seen = self._emails.get(local, 0)
        self._emails[local] = seen + 1
        return f"{local}{seen + 1 if seen else ''}@{domain}"

    def _name(self) -> tuple[str, str]:
        rnd = self.rng.random
        return (
            FIRST_NAMES[int(rnd() * len(FIRST_NAMES))],
            LAST_NAMES[int(rnd() * len(LAST_NAMES))],
        )

    def _availability(self) -> tuple[list[dict[str, object]], list[list[tuple[int, int]]], int]:
        rng = self.rng
        weekdays = sorted(rng.sample(range(7), rng.randint(3, 5)))
        windows: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        shown: list[dict[str, object]] = []
        minutes = 0
        for weekday in weekdays:
            evening = rng.random() < 0.4
            start = (rng.randint(17, 19) if evening else rng.randint(7, 15)) * 60
            start += 30 if rng.random() < 0.25 else 0
            end = min(start + rng.randint(2, 3) * 60, 22 * 60)
            windows[weekday].append((start, end))
            shown.append(
                {
                    "weekday": weekday,
                    "start": f"{start // 60:02d}:{start % 60:02d}",
                    "end": f"{end // 60:02d}:{end % 60:02d}",
                }
            )
            minutes += end - start
        return shown, windows, minutes // 60

    def _make_mentors(self) -> None:
        rng = self.rng
        low = max(1, (self.max_capacity * 2) // 5)
        for i in range(self.n_mentors):
            if i == 0:
                first, last = DEMO_MENTOR_NAME.split(" ", 1)
                email = DEMO_MENTOR_EMAIL
            else:
                first, last = self._name()
                email = self._email(first, last, "example.org")
            course = COURSES[rng.randrange(len(COURSES))]
            own = rng.sample(course.skills, min(len(course.skills), rng.randint(1, 3)))
            others = [s for s in rng.sample(SKILLS, 3) if s not in own][: rng.randint(0, 2)]
            availability, windows, window_hours = self._availability()
            self.mentors.append(
                PlannedMentor(
                    index=i,
                    id=self.new_id(),
                    first=first,
                    full_name=f"{first} {last}",
                    email=email,
                    timezone=TIMEZONES[rng.randrange(len(TIMEZONES))],
                    status="Inactive" if i > 0 and rng.random() < 0.02 else "Active",
                    capacity=rng.randint(
                        max(low, min(12, self.max_capacity)) if i == 0 else low, self.max_capacity
                    ),
                    created=self.now - rng.randint(600, 1000) * DAY + rng.randrange(DAY),
                    expertise=own + others,
                    teaching_style=TEACHING_STYLES[rng.randrange(4)],
                    availability=availability,
                    weekly_hours=window_hours + rng.randint(1, 6),
                    windows=windows,
                )
            )

    def _make_students(self) -> None:
        rnd = self.rng.random
        # course shares: Python 30 %, web 30 %, data science 25 %, DevOps 15 %
        course_limits = (0.3, 0.6, 0.85)
        n_skills = len(SKILLS)
        for _ in range(self.n_students):
            first, last = self._name()
            roll = rnd()
            ci = next(
                (i for i, limit in enumerate(course_limits) if roll < limit), len(COURSES) - 1
            )
            course = COURSES[ci]
            main = course.skills[int(rnd() * len(course.skills))]
            skills = [main]
            for _ in range(1 + int(rnd() * 3)):
                extra = SKILLS[int(rnd() * n_skills)]
                if extra not in skills:
                    skills.append(extra)
            roll = rnd()
            status = (
                "Active" if roll < 0.8 else "Passed out / Completed" if roll < 0.92 else "Inactive"
            )
            self.students.append(
                PlannedStudent(
                    id=self.new_id(),
                    first=first,
                    full_name=f"{first} {last}",
                    email=self._email(first, last, "example.net"),
                    timezone=TIMEZONES[int(rnd() * len(TIMEZONES))],
                    status=status,
                    course=ci,
                    skills=skills,
                    learning_style=TEACHING_STYLES[int(rnd() * 4)],
                    goals=STUDENT_GOALS[int(rnd() * len(STUDENT_GOALS))].format(area=main),
                )
            )

    def _assign(self) -> None:
        """About one student in ten stays unassigned; no mentor ever goes over capacity."""
        rng = self.rng
        wanted = self.n_students - self.n_students // 10
        active = [m for m in self.mentors if m.status == "Active"]
        seats = sum(m.capacity for m in active)
        if seats < wanted:  # raise capacities (never past the limit) until everyone fits
            for mentor in rng.sample(active, len(active)):
                if seats >= wanted:
                    break
                raise_by = min(self.max_capacity - mentor.capacity, wanted - seats)
                mentor.capacity += raise_by
                seats += raise_by
        demo = self.mentors[0]
        spare = max(0, seats - wanted)  # the demo mentor keeps up to two free seats
        demo_load = min(wanted, demo.capacity - (min(2, spare) if demo.capacity > 6 else 0))
        others = [m for m in active if m is not demo for _ in range(m.capacity)]
        rng.shuffle(others)
        chosen = [demo] * demo_load + others[: max(0, wanted - demo_load)]
        order = rng.sample(self.students, len(self.students))
        for student, mentor in zip(order, chosen, strict=False):
            student.mentor = mentor
            mentor.students.append(student)
        for role, student in zip(("stalled", "overdue", "fresh"), demo.students, strict=False):
            student.demo_role = role
            student.status = "Active"

    def _timeline(self, student: PlannedStudent) -> None:
        """When the student enrolled, how far they got, and when they were last active."""
        rnd = self.rng.random
        n_modules = len(COURSES[student.course].modules)
        if student.status == "Passed out / Completed":
            gap = 10 + rnd() * 140
            enrolled = gap + 150 + rnd() * 250
            fraction = 1.0
        elif student.status == "Inactive":
            gap = 30 + rnd() * 170
            enrolled = gap + 20 + rnd() * 200
            fraction = 0.05 + rnd() * 0.45
        else:
            roll = rnd()
            role = student.demo_role
            if role == "fresh":
                gap = (2 + rnd() * 18) / 24
            elif role == "overdue":
                gap = 2.5 + rnd() * 2.5
            elif role == "stalled" or roll >= 0.85:
                gap = 15 + rnd() * 30
            elif roll < 0.6:
                gap = (1 + rnd() * 35) / 24
            elif roll < 0.75:
                gap = 1.5 + rnd() * 2.5
            else:
                gap = 4 + rnd() * 10
            enrolled = gap + 14 + rnd() * 280
            fraction = 0.05 + rnd() * 0.9
            if gap > QUIET_DAYS:
                fraction *= 0.6
        student.last_active = self.now - int(gap * DAY)
        student.start = self.now - int(enrolled * DAY)
        scaled = fraction * n_modules
        student.completed = min(n_modules, int(scaled))
        if student.completed < n_modules:
            student.partial = round(max(8.0, min(95.0, (scaled - student.completed) * 100)), 1)
            if student.demo_role:
                student.partial = max(student.partial, 40.0)  # reached an assignment to submit

    def people_rows(self) -> Rows:
        rng = self.rng
        rnd = rng.random
        t = self.times.at
        rows = Rows()
        admin_since = self.now - 1100 * DAY
        rows["users"].append(
            (self.admin_id, t(admin_since), t(admin_since), ADMIN_NAME, ADMIN_EMAIL, "admin",
             "Active", "Europe/London", None)
        )  # fmt: skip
        active = [m for m in self.mentors if m.status == "Active"]
        for m in self.mentors:
            created = t(m.created)
            rows["users"].append(
                (m.id, created, created, m.full_name, m.email, "mentor", m.status, m.timezone, None)
            )
        for s in self.students:
            created = t(s.start)
            rows["users"].append(
                (s.id, created, created, s.full_name, s.email, "student", s.status, s.timezone,
                 s.mentor.id if s.mentor else None)
            )  # fmt: skip
            rows["student_profiles"].append(
                (
                    self.new_id(),
                    created,
                    created,
                    s.id,
                    s.learning_style,
                    json_text(s.skills),
                    s.goals,
                )
            )
        for m in self.mentors:
            created = t(m.created)
            backup = self._backup(m, active)
            away = m.index > 0 and m.status == "Active" and rnd() < 0.03
            years = 3 + int(rnd() * 15)
            rows["mentor_profiles"].append(
                (self.new_id(), created, created, m.id, json_text(m.expertise), m.teaching_style,
                 m.capacity, m.weekly_hours, json_text(m.availability),
                 json_text(sorted(rng.sample(CONTACT_PREFERENCES, rng.randint(1, 3)))),
                 backup.id if backup else None,
                 MENTOR_BIOS[int(rnd() * len(MENTOR_BIOS))].format(area=m.expertise[0], years=years),
                 MENTOR_UNAVAILABLE_REASONS[int(rnd() * len(MENTOR_UNAVAILABLE_REASONS))] if away else None,
                 self.times.date_of(self.now + int((7 + rnd() * 38) * DAY)) if away else None)
            )  # fmt: skip
            offered = [name for area in m.expertise for name in SPECIALIZATIONS[area]]
            for name in rng.sample(offered, min(len(offered), rng.randint(2, 4))):
                level = (2, 3, 3, 4, 4, 4, 5, 5, 5)[int(rnd() * 9)]
                verified = rnd() < 0.45
                certified = verified and rnd() < 0.7
                url = (
                    f"{CERTIFICATE_HOSTS[int(rnd() * 3)]}/{email_local_part(m.first, name)}"
                    f"/{rng.getrandbits(32):08x}"
                    if certified else None
                )  # fmt: skip
                rows["mentor_specializations"].append(
                    (self.new_id(), created, created, m.id, name, level, url, 1 if verified else 0)
                )
        return rows

    def _backup(self, mentor: PlannedMentor, active: list[PlannedMentor]) -> PlannedMentor | None:
        """Another active mentor, preferably one sharing an area of expertise."""
        rnd = self.rng.random
        others = len(active) - (mentor in active)
        if others <= 0:
            return None
        fallback = None
        for _ in range(12):
            candidate = active[int(rnd() * len(active))]
            if candidate is mentor:
                continue
            fallback = fallback or candidate
            if set(candidate.expertise) & set(mentor.expertise):
                return candidate
        if fallback is None:
            fallback = next(c for c in active if c is not mentor)
        return fallback
