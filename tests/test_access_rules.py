"""SPEC section 2 against every public query and write of the students, student view,
dashboard, users, notifications and assignment services: a mentor handing in another mentor's
students' ids or emails gets nothing or AccessDenied; a student sees only themself; admins
count notes but never read them; only admins add, import and assign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mentor_tui.config import Config
from mentor_tui.core.access import Actor, visible_student_ids
from mentor_tui.core.analytics.dashboard import dashboard, upcoming_sessions
from mentor_tui.core.analytics.performance import mentor_performance, program_overview
from mentor_tui.core.analytics.student_view import student_detail
from mentor_tui.core.assignment.seats import assign_student, unassign_student
from mentor_tui.core.notifications.notify import list_notifications, mark_read, notify, unread_count
from mentor_tui.core.people import progress
from mentor_tui.core.people.students import count_students, list_students, student_rows
from mentor_tui.core.people.users import add_user, import_users_csv, list_users
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import User
from mentor_tui.errors import AccessDenied, NotFound
from tests import factory
from tests.school import School, build_school

CONFIG = Config()
MARIA_NOTE = "Ada struggles with recursion; talk to her about her exam stress"
OTTO_NOTE = "Ada was my student before: private remark"


@dataclass
class World:
    school: School
    admin: Actor
    maria: Actor
    otto: Actor
    ada: Actor
    otto_notification: str


@pytest.fixture
def world(engine) -> World:
    with session_scope(engine) as s:
        school = build_school(s)
        now = school.now
        factory.note(s, school.maria, school.ada, MARIA_NOTE, added_at=now - timedelta(days=1))
        factory.note(s, school.otto, school.ada, OTTO_NOTE, added_at=now - timedelta(days=40))
        factory.note(s, school.otto, school.dan, "Dan note", added_at=now - timedelta(days=2))
        factory.message(s, school.maria, school.ada, "Maria to Ada", at=now - timedelta(hours=5))
        factory.message(s, school.ada, school.maria, "Ada to Maria", at=now - timedelta(hours=4))
        factory.message(s, school.maria, None, "Maria's announcement", at=now - timedelta(hours=3))
        factory.message(s, school.admin, school.ada, "Admin to Ada", at=now - timedelta(hours=2))
        factory.message(s, school.otto, school.dan, "Otto to Dan", at=now - timedelta(hours=1))
        factory.message(s, school.otto, None, "Otto's announcement", at=now - timedelta(hours=1))
        factory.meeting(
            s,
            school.maria,
            [school.ada, school.ben],
            starts_at=now + timedelta(days=1),
            title="Maria group",
        )
        note = notify(s, CONFIG, user_id=school.otto.id, type="t", title="for Otto")
        assert note is not None
        return World(
            school,
            factory.actor(school.admin),
            factory.actor(school.maria),
            factory.actor(school.otto),
            factory.actor(school.ada),
            note.id,
        )


OTTO_STUDENT_KEYS = ["dan@example.org", "DAN@example.org", "eve@example.org"]


def otto_student_ids(w: World) -> list[str]:
    return [w.school.dan.id, w.school.eve.id]


# ---------------------------------------------------------------------------------------------
# A mentor and another mentor's students


def test_students_list_and_count(engine, world: World) -> None:
    with session_scope(engine) as s:
        for text in ("dan", "eve", "finn", "example.org", ""):
            names = {
                r.full_name for r in list_students(s, world.maria, text_filter=text, config=CONFIG)
            }
            assert names <= {"Ada", "Ben", "Cleo"}
        for sort in ("name", "completion", "at_risk", "last_activity", "pending", "status"):
            assert len(list_students(s, world.maria, sort=sort, config=CONFIG)) == 3
        assert count_students(s, world.maria, text_filter="dan") == 0
        assert [
            r.full_name
            for r in student_rows(
                s, world.maria, [*otto_student_ids(world), world.school.ada.id], config=CONFIG
            )
        ] == ["Ada"]
        assert student_rows(s, world.maria, otto_student_ids(world), config=CONFIG) == []


@pytest.mark.parametrize("key", OTTO_STUDENT_KEYS)
def test_student_view_by_email(engine, world: World, key: str) -> None:
    with session_scope(engine) as s, pytest.raises(AccessDenied, match="not one of your students"):
        student_detail(s, world.maria, key, CONFIG)


def test_student_view_by_id(engine, world: World) -> None:
    with session_scope(engine) as s:
        for student_id in [*otto_student_ids(world), world.school.finn.id]:
            with pytest.raises(AccessDenied):
                student_detail(s, world.maria, student_id, CONFIG)


def test_dashboard_shows_nothing_of_other_mentors_students(engine, world: World) -> None:
    with session_scope(engine) as s:
        data = dashboard(s, world.maria, CONFIG, now=world.school.now)
        mine = {"Ada", "Ben", "Cleo"}
        assert {r.full_name for r in data.attention} <= mine
        assert {i.student_name for i in data.recent_activity} <= mine
        assert all(set(u.student_names) <= mine for u in data.upcoming_sessions)
        assert [u.title for u in data.upcoming_sessions] == ["Maria group"]
        # activity asked for with Otto's students' ids still yields nothing of theirs
        ids = select(User.id).where(User.id.in_(otto_student_ids(world)))
        assert progress.activity(s, world.maria, ids) == []
        assert upcoming_sessions(s, world.maria, now=world.school.now)[0].title == "Maria group"


def test_performance_and_program_figures(engine, world: World) -> None:
    with session_scope(engine) as s:
        with pytest.raises(
            AccessDenied, match="Only an admin can see another mentor's performance"
        ):
            mentor_performance(s, world.maria, "otto@example.org", CONFIG)
        assert mentor_performance(s, world.admin, "otto@example.org", CONFIG).students == 2
        assert mentor_performance(s, world.maria, world.maria.id, CONFIG).students == 3
        for who in (world.maria, world.ada):
            with pytest.raises(AccessDenied, match="Only an admin can see the program overview"):
                program_overview(s, who, CONFIG)


def test_users_listing(engine, world: World) -> None:
    with session_scope(engine) as s:
        seen = {u.email for u in list_users(s, world.maria)}
        assert not seen & {"dan@example.org", "eve@example.org", "finn@example.org"}
        assert {u.email for u in list_users(s, world.maria, role="student")} == {
            "ada@example.org",
            "ben@example.org",
            "cleo@example.org",
        }


def test_notifications_are_their_owners_alone(engine, world: World) -> None:
    with session_scope(engine) as s:
        for who in (world.maria, world.admin, world.ada):
            assert all(n.user_id == who.id for n in list_notifications(s, who))
            with pytest.raises(NotFound):
                mark_read(s, who, world.otto_notification)
        assert unread_count(s, world.otto) == 1


def test_messages_and_notes_in_the_student_view(engine, world: World) -> None:
    with session_scope(engine) as s:
        maria_view = student_detail(s, world.maria, "ada@example.org", CONFIG)
        ada_view = student_detail(s, world.ada, "ada@example.org", CONFIG)
        admin_view = student_detail(s, world.admin, "ada@example.org", CONFIG)
    assert [m.body for m in maria_view.messages] == [
        "Maria's announcement",
        "Ada to Maria",
        "Maria to Ada",
    ]
    assert [m.body for m in ada_view.messages] == [
        "Admin to Ada",
        "Maria's announcement",
        "Ada to Maria",
        "Maria to Ada",
    ]
    assert [m.sender_name for m in ada_view.messages][:2] == ["Ada Admin", "Maria Mentor"]
    # an admin reads no private conversation unless a message in it is reported (issue 17)
    assert {m.body for m in admin_view.messages} == {"Admin to Ada", "Maria's announcement"}
    # notes: the author alone reads them; Ada's old mentor's note stays Otto's
    assert [n.note for n in maria_view.notes] == [MARIA_NOTE]
    assert maria_view.note_count == 1
    assert ada_view.notes == [] and ada_view.note_count == 0
    assert admin_view.notes == [] and admin_view.note_count == 2
    for text in (MARIA_NOTE, OTTO_NOTE):
        assert text not in repr(admin_view) and text not in repr(ada_view)
    assert OTTO_NOTE not in repr(maria_view)


# ---------------------------------------------------------------------------------------------
# A student sees only themself


def test_a_student_sees_only_themself(engine, world: World) -> None:
    with session_scope(engine) as s:
        assert [r.full_name for r in list_students(s, world.ada, config=CONFIG)] == ["Ada"]
        assert count_students(s, world.ada) == 1
        assert [
            r.full_name
            for r in student_rows(
                s, world.ada, [world.school.ben.id, world.school.ada.id], config=CONFIG
            )
        ] == ["Ada"]
        for key in ("ben@example.org", world.school.dan.id):
            with pytest.raises(AccessDenied):
                student_detail(s, world.ada, key, CONFIG)
        data = dashboard(s, world.ada, CONFIG, now=world.school.now)
        assert data.student_count == 1
        assert {i.student_name for i in data.recent_activity} == {"Ada"}
        assert [u.student_names for u in data.upcoming_sessions] == [["Ada"]]  # not Ben
        assert {u.email for u in list_users(s, world.ada)} == {
            "ada@example.org",
            "maria@example.org",
            "admin@example.org",  # whom a student may write to
        }
        assert {
            i.student_id for i in progress.activity(s, world.ada, visible_student_ids(world.admin))
        } == {world.school.ada.id}


# ---------------------------------------------------------------------------------------------
# Writes: only admins add, import and assign


@pytest.mark.parametrize("who", ["maria", "ada"])
def test_non_admins_cannot_write_accounts_or_assignments(engine, world: World, who: str) -> None:
    actor = getattr(world, who)
    with session_scope(engine) as s:
        before = s.execute(select(func.count()).select_from(User)).scalar_one()
        with pytest.raises(AccessDenied, match="Only an admin can add users"):
            add_user(s, actor, email="x@example.org", full_name="X", role="student")
        with pytest.raises(AccessDenied, match="Only an admin can import users"):
            import_users_csv(s, actor, "full_name,email,role\nX,x@example.org,student\n")
        for student in ("finn@example.org", "dan@example.org", "ada@example.org"):
            with pytest.raises(AccessDenied):
                assign_student(s, actor, student, "maria@example.org", force=True, config=CONFIG)
            with pytest.raises(AccessDenied):
                unassign_student(s, actor, student)
        assert s.execute(select(func.count()).select_from(User)).scalar_one() == before
        assert s.get(User, world.school.dan.id).mentor_id == world.school.otto.id
        assert s.get(User, world.school.finn.id).mentor_id is None
