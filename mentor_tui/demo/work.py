"""The demo's courses (modules, assignments, agenda templates) and each student's work: module
progress and submissions in every review state, with earlier attempts."""

from __future__ import annotations

import random

from mentor_tui.demo.course_model import DemoCourse, DemoModule
from mentor_tui.demo.courses import COURSES, fence_for
from mentor_tui.demo.rows import (
    DAY,
    HOUR,
    AssignmentText,
    BuilderState,
    ModuleRow,
    PlannedStudent,
    Rows,
    Seen,
)
from mentor_tui.demo.texts import (
    FEEDBACK_APPROVED,
    FEEDBACK_CHANGES,
    FEEDBACK_REJECTED,
    SESSION_TEMPLATES,
    SUBMISSION_INTROS,
    SUBMISSION_OUTROS,
)


class CourseWork(BuilderState):
    """Course rows, and one student's progress and submissions at a time."""

    def _course_rows(self, rows: Rows) -> None:
        rng = self.rng
        t = self.times.at
        founded = self.now - 1000 * DAY
        for course in COURSES:
            course_id = self.new_id()
            self.course_ids.append(course_id)
            rows["courses"].append(
                (course_id, t(founded), t(founded), course.title, course.description)
            )
            modules: list[ModuleRow] = []
            for position, module in enumerate(course.modules):
                module_id = self.new_id()
                rows["modules"].append(
                    (module_id, t(founded), t(founded), course_id, module.title, position)
                )
                texts = []
                for title, description in module.assignments:
                    assignment_id = self.new_id()
                    rows["assignments"].append(
                        (assignment_id, t(founded), t(founded), module_id, title, description)
                    )
                    texts.append(self._assignment_text(assignment_id, title, course, module, rng))
                modules.append(
                    ModuleRow(module_id, module.title, module.title.lower(), tuple(texts))
                )
            self.modules.append(modules)
        # Shared agenda templates (no owner): every mentor sees and uses them, admins edit them.
        for title, agenda in SESSION_TEMPLATES:
            template_id = self.new_id()
            rows["session_templates"].append(
                (template_id, t(founded), t(founded), title, agenda, None)
            )
            self.templates.append((template_id, title, agenda))

    @staticmethod
    def _assignment_text(
        assignment_id: str, title: str, course: DemoCourse, module: DemoModule, rng: random.Random
    ) -> AssignmentText:
        fence = fence_for(course, module)
        contents = []
        for intro, outro in zip(
            rng.sample(SUBMISSION_INTROS, 6), rng.sample(SUBMISSION_OUTROS, 6), strict=True
        ):
            contents.append(f"## {title}\n\n{intro}\n\n```{fence}\n{module.code}\n```\n\n{outro}\n")
        return AssignmentText(
            id=assignment_id,
            title=title,
            contents=tuple(contents),
            approved=tuple(f.format(assignment=title) for f in FEEDBACK_APPROVED),
            changes=tuple(f.format(assignment=title) for f in FEEDBACK_CHANGES),
            rejected=tuple(f.format(assignment=title) for f in FEEDBACK_REJECTED),
        )

    # -- per-student work -------------------------------------------------------------------

    def _review_delay(self) -> int:
        roll = self.rng.random()
        if roll < 0.7:
            return int(HOUR + roll / 0.7 * 29 * HOUR)
        if roll < 0.9:
            return int(30 * HOUR + (roll - 0.7) / 0.2 * 30 * HOUR)
        return int(60 * HOUR + (roll - 0.9) / 0.1 * 100 * HOUR)

    def _student_work(self, s: PlannedStudent, rows: Rows, seen: Seen) -> None:
        """Module progress and submissions of one student."""
        rnd = self.rng.random
        new_id = self.new_id
        t = self.times.at
        now = self.now
        latest_review = now - 600
        modules = self.modules[s.course]
        n = len(modules)
        start, last = s.start, s.last_active
        done = s.completed
        reviewer = s.mentor.id if s.mentor else self.admin_id
        progress_rows = rows["module_progress"]
        submission_rows = rows["submissions"]
        span = (last - start) / (done if done == n else done + 1)
        pending_share = 0.6 if s.status == "Active" else 0.2
        created = t(start)
        module_start = start
        for j, module in enumerate(modules):
            if j < done:
                finished = last if j == n - 1 else int(start + span * (j + 1) - rnd() * span * 0.2)
                minutes = int(60 + rnd() * 420)
                quiz = None if j == n - 1 else round(60 + rnd() * 40, 1)
                finished_at = t(finished)
                progress_rows.append(
                    (new_id(), t(module_start), finished_at, s.id, module.id, 1, 100.0, minutes,
                     quiz, finished_at, finished_at)
                )  # fmt: skip
                if finished > now - 21 * DAY:
                    seen.milestones.append((finished, module, s))
                if quiz is not None:
                    seen.quizzes.setdefault(s.id, []).append(quiz)
                window_end, reached = finished, 3
            elif j == done:
                minutes = int(s.partial / 100 * (60 + rnd() * 300)) + 5
                quiz = round(40 + rnd() * 60, 1) if s.partial > 70 and rnd() < 0.5 else None
                last_at = t(last)
                progress_rows.append(
                    (new_id(), t(module_start), last_at, s.id, module.id, 0, s.partial, minutes,
                     quiz, last_at, None)
                )  # fmt: skip
                window_end, reached = last, min(3, int(s.partial / 25))
            else:
                progress_rows.append(
                    (new_id(), created, created, s.id, module.id, 0, 0.0, 0, None, None, None)
                )
                continue
            width = window_end - module_start
            for a in range(reached):
                text = module.assignments[a]
                newest_of_current = j == done and a == reached - 1
                roll = rnd()
                if newest_of_current:
                    final = window_end - int(rnd() * 3 * HOUR)
                    pending = bool(s.demo_role) or roll < pending_share
                else:
                    final = module_start + int(width * (a + 0.4 + rnd() * 0.5) / (reached + 0.5))
                    pending = False
                if pending:
                    final_status = "pending"
                elif j == done:
                    final_status = (
                        "approved" if roll < 0.75 else "changes_requested" if roll < 0.93
                        else "rejected"
                    )  # fmt: skip
                else:
                    final_status = "approved"
                # earlier attempts, each reviewed a while before the next one came in
                roll = rnd()
                attempts = 1 if roll < 0.58 else 2 if roll < 0.86 else 3
                chain: list[tuple[int, int]] = []
                following = final
                for _ in range(attempts - 1):
                    reviewed = following - int(2 * HOUR + rnd() * 46 * HOUR)
                    submitted = reviewed - self._review_delay()
                    if submitted <= start:
                        break
                    chain.append((submitted, reviewed))
                    following = submitted
                chain.reverse()
                for k, (submitted, reviewed) in enumerate(chain):
                    if rnd() < 0.7:
                        status, feedback = "changes_requested", text.changes[int(rnd() * 8)]
                    else:
                        status, feedback = "rejected", text.rejected[int(rnd() * 5)]
                    submitted_at, reviewed_at = t(submitted), t(reviewed)
                    submission_rows.append(
                        (new_id(), submitted_at, reviewed_at, text.id, s.id,
                         text.contents[int(rnd() * 6)], submitted_at, status, feedback, reviewer,
                         reviewed_at, k + 1)
                    )  # fmt: skip
                submission_id = new_id()
                submitted_at = t(final)
                if final_status == "pending":
                    seen.pending.setdefault(s.id, []).append((final, submission_id, text))
                    submission_rows.append(
                        (submission_id, submitted_at, submitted_at, text.id, s.id,
                         text.contents[int(rnd() * 6)], submitted_at, "pending", None, None, None,
                         len(chain) + 1)
                    )  # fmt: skip
                    continue
                reviewed = max(final + 600, min(final + self._review_delay(), latest_review))
                feedback = (
                    text.approved[int(rnd() * 8)] if final_status == "approved"
                    else text.changes[int(rnd() * 8)] if final_status == "changes_requested"
                    else text.rejected[int(rnd() * 5)]
                )  # fmt: skip
                if reviewed > seen.newest_review.get(s.id, (0,))[0]:
                    seen.newest_review[s.id] = (reviewed, submission_id, text, final_status)
                reviewed_at = t(reviewed)
                submission_rows.append(
                    (submission_id, submitted_at, reviewed_at, text.id, s.id,
                     text.contents[int(rnd() * 6)], submitted_at, final_status, feedback, reviewer,
                     reviewed_at, len(chain) + 1)
                )  # fmt: skip
            module_start = window_end
