"""Accounts: listing within scope, adding one with its profile, the first admin, and the
all-or-nothing CSV import that names every bad line by its number."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentor_tui.config import Config
from mentor_tui.core.assignment.seats import mentor_load
from mentor_tui.core.people.users import (
    ImportRejected,
    add_user,
    create_first_admin,
    import_users_csv,
    list_users,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorProfile, Notification, StudentProfile, User
from mentor_tui.errors import AccessDenied, UserError
from tests import factory
from tests.people_csv import write_people_csv
from tests.school import School, build_school

CONFIG = Config(max_students_per_mentor=4)


@pytest.fixture
def school(engine) -> School:
    with session_scope(engine) as s:
        return build_school(s)


def user_count(engine) -> int:
    with session_scope(engine) as s:
        return int(s.execute(select(func.count()).select_from(User)).scalar_one())


# ---------------------------------------------------------------------------------------------
# Listing


def test_list_users_follows_user_scope(engine, school: School) -> None:
    with session_scope(engine) as s:
        everyone = list_users(s, factory.actor(school.admin))
        assert len(everyone) == 9
        assert [u.role for u in everyone] == ["admin"] + ["mentor"] * 2 + ["student"] * 6
        maria = {u.email for u in list_users(s, factory.actor(school.maria))}
        assert maria == {
            "admin@example.org",
            "maria@example.org",
            "otto@example.org",
            "ada@example.org",
            "ben@example.org",
            "cleo@example.org",
        }
        ada = [u.email for u in list_users(s, factory.actor(school.ada))]
        assert sorted(ada) == ["ada@example.org", "admin@example.org", "maria@example.org"]
        students = list_users(s, factory.actor(school.maria), role="student")
        assert [u.full_name for u in students] == ["Ada", "Ben", "Cleo"]
        assert students[0].mentor_id == school.maria.id and students[0].timezone == "UTC"
        with pytest.raises(UserError, match="Unknown role 'boss'"):
            list_users(s, factory.actor(school.admin), role="boss")


# ---------------------------------------------------------------------------------------------
# Adding one


def test_add_mentor_and_student_with_profiles(engine, school: School) -> None:
    admin = factory.actor(school.admin)
    with session_scope(engine) as s:
        mentor = add_user(
            s,
            admin,
            email=" Nina@Example.org ",
            full_name="  Nina   Nguyen ",
            role="mentor",
            timezone="Asia/Tokyo",
            expertise=["Python", " SQL ", "python", ""],
            config=CONFIG,
        )
        assert (mentor.email, mentor.full_name, mentor.timezone) == (
            "nina@example.org",
            "Nina Nguyen",
            "Asia/Tokyo",
        )
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == mentor.id)
        ).scalar_one()
        assert profile.capacity == 4 and profile.expertise == ["Python", "SQL"]
        student = add_user(
            s,
            admin,
            email="sol@example.org",
            full_name="Sol",
            role="student",
            mentor_key="nina@example.org",
            config=CONFIG,
        )
        assert student.mentor_id == mentor.id
        assert s.execute(
            select(StudentProfile).where(StudentProfile.user_id == student.id)
        ).scalar_one()
        notes = s.execute(select(Notification.type).where(Notification.user_id == mentor.id))
        assert notes.scalars().all() == ["new_student_assignment"]
        big = add_user(
            s,
            admin,
            email="big@example.org",
            full_name="Big",
            role="mentor",
            capacity="12",
            config=CONFIG,
        )
        assert mentor_load(s, big.id) == (0, 12)


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        (
            {"email": "not-an-email"},
            "'not-an-email' is not an email address like name@example.org.",
        ),
        ({"email": "  "}, "Give an email address."),
        ({"full_name": "   "}, "Give the person's full name."),
        ({"full_name": "Eve\x1b[31m"}, "A name cannot contain control characters."),
        ({"role": "boss"}, "Unknown role 'boss'; use one of admin, mentor, student."),
        (
            {"timezone": "Mars/Base"},
            "Unknown timezone 'Mars/Base'; use an IANA name such as Europe/Berlin.",
        ),
        ({"email": "ADA@example.org"}, "ada@example.org already has an account."),
        (
            {"mentor_key": "maria@example.org", "role": "mentor"},
            "Only a student can have a mentor.",
        ),
        ({"capacity": 5}, "Only a mentor has a capacity."),
        ({"expertise": ["Go"]}, "Only a mentor has expertise areas."),
        ({"role": "mentor", "capacity": 0}, "Capacity must be between 1 and 10000, not 0."),
        ({"role": "mentor", "capacity": "lots"}, "Capacity must be a whole number, not 'lots'."),
    ],
)
def test_add_user_refuses_bad_input_in_one_sentence(engine, school, fields, sentence) -> None:
    values = {"email": "new@example.org", "full_name": "New Person", "role": "student"} | fields
    with session_scope(engine) as s, pytest.raises(UserError) as caught:
        add_user(s, factory.actor(school.admin), config=CONFIG, **values)
    assert str(caught.value) == sentence
    assert user_count(engine) == 9


def test_a_full_mentor_refuses_the_new_student_and_nothing_is_kept(engine, school) -> None:
    with (
        pytest.raises(UserError, match=r"at capacity \(3 of 3 students\)"),
        session_scope(engine) as s,
    ):
        add_user(
            s,
            factory.actor(school.admin),
            email="new@example.org",
            full_name="New",
            role="student",
            mentor_key="maria@example.org",
            config=CONFIG,
        )
    assert user_count(engine) == 9
    with session_scope(engine) as s:
        forced = add_user(
            s,
            factory.actor(school.admin),
            email="new@example.org",
            full_name="New",
            role="student",
            mentor_key="maria@example.org",
            force=True,
            config=CONFIG,
        )
        assert forced.mentor_id == school.maria.id


def test_only_admins_add_users(engine, school: School) -> None:
    for who in (school.maria, school.ada):
        with (
            session_scope(engine) as s,
            pytest.raises(AccessDenied, match="Only an admin can add users"),
        ):
            add_user(s, factory.actor(who), email="x@example.org", full_name="X", role="student")
    assert user_count(engine) == 9


def test_first_admin_only_on_an_empty_store(engine) -> None:
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="not an email address"):
            create_first_admin(s, email="nope", full_name="Root")
        admin = create_first_admin(
            s, email="Root@Example.org", full_name="Root", timezone="Europe/Prague"
        )
        assert (admin.role, admin.email, admin.status, admin.timezone) == (
            "admin",
            "root@example.org",
            "Active",
            "Europe/Prague",
        )
    with session_scope(engine) as s, pytest.raises(UserError, match="already has users"):
        create_first_admin(s, email="second@example.org", full_name="Second")


# ---------------------------------------------------------------------------------------------
# CSV import

GOOD = """full_name,email,role,mentor_email,timezone,expertise,capacity
Nina Nguyen,nina@example.org,mentor,,Asia/Tokyo,Python;SQL,2
Sol Student,sol@example.org,student,nina@example.org,,,
Tom Student,tom@example.org,student,otto@example.org,Europe/Berlin,,

