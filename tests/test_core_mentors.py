"""Mentor management in the core: the list with loads, profiles and their checks,
deactivation, and unavailability (preview, one-step apply, notifications, matching)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core import writes
from mentor_tui.core.access import Actor
from mentor_tui.core.matching import unavailability as unavailability_core
from mentor_tui.core.matching.plan import draft_matches
from mentor_tui.core.matching.unavailability import (
    mark_available,
    mark_unavailable,
    plan_unavailability,
)
from mentor_tui.core.people.mentors import (
    MentorEdit,
    SpecializationInput,
    create_mentor,
    deactivate_mentor,
    edit_mentor,
    format_availability,
    list_mentors,
    mentor_summary,
    parse_availability,
    reactivate_mentor,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import (
    AuditEntry,
    MentorProfile,
    MentorSpecialization,
    Notification,
    User,
)
from mentor_tui.errors import AccessDenied, UserError
from tests import factory

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CONFIG = Config()


@pytest.fixture
def admin(engine) -> Actor:
    with session_scope(engine) as s:
        return Actor.of(factory.admin(s, email="admin@example.org"))


def _count(engine, model, *where) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _user(engine, email: str) -> User:
    with Session(engine) as s:
        return s.execute(select(User).where(User.email == email)).scalar_one()


# ---------------------------------------------------------------------------------------------
# The list


def test_list_shows_each_mentors_load_against_capacity(engine, admin) -> None:
    with session_scope(engine) as s:
        maria = factory.mentor(
            s, "Maria", email="maria@example.org", capacity=3, expertise=["Python"]
        )
        factory.mentor(s, "Noor", email="noor@example.org", capacity=5, timezone="Asia/Dubai")
        for name in ("A", "B"):
            factory.student(s, name, mentor=maria)
        factory.student(s, "Done", mentor=maria, status="Passed out / Completed")
        factory.user(s, "No Profile", role="mentor", email="bare@example.org")
    with session_scope(engine) as s:
        rows = {m.email: m for m in list_mentors(s, admin, config=CONFIG, now=NOW)}
    assert rows["maria@example.org"].student_count == 3  # every student counts, whatever status
    assert rows["maria@example.org"].capacity == 3
    assert rows["maria@example.org"].free_seats == 0
    assert rows["maria@example.org"].expertise == ("Python",)
    assert rows["noor@example.org"].student_count == 0
    assert rows["noor@example.org"].timezone == "Asia/Dubai"
    assert rows["bare@example.org"].capacity == CONFIG.max_students_per_mentor
    assert all(m.available for m in rows.values())
    assert set(rows["maria@example.org"].to_json()) >= {
        "id", "email", "full_name", "status", "capacity", "student_count", "expertise", "timezone",
    }  # fmt: skip


@pytest.mark.parametrize("role", ["mentor", "student"])
def test_mentor_management_is_refused_to_non_admins(engine, role: str) -> None:
    with session_scope(engine) as s:
        other = factory.mentor(s, "Other", email="other@example.org")
        me = factory.user(s, "Me", role=role, email="me@example.org")
        if role == "mentor":
            writes.insert(s, None, MentorProfile(user_id=me.id))
        actor = Actor.of(me)
    calls = [
        lambda s: list_mentors(s, actor, config=CONFIG),
        lambda s: edit_mentor(s, actor, "other@example.org", MentorEdit(capacity=2), config=CONFIG),
        lambda s: create_mentor(s, actor, email="x@example.org", full_name="X", config=CONFIG),
        lambda s: deactivate_mentor(s, actor, "other@example.org"),
        lambda s: plan_unavailability(
            s, actor, "other@example.org", reason="", until=None, config=CONFIG
        ),
        lambda s: mark_unavailable(
            s, actor, "other@example.org", reason="", until=None, config=CONFIG
        ),
        lambda s: mark_available(s, actor, "other@example.org"),
    ]
    for call in calls:
        with (
            pytest.raises(AccessDenied, match=r"^Only an admin can [a-z ]+\.$"),
            session_scope(engine) as s,
        ):
            call(s)
    assert _user(engine, "other@example.org").version == other.version
    assert _count(engine, User, User.email == "x@example.org") == 0


# ---------------------------------------------------------------------------------------------
# Profiles


def test_create_a_mentor_with_a_whole_profile(engine, admin) -> None:
    with session_scope(engine) as s:
        backup = factory.mentor(s, "Backup", email="backup@example.org")
        profile = MentorEdit(
            expertise=["Python", "python ", "SQL"],
            specializations=[
                SpecializationInput("Django", 4, True, "https://certs.example.org/django"),
                SpecializationInput("pandas", 2),
            ],
            teaching_style="Visual",
            weekly_hours=12,
            availability=parse_availability("Wed 14:00-16:30, mon 9:00-12:00"),
            backup_mentor="backup@example.org",
        )
        create_mentor(
            s,
            admin,
            email="New@Example.org",
            full_name="  Nia   New ",
            timezone="Europe/Berlin",
            profile=profile,
            config=CONFIG,
        )
    with session_scope(engine) as s:
        nia = mentor_summary(s, admin, "new@example.org", config=CONFIG)
    assert nia.full_name == "Nia New"
    assert nia.timezone == "Europe/Berlin"
    assert nia.expertise == ("Python", "SQL")
    assert nia.teaching_style == "visual"
    assert nia.capacity == CONFIG.max_students_per_mentor
    assert nia.weekly_hours == 12
    assert nia.availability_text == "Mon 09:00-12:00, Wed 14:00-16:30"
    assert nia.backup_mentor_id == backup.id
    assert nia.backup_mentor_email == "backup@example.org"
    assert [
        (x.name, x.proficiency, x.verified, x.certification_url) for x in nia.specializations
    ] == [
        ("Django", 4, True, "https://certs.example.org/django"),
        ("pandas", 2, False, None),
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (MentorEdit(timezone="Mars/Olympus"), "Unknown timezone 'Mars/Olympus'"),
        (MentorEdit(capacity=0), "Capacity must be between 1 and"),
        (MentorEdit(weekly_hours=200), "The weekly hours must be between 0 and 168, not 200."),
        (MentorEdit(teaching_style="telepathic"), "The teaching style 'telepathic' is not one of"),
        (
            MentorEdit(specializations=[SpecializationInput("Go", 6)]),
            "The proficiency of 'Go' must be between 1 and 5, not 6.",
        ),
        (
            MentorEdit(specializations=[SpecializationInput("Go", 3, True, "javascript:alert(1)")]),
            "The certification URL 'javascript:alert(1)' is not an http(s) address.",
        ),
        (
            MentorEdit(specializations=[SpecializationInput("Go"), SpecializationInput(" go")]),
            "The specialization 'go' is listed twice.",
        ),
        (
            MentorEdit(specializations=[SpecializationInput("Go\x1b[31m")]),
            "contains control characters",
        ),
        (
            MentorEdit(availability=[{"weekday": 0, "start": "10:00", "end": "09:00"}]),
            "The availability window Mon 10:00-09:00 ends before it starts.",
        ),
        (MentorEdit(backup_mentor="maria@example.org"), "A mentor cannot be their own backup."),
        (MentorEdit(backup_mentor="kid@example.org"), "kid@example.org is not a mentor."),
        (
            MentorEdit(backup_mentor="gone@example.org"),
            "gone@example.org is not active and cannot be a backup mentor.",
        ),
        (MentorEdit(full_name="   "), "Give the person's full name."),
    ],
)
def test_a_bad_field_refuses_the_whole_edit(engine, admin, edit: MentorEdit, message: str) -> None:
    with session_scope(engine) as s:
        maria = factory.mentor(s, "Maria", email="maria@example.org", capacity=4)
        factory.mentor(s, "Gone", email="gone@example.org", status="Inactive")
        factory.student(s, "Kid", email="kid@example.org")
    # the bad field travels with good ones, which must not be written either
    capacity = 9 if edit.capacity is None else edit.capacity
    combined = MentorEdit(**{**edit.__dict__, "capacity": capacity, "bio": "changed"})
    with pytest.raises(UserError) as refused, session_scope(engine) as s:
        edit_mentor(s, admin, "maria@example.org", combined, config=CONFIG)
    assert message in str(refused.value)
    after = _user(engine, "maria@example.org")
    assert after.version == maria.version
    with Session(engine) as s:
        profile = s.execute(
            select(MentorProfile).where(MentorProfile.user_id == maria.id)
        ).scalar_one()
    assert (profile.capacity, profile.bio, profile.version) == (4, "", 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 09:00-12:00, Mon 11:00-13:00", "Two availability windows overlap on Mon."),
        ("Someday 09:00-10:00", "'Someday 09:00-10:00' is not an availability window"),
        ("Tue 25:00-26:00", "'25:00' is not a time of day"),
        ("Fri 9-10", "'Fri 9-10' is not an availability window"),
        ("Monkey 09:00-10:00", "'Monkey 09:00-10:00' is not an availability window"),
    ],
)
def test_bad_availability_windows(text: str, message: str) -> None:
    with pytest.raises(UserError, match="^" + message.replace("(", r"\(")):
        parse_availability(text)


def test_availability_windows_read_and_print_back() -> None:
    windows = parse_availability("thursday 18:00-20:00; Mon 08:30-09:00, Mon 09:00-10:00")
    assert format_availability(windows) == "Mon 08:30-09:00, Mon 09:00-10:00, Thu 18:00-20:00"
    assert parse_availability("") == []


def test_editing_specializations_updates_adds_and_removes(engine, admin) -> None:
    with session_scope(engine) as s:
        maria = factory.mentor(s, "Maria", email="maria@example.org")
        edit_mentor(
            s,
            admin,
            "maria@example.org",
            MentorEdit(
                specializations=[SpecializationInput("Django", 3), SpecializationInput("SQL", 2)]
            ),
            config=CONFIG,
        )
    with session_scope(engine) as s:
        edit_mentor(
            s,
            admin,
            maria.id,
            MentorEdit(
                specializations=[
                    SpecializationInput("django", 5, True),
                    SpecializationInput("Docker", 1),
                ],
                capacity=7,
            ),
            config=CONFIG,
        )
    with Session(engine) as s:
        rows = (
            s.execute(
                select(MentorSpecialization).where(MentorSpecialization.mentor_id == maria.id)
            )
            .scalars()
            .all()
        )
    live = {
        r.specialization: (r.proficiency_level, r.verified, r.version)
        for r in rows
        if r.deleted_at is None
    }
    gone = [r.specialization for r in rows if r.deleted_at is not None]
    assert live == {"django": (5, True, 2), "Docker": (1, False, 1)}
    assert gone == ["SQL"]  # a tombstone, not a hard delete
    audited = _count(engine, AuditEntry, AuditEntry.entity == "mentor_specializations")
    assert audited == 5  # two created, one updated, one removed, one created


def test_deactivation_is_refused_while_the_mentor_has_students(engine, admin) -> None:
    with session_scope(engine) as s:
        maria = factory.mentor(s, "Maria", email="maria@example.org")
        kid = factory.student(s, "Kid", email="kid@example.org", mentor=maria)
    refused = r"^maria@example.org still has 1 student; mark them"
    with pytest.raises(UserError, match=refused), session_scope(engine) as s:
        deactivate_mentor(s, admin, "maria@example.org")
    with session_scope(engine) as s:
        writes.update(s, admin.id, s.get(User, kid.id), {"mentor_id": None})
        deactivate_mentor(s, admin, "maria@example.org")
    assert _user(engine, "maria@example.org").status == "Inactive"
    with session_scope(engine) as s:
        assert draft_matches(s, admin, config=CONFIG, now=NOW).matches == ()
        reactivate_mentor(s, admin, "maria@example.org")
    with session_scope(engine) as s:
        assert [
            m.mentor.email for m in draft_matches(s, admin, config=CONFIG, now=NOW).matches
        ] == ["maria@example.org"]


# ---------------------------------------------------------------------------------------------
# Unavailability


@pytest.fixture
def team(engine, admin):
    """Maria (leaving) with four active Python students and an inactive one; her backup Ben
    (no Python) has two free seats; Pia (Python) has one; Tom (no Python) has five."""
    with session_scope(engine) as s:
        maria = factory.mentor(
            s, "Maria", email="maria@example.org", capacity=10, expertise=["Python"]
        )
        ben = factory.mentor(s, "Ben", email="ben@example.org", capacity=3, expertise=["Cooking"])
        factory.student(s, "Ben's own", email="own@example.org", mentor=ben)
        factory.mentor(s, "Pia", email="pia@example.org", capacity=1, expertise=["Python"])
        factory.mentor(s, "Tom", email="tom@example.org", capacity=5, expertise=["Knitting"])
        edit_mentor(
            s,
            admin,
            "maria@example.org",
            MentorEdit(backup_mentor="ben@example.org"),
            config=CONFIG,
        )
        for name in ("Ann", "Bea", "Cal", "Dan"):
            factory.student(
                s, name, email=f"{name.lower()}@example.org", mentor=maria, needed_skills=["python"]
            )
        factory.student(s, "Eve", email="eve@example.org", mentor=maria, status="Inactive")
    return {"maria": maria.id}


def test_preview_sends_students_to_the_backup_then_the_best_mentors(engine, admin, team) -> None:
    before = _count(engine, AuditEntry)
    with session_scope(engine) as s:
        plan = plan_unavailability(
            s,
            admin,
            "maria@example.org",
            reason="Parental leave",
            until=date(2026, 6, 30),
            config=CONFIG,
            now=NOW,
        )
    moves = {m.student_email: m for m in plan.moves}
    assert set(moves) == {
        "ann@example.org",
        "bea@example.org",
        "cal@example.org",
        "dan@example.org",
    }
    targets = sorted((m.to.email if m.to else None) for m in plan.moves)
    assert targets == ["ben@example.org", "ben@example.org", "pia@example.org", "tom@example.org"]
    assert {m.via for m in plan.moves if m.to and m.to.email == "ben@example.org"} == {"backup"}
    pia = next(m for m in plan.moves if m.to and m.to.email == "pia@example.org")
    assert (
        pia.via == "best match"
        and pia.score is not None
        and pia.score.reasons[0].endswith("python (expertise)")
    )
    assert plan.backup_mentor_email == "ben@example.org"
    assert _count(engine, AuditEntry) == before  # a preview writes nothing
    assert _user(engine, "ann@example.org").mentor_id == team["maria"]


def test_apply_moves_everyone_in_one_step_and_notifies_them(engine, admin, team) -> None:
    with session_scope(engine) as s:
        preview = plan_unavailability(
            s,
            admin,
            "maria@example.org",
            reason="Parental leave",
            until=date(2026, 6, 30),
            config=CONFIG,
            now=NOW,
        )
    with session_scope(engine) as s:
        plan = mark_unavailable(
            s,
            admin,
            "maria@example.org",
            reason="Parental leave",
            until=date(2026, 6, 30),
            config=CONFIG,
            expected=preview,
            now=NOW,
        )
    assert plan.targets() == preview.targets()
    for move in plan.moves:
        assert _user(engine, move.student_email).mentor_id == move.to.id
    assert _user(engine, "eve@example.org").mentor_id == team["maria"]  # inactive: stays
    with Session(engine) as s:
        notes = s.execute(select(Notification.user_id, Notification.type, Notification.title)).all()
    by_user: dict[str, list[tuple[str, str]]] = {}
    for user_id, kind, title in notes:
        by_user.setdefault(user_id, []).append((kind, title))
    maria = by_user[team["maria"]]
    assert maria == [
        ("mentor_unavailable", "You are marked unavailable until 2026-06-30 (Parental leave)")
    ]
    ann = _user(engine, "ann@example.org")
    assert ("mentor_unavailable", "Your mentor Maria is unavailable until 2026-06-30") in by_user[
        ann.id
    ]
    assert ("mentor_assigned", "Mentor assigned") in by_user[ann.id]
    ben = _user(engine, "ben@example.org")
    assert by_user[ben.id].count(("new_student_assignment", "New student assigned")) == 2
    with session_scope(engine) as s:
        row = mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=NOW)
        assert not row.available
        assert (row.unavailable_reason, row.unavailable_until) == (
            "Parental leave",
            date(2026, 6, 30),
        )
        assert row.student_count == 1  # Eve
    assert _count(engine, AuditEntry, AuditEntry.action == "mentor_unavailable") == 1


def test_an_unavailable_mentor_is_left_out_of_matching_until_after_until(
    engine, admin, team
) -> None:
    with session_scope(engine) as s:
        mark_unavailable(
            s, admin, "maria@example.org", reason="", until=date(2026, 3, 5), config=CONFIG, now=NOW
        )
        factory.student(s, "New", email="new@example.org", needed_skills=["python"])
    with session_scope(engine) as s:
        during = draft_matches(s, admin, config=CONFIG, now=NOW)
        later = datetime(2026, 3, 6, 0, 30, tzinfo=UTC)
        after = draft_matches(s, admin, config=CONFIG, now=later)
        on_the_day = mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=NOW)
        day_after = mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=later)
    assert [m.mentor.email for m in during.matches] == ["tom@example.org"]
    assert [m.mentor.email for m in after.matches] == ["maria@example.org"]
    assert not on_the_day.available and day_after.available


def test_students_nobody_can_take_are_left_unassigned_and_told(engine, admin) -> None:
    with session_scope(engine) as s:
        solo = factory.mentor(s, "Solo", email="solo@example.org", capacity=3)
        factory.student(s, "Left", email="left@example.org", mentor=solo)
    with session_scope(engine) as s:
        plan = mark_unavailable(
            s, admin, "solo@example.org", reason="Ill", until=None, config=CONFIG, now=NOW
        )
    assert [(m.via, m.reason) for m in plan.moves] == [
        ("nobody", "There is no active, available mentor.")
    ]
    left = _user(engine, "left@example.org")
    assert left.mentor_id is None
    with Session(engine) as s:
        told = (
            s.execute(select(Notification.message).where(Notification.user_id == left.id))
            .scalars()
            .all()
        )
    assert told == ["An admin will assign you a new mentor soon."]


def test_a_changed_plan_or_a_failure_writes_nothing(engine, admin, team, monkeypatch) -> None:
    with session_scope(engine) as s:
        preview = plan_unavailability(
            s, admin, "maria@example.org", reason="", until=None, config=CONFIG, now=NOW
        )
        factory.student(
            s,
            "Late",
            email="late@example.org",
            mentor=s.get(User, team["maria"]),
            needed_skills=["python"],
        )
    audit_before = _count(engine, AuditEntry)
    with (
        pytest.raises(
            UserError, match=r"^The mentors' loads changed since the preview; preview again\.$"
        ),
        session_scope(engine) as s,
    ):
        mark_unavailable(
            s,
            admin,
            "maria@example.org",
            reason="",
            until=None,
            config=CONFIG,
            expected=preview,
            now=NOW,
        )
    real_notify = unavailability_core.notify
    calls: list[str] = []

    def failing_notify(*args, **kwargs):
        calls.append(kwargs["user_id"])
        if len(calls) == 3:
            raise OSError("disk full")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(unavailability_core, "notify", failing_notify)
    with pytest.raises(OSError), session_scope(engine) as s:
        mark_unavailable(
            s, admin, "maria@example.org", reason="", until=None, config=CONFIG, now=NOW
        )
    assert len(calls) == 3
    assert _count(engine, AuditEntry) == audit_before
    assert _user(engine, "ann@example.org").mentor_id == team["maria"]
    with session_scope(engine) as s:
        assert mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=NOW).available


def test_until_must_not_be_past_and_reason_is_one_line(engine, admin, team) -> None:
    with session_scope(engine) as s:
        with pytest.raises(
            UserError, match=r"^The date 2026-03-01 is already past for maria@example.org\.$"
        ):
            plan_unavailability(
                s,
                admin,
                "maria@example.org",
                reason="",
                until=date(2026, 3, 1),
                config=CONFIG,
                now=NOW,
            )
        with pytest.raises(UserError, match=r"^The reason must be one line of text\.$"):
            plan_unavailability(
                s, admin, "maria@example.org", reason="a\nb", until=None, config=CONFIG, now=NOW
            )
        with pytest.raises(UserError, match=r"^ann@example.org is not a mentor\.$"):
            plan_unavailability(
                s, admin, "ann@example.org", reason="", until=None, config=CONFIG, now=NOW
            )


def test_mark_available_ends_it_now(engine, admin, team) -> None:
    with session_scope(engine) as s:
        mark_unavailable(
            s, admin, "maria@example.org", reason="Away", until=None, config=CONFIG, now=NOW
        )
    with session_scope(engine) as s:
        assert not mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=NOW).available
        mark_available(s, admin, "maria@example.org")
    with session_scope(engine) as s:
        row = mentor_summary(s, admin, "maria@example.org", config=CONFIG, now=NOW)
    assert row.available and row.unavailable_reason is None
