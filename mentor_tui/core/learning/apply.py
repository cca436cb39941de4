"""Writing a checked batch of learning records through ``core.writes``.

Each record becomes its mentor-tui row, inserted when new and updated field by field when not;
a field the record does not give is left as it is, and a row whose fields all match is not
written at all, so the same batch applied twice writes nothing the second time. The order is
users, courses, modules, progress, enrollments, assignments, submissions: a record only names
rows written before it.

- A user becomes an account (a mentor gets a mentor profile, a student a student profile); a
  new ``mentor_id`` is an assignment (audited as one, the mentor told under the
  ``new_student_assignment`` toggle). The platform assigns: a mentor's capacity is not checked.
- An enrollment is kept (``enrollments``: one row per student and course, with when they
  enrolled and completed) and gives the student a progress row for every module of the course
  that they lack (completion counts a student's progress rows).
- A module completed (newly, and lately) is a milestone: the student and their mentor are told
  (core/notifications/milestones.py).
- A submission decided in mentor-tui keeps its decision when the platform still says
  ``pending``; a decision the platform made wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.learning.check import CHUNK, Plan
from mentor_tui.core.learning.keys import progress_row_id
from mentor_tui.core.learning.records import KINDS, Record
from mentor_tui.core.notifications.milestones import notify_module_completed
from mentor_tui.core.notifications.notify import notify, notify_new_submission
from mentor_tui.db.learning_models import Enrollment, enrollment_id
from mentor_tui.db.models import (
    Assignment,
    Course,
    MentorProfile,
    Module,
    ModuleProgress,
    StudentProfile,
    Submission,
    Synced,
    User,
)

Progress = Callable[[int, int], None]
ACTION = "import"


@dataclass
class Applied:
    """What a batch wrote: rows by table (inserted or changed; a row left as it was is not
    counted)."""

    records: int = 0
    written: Counter[str] = field(default_factory=Counter)
    new_students: list[str] = field(default_factory=list)  # new accounts left without a mentor
    auto_assigned: int = 0  # of those, assigned by auto_assignment (importer.py)
    new_pending: list[str] = field(default_factory=list)  # new submissions waiting for review

    @property
    def rows(self) -> int:
        return sum(self.written.values())


class _Writer:
    def __init__(
        self, session: Session, actor_id: str | None, plan: Plan, config: Config, source: str
    ) -> None:
        self.session = session
        self.actor_id = actor_id
        self.plan = plan
        self.config = config
        self.detail = {"source": source}
        self.applied = Applied(records=plan.count)
        self.progress_rows: dict[tuple[str, str], ModuleProgress] = {}

    # -- the write path, counted -------------------------------------------------------------
    def insert(self, row: Synced) -> None:
        writes.insert(self.session, self.actor_id, row, action=ACTION, detail=self.detail)
        self.applied.written[row.__tablename__] += 1

    def update(self, row: Synced, wanted: dict[str, Any], *, action: str = ACTION) -> bool:
        changes = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if not changes:
            return False
        writes.update(self.session, self.actor_id, row, changes, action=action, detail=self.detail)
        self.applied.written[row.__tablename__] += 1
        return True

    def upsert(self, model: type[Synced], row_id: str, wanted: dict[str, Any]) -> Any:
        row = self.plan.rows.get(row_id)
        if row is None:
            row = model(id=row_id, **wanted)
            self.insert(row)
            self.plan.rows[row_id] = row
        else:
            self.update(row, wanted)
        return row

    def ref(self, kind: str, record: Record, name: str) -> str:
        return self.plan.target(kind, record.values[name])

    # -- each kind ------------------------------------------------------------------------------
    def users(self, records: list[Record]) -> None:
        # every account first; the mentors students name are set once everyone exists
        new: list[User] = []
        for record in records:
            v = record.values
            user_id = self.plan.target("user", record.id)
            fields = ("full_name", "email", "status", "timezone")
            wanted: dict[str, Any] = {k: v[k] for k in fields if k in v}
            existing = self.plan.rows.get(user_id)
            if existing is None:
                user = User(id=user_id, role=v["role"], **wanted)
                self.insert(user)
                self.plan.rows[user_id] = user
                new.append(user)
            else:
                self.update(existing, wanted)
        self.session.flush()  # no relationships are declared: profiles wait for their users
        for user in new:
            if user.role == "mentor":
                capacity = self.config.max_students_per_mentor
                self.insert(MentorProfile(user_id=user.id, capacity=capacity))
            elif user.role == "student":
                self.insert(StudentProfile(user_id=user.id))
        self.session.flush()
        for record in records:
            if "mentor_id" in record.values:
                self._assign(record)
        self.applied.new_students += [
            u.id for u in new if u.role == "student" and u.mentor_id is None
        ]

    def _assign(self, record: Record) -> None:
        student = self.plan.rows[self.plan.target("user", record.id)]
        mentor = self.plan.rows[self.ref("user", record, "mentor_id")]
        if student.mentor_id == mentor.id:
            return
        self.update(student, {"mentor_id": mentor.id}, action="assign")
        note = notify(
            self.session,
            self.config,
            user_id=mentor.id,
            type="new_student_assignment",
            title="New student assigned",
            message=f"{student.full_name} ({student.email}) is now your student.",
            data={"student_id": student.id},
            toggle="new_student_assignment",
            actor_id=self.actor_id,
        )
        if note is not None:
            self.applied.written["notifications"] += 1

    def courses(self, records: list[Record]) -> None:
        for record in records:
            v = record.values
            wanted = {"title": v["title"]} | (
                {"description": v["description"]} if "description" in v else {}
            )
            self.upsert(Course, self.plan.target("course", record.id), wanted)

    def modules(self, records: list[Record]) -> None:
        for record in records:
            v = record.values
            wanted = {"course_id": self.ref("course", record, "course_id"), "title": v["title"]}
            if "position" in v:
                wanted["position"] = v["position"]
            self.upsert(Module, self.plan.target("module", record.id), wanted)

    def assignments(self, records: list[Record]) -> None:
        for record in records:
            v = record.values
            wanted = {"module_id": self.ref("module", record, "module_id"), "title": v["title"]}
            if "instructions" in v:
                wanted["description"] = v["instructions"]
            self.upsert(Assignment, self.plan.target("assignment", record.id), wanted)

    def load_progress(self, user_ids: set[str]) -> None:
        wanted = sorted(user_ids)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            query = select(ModuleProgress).where(ModuleProgress.user_id.in_(chunk))
            for row in self.session.execute(query).scalars():
                self.progress_rows[(row.user_id, row.module_id)] = row

    def _progress_row(self, user_id: str, module_id: str, wanted: dict[str, Any]) -> None:
        row = self.progress_rows.get((user_id, module_id))
        was_done = row is not None and row.is_completed
        if row is None:
            row = ModuleProgress(
                id=progress_row_id(user_id, module_id),
                user_id=user_id,
                module_id=module_id,
                **wanted,
            )
            self.insert(row)
            self.progress_rows[(user_id, module_id)] = row
        else:
            self.update(row, wanted)
        if row.is_completed and not was_done:  # a milestone: the student and mentor are told
            notify_module_completed(
                self.session,
                self.config,
                user_id,
                module_id,
                completed_at=row.completed_at or row.last_activity_at,
                actor_id=self.actor_id,
            )

    def enrollments(self, records: list[Record]) -> None:
        if not records:
            return
        self.session.flush()
        course_ids = {self.ref("course", r, "course_id") for r in records}
        modules: dict[str, list[str]] = {course_id: [] for course_id in course_ids}
        query = select(Module.id, Module.course_id).where(
            Module.course_id.in_(sorted(course_ids)), Module.deleted_at.is_(None)
        )
        for module_id, course_id in self.session.execute(query):
            modules[course_id].append(module_id)
        for record in records:
            user_id = self.ref("user", record, "user_id")
            course_id = self.ref("course", record, "course_id")
            times: dict[str, Any] = {
                k: record.values[k] for k in ("enrolled_at", "completed_at") if k in record.values
            }
            row_id = enrollment_id(user_id, course_id)
            enrollment = self.session.get(Enrollment, row_id)
            if enrollment is None:
                self.insert(Enrollment(id=row_id, user_id=user_id, course_id=course_id, **times))
            else:
                self.update(enrollment, times)
            for module_id in modules[course_id]:
                if (user_id, module_id) not in self.progress_rows:
                    self._progress_row(user_id, module_id, {})

    def progress(self, records: list[Record]) -> None:
        names = {
            "is_completed": "is_completed",
            "progress_percent": "percent",
            "time_spent_minutes": "time_spent_minutes",
            "quiz_score": "quiz_score",
            "last_activity_at": "last_activity_at",
            "completed_at": "completed_at",
        }
        for record in records:
            wanted = {names[k]: v for k, v in record.values.items() if k in names}
            self._progress_row(
                self.ref("user", record, "user_id"),
                self.ref("module", record, "module_id"),
                wanted,
            )

    def submissions(self, records: list[Record]) -> None:
        names = {
            "content": "content",
            "status": "status",
            "feedback": "feedback",
            "reviewed_at": "reviewed_at",
            "submitted_at": "submitted_at",
        }
        for record in records:
            v = record.values
            wanted = {names[k]: value for k, value in v.items() if k in names}
            wanted["student_id"] = self.ref("user", record, "student_id")
            wanted["assignment_id"] = self.ref("assignment", record, "assignment_id")
            if "reviewed_by" in v:
                wanted["reviewer_id"] = self.ref("user", record, "reviewed_by")
            row_id = self.plan.target("submission", record.id)
            existing = self.plan.rows.get(row_id)
            if (
                existing is not None
                and existing.status != "pending"
                and (wanted.get("status", "pending") == "pending")
            ):
                # decided in mentor-tui, still pending on the platform: the decision stays
                for key in ("status", "feedback", "reviewer_id", "reviewed_at"):
                    wanted.pop(key, None)
            row = self.upsert(Submission, row_id, wanted)
            if existing is None and row.status == "pending":
                self.applied.new_pending.append(row.id)


def tell_mentors(session: Session, config: Config, actor_id: str | None, applied: Applied) -> None:
    """Each new pending submission tells the student's mentor ("New submission"), as the
    platform bridge does; once, since a submission imported again is not new. Run after
    auto-assignment, so a student assigned by it has a mentor to tell."""
    for submission_id in applied.new_pending:
        row = session.get(Submission, submission_id)
        if row is None:
            continue
        note = notify_new_submission(session, config, row, actor_id=actor_id)
        if note is not None:
            applied.written["notifications"] += 1


def apply_plan(
    session: Session,
    actor_id: str | None,
    plan: Plan,
    config: Config,
    *,
    source: str,
    progress: Progress | None = None,
    progress_every: int = 200,
) -> Applied:
    """Write a plan without problems; ``progress(done, total)`` follows it by records."""
    if plan.problems:
        raise ValueError("a plan with problems is not applied")
    writer = _Writer(session, actor_id, plan, config, source)
    students = {writer.ref("user", r, "user_id") for r in plan.records["enrollment"]}
    students |= {writer.ref("user", r, "user_id") for r in plan.records["progress"]}
    steps: dict[str, Callable[[list[Record]], None]] = {
        "user": writer.users,
        "course": writer.courses,
        "module": writer.modules,
        "enrollment": writer.enrollments,
        "progress": writer.progress,
        "assignment": writer.assignments,
        "submission": writer.submissions,
    }
    total = plan.count
    done = 0
    if progress is not None:
        progress(0, total)
    for kind in KINDS:
        if kind == "progress":
            writer.load_progress(students)
        records = plan.records[kind]
        # users in one step: a student's mentor may come later in the batch
        step = len(records) if kind == "user" else progress_every
        for start in range(0, len(records), max(step, 1)):
            steps[kind](records[start : start + step])
            session.flush()  # the next kind's rows refer to these
            done += len(records[start : start + step])
            if progress is not None:
                progress(done, total)
    session.flush()
    return writer.applied
