"""The students side of the admin assignment view: all / unassigned / one mentor's, by name or
email and by a needed skill (compared like the matching compares skills), paged in SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.people.unassigned import (
    AssignFilter,
    count_assign_students,
    list_assign_students,
    needed_skills,
    resolve_skill,
    skill_spellings,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import StudentProfile, User
from mentor_tui.errors import AccessDenied, UserError
from tests import factory


@pytest.fixture
def people(engine) -> dict[str, str]:
    """Two mentors and seven students with needed skills written in different ways."""
    with session_scope(engine) as s:
        admin = factory.admin(s)
        maria = factory.mentor(s, "Maria Mentor")
        otto = factory.mentor(s, "Otto Mentor")
        rows = {
            "admin": admin,
            "maria": maria,
            "otto": otto,
            "ada": factory.student(s, "Ada", mentor=maria, needed_skills=["Python", "SQL"]),
            "ben": factory.student(s, "Ben", mentor=otto, needed_skills=["  python "]),
            "cleo": factory.student(s, "Cleo", needed_skills=["PYTHON", "Data   Science"]),
            "dan": factory.student(s, "Dan", needed_skills=["data science"]),
            "eve": factory.student(s, "Eve", needed_skills=["python"], status="Inactive"),
            "finn": factory.student(s, "Finn", needed_skills=[]),
            "gus": factory.student(s, "Gus", mentor=maria, needed_skills=["Go", "git"]),
        }
        return {key: user.id for key, user in rows.items()}


def _actor(engine, user_id: str) -> Actor:
    with session_scope(engine) as s:
        user = s.get(User, user_id)
        assert user is not None
        return Actor.of(user)


def _names(engine, actor: Actor, flt: AssignFilter, **page: int) -> list[str]:
    with session_scope(engine) as s:
        rows = list_assign_students(s, actor, flt, **page)
        assert count_assign_students(s, actor, flt) >= len(rows)
        return [r.full_name for r in rows]


def test_the_skill_filter_folds_case_and_spaces_in_every_mode(engine, people) -> None:
    admin = _actor(engine, people["admin"])
    assert _names(engine, admin, AssignFilter(skill="python")) == ["Ada", "Ben", "Cleo", "Eve"]
    # the inactive student is no one to assign: not among the unassigned
    assert _names(engine, admin, AssignFilter(mode="unassigned", skill="Python")) == ["Cleo"]
    assert _names(
        engine, admin, AssignFilter(mode="mentor", mentor_id=people["maria"], skill="PYTHON")
    ) == ["Ada"]
    assert _names(engine, admin, AssignFilter(mode="unassigned", skill="data  science")) == [
        "Cleo",
        "Dan",
    ]
    assert _names(engine, admin, AssignFilter(mode="unassigned")) == ["Cleo", "Dan", "Finn"]


def test_the_skill_filter_combines_with_the_text_filter_and_pages(engine, people) -> None:
    admin = _actor(engine, people["admin"])
    assert _names(engine, admin, AssignFilter(skill="python", text="BEN")) == ["Ben"]
    assert _names(engine, admin, AssignFilter(skill="go", text="gus")) == ["Gus"]
    assert _names(engine, admin, AssignFilter(skill="go", text="ada")) == []
    flt = AssignFilter(skill="python")
    pages = [_names(engine, admin, flt, offset=k, limit=2) for k in (0, 2, 4)]
    assert pages == [["Ada", "Ben"], ["Cleo", "Eve"], []]
    with session_scope(engine) as s:
        assert count_assign_students(s, admin, flt) == 4
        assert count_assign_students(s, admin, AssignFilter(skill="cobol")) == 0
        assert count_assign_students(s, admin, AssignFilter(skill="g")) == 0  # whole skills


def test_a_skill_written_a_new_way_is_found_after_a_write(engine, people) -> None:
    admin = _actor(engine, people["admin"])
    with session_scope(engine) as s:
        finn = s.get(StudentProfile, _profile_id(s, people["finn"]))
        writes.update(s, None, finn, {"needed_skills": ["Python ", 7, None]})
    assert _names(engine, admin, AssignFilter(mode="unassigned", skill="python")) == [
        "Cleo",
        "Finn",
    ]
    with session_scope(engine) as s:
        assert skill_spellings(s, "python") == [
            "  python ",
            "PYTHON",
            "Python",
            "Python ",
            "python",
        ]


def _profile_id(s, user_id: str) -> str:
    return s.execute(
        select(StudentProfile.id).where(StudentProfile.user_id == user_id)
    ).scalar_one()


def test_needed_skills_lists_each_skill_once_and_completes(engine, people) -> None:
    admin = _actor(engine, people["admin"])
    with session_scope(engine) as s:
        skills = needed_skills(s, admin)
    # once per skill, in its most common spelling ("python" twice, "Python" and "PYTHON" once)
    assert skills == ["Data Science", "git", "Go", "python", "SQL"]
    assert resolve_skill(skills, "PY") == "python"
    assert resolve_skill(skills, "go") == "Go"  # the one it names, not "git"
    assert resolve_skill(skills, "g") == "git"  # else the first it begins
    assert resolve_skill(skills, "data  s") == "Data Science"  # a tie: code-point order
    assert resolve_skill(skills, "rust") is None
    assert resolve_skill(skills, "  ") is None


def test_only_admins_list_students_to_assign(engine, people) -> None:
    maria = _actor(engine, people["maria"])
    with session_scope(engine) as s, pytest.raises(AccessDenied):
        list_assign_students(s, maria, AssignFilter())
    with session_scope(engine) as s, pytest.raises(AccessDenied):
        needed_skills(s, maria)
    admin = _actor(engine, people["admin"])
    with session_scope(engine) as s, pytest.raises(UserError, match="Pick a mentor"):
        count_assign_students(s, admin, AssignFilter(mode="mentor"))
    with session_scope(engine) as s, pytest.raises(UserError, match="Unknown list"):
        count_assign_students(s, admin, AssignFilter(mode="everyone"))


def test_the_picked_list_is_the_students_chosen_in_the_students_list(engine, people) -> None:
    """Issue #22: the students marked in the students list travel into the assignment."""
    admin = _actor(engine, people["admin"])
    picked = AssignFilter(mode="picked", ids=(people["gus"], people["eve"], people["ada"]))
    # whatever their status (Eve is inactive), in name order
    assert _names(engine, admin, picked) == ["Ada", "Eve", "Gus"]
    assert (
        _names(engine, admin, AssignFilter(mode="picked", ids=(people["ada"],), text="ben")) == []
    )
    assert _names(engine, admin, AssignFilter(mode="picked")) == []