"Quoted, Name",quoted@example.org,student,nina@example.org,,,
Second Admin,admin2@example.org,admin,,,,
"""


def test_import_creates_everyone_and_assigns_mentors(engine, school: School) -> None:
    with session_scope(engine) as s:
        result = import_users_csv(s, factory.actor(school.admin), GOOD, config=CONFIG)
    assert result.created == 5
    assert result.by_role == {"mentor": 1, "student": 3, "admin": 1}
    with session_scope(engine) as s:
        emails = {u.email: u for u in s.execute(select(User)).scalars()}
        nina = emails["nina@example.org"]
        assert emails["sol@example.org"].mentor_id == nina.id
        assert emails["quoted@example.org"].full_name == "Quoted, Name"
        assert emails["tom@example.org"].mentor_id == school.otto.id
        assert emails["tom@example.org"].timezone == "Europe/Berlin"
        assert mentor_load(s, nina.id) == (2, 2)
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == nina.id)
        ).scalar_one()
        assert profile.expertise == ["Python", "SQL"]


def test_import_reads_a_file_with_a_byte_order_mark(engine, school: School, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("\ufeffFull_Name,Email,Role\nKai,kai@example.org,student\n", encoding="utf-8")
    with session_scope(engine) as s:
        assert import_users_csv(s, factory.actor(school.admin), path, config=CONFIG).created == 1


BAD = """full_name,email,role,mentor_email,capacity
Fine Person,fine@example.org,student,,
,noname@example.org,student,,
Bad Mail,bad-mail,student,,
Dup One,dup@example.org,student,,
Dup Two,DUP@example.org,student,,
Known,ada@example.org,student,,
"Multi
Line",multi@example.org,boss,,
Wrong Mentor,wm@example.org,student,ben@example.org,
Nobody's,nm@example.org,student,ghost@example.org,
Too Many,tm@example.org,student,,,extra
Cap,cap@example.org,mentor,,many
Full,full@example.org,student,maria@example.org,
"""


def test_import_is_all_or_nothing_and_names_every_bad_line(engine, school: School) -> None:
    before = user_count(engine)
    with session_scope(engine) as s, pytest.raises(ImportRejected) as caught:
        import_users_csv(s, factory.actor(school.admin), BAD, config=CONFIG)
    assert caught.value.problems == [
        "line 3: Give the person's full name.",
        "line 4: 'bad-mail' is not an email address like name@example.org.",
        "line 6: dup@example.org already appears on line 5.",
        "line 7: ada@example.org already has an account.",
        "line 8: Unknown role 'boss'; use one of admin, mentor, student.",
        "line 10: ben@example.org is not a mentor.",
        "line 11: no mentor ghost@example.org in the database or the file.",
        "line 12: it has more values than the header has columns.",
        "line 13: Capacity must be a whole number, not 'many'.",
        "line 14: mentor maria@example.org has no free seat left for full@example.org.",
    ]
    assert str(caught.value).startswith("Nothing was imported: 10 lines have problems.\nline 3: ")
    assert user_count(engine) == before


def test_import_counts_seats_taken_by_the_file_itself(engine, school: School) -> None:
    text = (
        "full_name,email,role,mentor_email,capacity\n"
        "Ola,ola@example.org,student,mia@example.org,\n"
        "Mia,mia@example.org,mentor,,1\n"
        "Pip,pip@example.org,student,mia@example.org,\n"
        "Ray,ray@example.org,student,otto@example.org,\n"
    )
    with session_scope(engine) as s, pytest.raises(ImportRejected) as caught:
        import_users_csv(s, factory.actor(school.admin), text, config=CONFIG)
    # a mentor named before their line still counts; the second student finds no seat
    assert caught.value.problems == [
        "line 4: mentor mia@example.org has no free seat left for pip@example.org."
    ]


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "The CSV file is empty; it needs a header with full_name,email,role."),
        ("name,email,role\nA,a@example.org,student\n", "line 1: the header lacks full_name;"),
        ("full_name,email,role,age\n", "line 1: unknown column 'age'"),
        ("full_name,email,role,email\n", "line 1: the column 'email' appears twice."),
    ],
)
def test_import_header_problems(engine, school: School, text: str, sentence: str) -> None:
    with session_scope(engine) as s, pytest.raises(UserError) as caught:
        import_users_csv(s, factory.actor(school.admin), text + "\n", config=CONFIG)
    assert str(caught.value).startswith(sentence)


def test_import_file_problems(engine, school: School, tmp_path: Path) -> None:
    admin = factory.actor(school.admin)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("full_name,email,role\nZoë,z@example.org,student\n".encode("latin-1"))
    with session_scope(engine) as s:
        with pytest.raises(UserError, match="is not UTF-8 text"):
            import_users_csv(s, admin, latin)
        with pytest.raises(UserError, match="There is no file"):
            import_users_csv(s, admin, tmp_path / "missing.csv")
        with pytest.raises(UserError, match="is a folder"):
            import_users_csv(s, admin, tmp_path)


def test_only_admins_import(engine, school: School) -> None:
    with session_scope(engine) as s, pytest.raises(AccessDenied, match="Only an admin can import"):
        import_users_csv(s, factory.actor(school.maria), GOOD)
    assert user_count(engine) == 9


# ---------------------------------------------------------------------------------------------
# Import progress, by rows


def test_import_reports_progress_by_rows(engine, school: School, tmp_path: Path) -> None:
    people = write_people_csv(tmp_path / "people.csv", mentors=5, students=118, capacity=30)
    calls: list[tuple[int, int]] = []
    seen_users: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        seen_users.append(int(s.execute(select(func.count()).select_from(User)).scalar_one()))

    before = user_count(engine)
    with session_scope(engine) as s:
        result = import_users_csv(
            s, factory.actor(school.admin), people.path, config=CONFIG, progress=progress
        )
    assert people.rows == result.created == 123
    assert calls == [(0, 123), (50, 123), (100, 123), (123, 123)]
    # each call comes after exactly that many accounts were written
    assert seen_users == [before + done for done, _ in calls]
    assert user_count(engine) == before + 123
    with session_scope(engine) as s:
        assigned = s.execute(
            select(func.count())
            .select_from(User)
            .where(User.email.like("%@import.example.org"), User.mentor_id.is_not(None))
        ).scalar_one()
    assert assigned == people.assigned > 0


def test_import_progress_on_a_whole_number_of_steps_and_an_empty_file(
    engine, school: School, tmp_path: Path
) -> None:
    people = write_people_csv(tmp_path / "people.csv", mentors=0, students=6)
    calls: list[tuple[int, int]] = []
    with session_scope(engine) as s:
        import_users_csv(
            s,
            factory.actor(school.admin),
            people.path,
            config=CONFIG,
            progress=lambda done, total: calls.append((done, total)),
            progress_every=3,
        )
    assert calls == [(0, 6), (3, 6), (6, 6)]
    calls.clear()
    with session_scope(engine) as s:
        result = import_users_csv(
            s,
            factory.actor(school.admin),
            "full_name,email,role\n\n",
            config=CONFIG,
            progress=lambda done, total: calls.append((done, total)),
        )
    assert result.created == 0 and calls == [(0, 0)]


def test_a_refused_import_reports_no_progress(engine, school: School) -> None:
    calls: list[tuple[int, int]] = []
    before = user_count(engine)
    with session_scope(engine) as s, pytest.raises(ImportRejected):
        import_users_csv(
            s,
            factory.actor(school.admin),
            BAD,
            config=CONFIG,
            progress=lambda done, total: calls.append((done, total)),
        )
    assert calls == [] and user_count(engine) == before
