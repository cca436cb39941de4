"""Tables of the learning domain beyond courses, modules and progress.

- ``enrollments``: a student enrolled in a course (the learning platform's ``enrollments``, or
  an imported ``enrollment`` record): when, and when the platform says they completed it. A
  student's courses are those they are enrolled in, and those they have progress in. The row's
  id is made from the student and the course when mentor-tui makes it (``enrollment_id``), so
  two imports of the same enrollment make one row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from mentor_tui.db.models import SYNCED_TABLES, Synced

_NAMESPACE = uuid.UUID("3a6c1f0e-9b7d-4e2a-8c15-6d0f2b9e7a41")


def enrollment_id(user_id: str, course_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"enrollment:{user_id}:{course_id}"))


class Enrollment(Synced, table=True):
    __tablename__ = "enrollments"
    __table_args__ = (Index("ix_enrollments_user_course", "user_id", "course_id"),)

    user_id: str = Field(foreign_key="users.id")
    course_id: str = Field(foreign_key="courses.id", index=True)
    enrolled_at: datetime | None = None
    completed_at: datetime | None = None


SYNCED_TABLES.setdefault(Enrollment.__tablename__, Enrollment)
