"""CSV files of people for the import tests, drawn from the demo generator's own name, timezone
and skill lists (``mentor_tui.demo.names``): deterministic for a seed, never fetched."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from mentor_tui.demo.names import (
    FIRST_NAMES,
    LAST_NAMES,
    SKILLS,
    TIMEZONES,
    email_local_part,
)


@dataclass(frozen=True)
class PeopleCsv:
    path: Path
    rows: int
    mentors: int
    students: int
    assigned: int
    """Students whose line names a mentor of the same file."""


def write_people_csv(
    path: Path, *, mentors: int, students: int, seed: int = 11, capacity: int = 40
) -> PeopleCsv:
    """``mentors`` mentors with expertise and ``capacity`` seats, then ``students`` students;
    every other student names one of the file's mentors, never past a mentor's capacity."""
    rng = random.Random(seed)
    seats = {i: capacity for i in range(mentors)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["full_name", "email", "role", "mentor_email", "timezone", "expertise", "capacity"]
    )
    mentor_emails = []
    serial = 0

    def person() -> tuple[str, str]:
        nonlocal serial
        serial += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        return f"{first} {last}", f"{email_local_part(first, last)}.{serial}@import.example.org"

    for _ in range(mentors):
        name, email = person()
        mentor_emails.append(email)
        skills = ";".join(rng.sample(SKILLS, 3))
        writer.writerow([name, email, "mentor", "", rng.choice(TIMEZONES), skills, capacity])
    assigned = 0
    for k in range(students):
        name, email = person()
        mentor = ""
        free = [i for i, left in seats.items() if left > 0]
        if k % 2 == 0 and free:
            pick = rng.choice(free)
            seats[pick] -= 1
            mentor = mentor_emails[pick]
            assigned += 1
        writer.writerow([name, email, "student", mentor, rng.choice(TIMEZONES), "", ""])
    path.write_text(out.getvalue(), encoding="utf-8")
    return PeopleCsv(path, mentors + students, mentors, students, assigned)
