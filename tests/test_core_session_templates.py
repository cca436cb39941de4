"""Agenda templates in the core: a mentor's own and the shared ones, who may change which,
writes through the journal and the audit log, one-sentence refusals, and their use in a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session

from mentor_tui.config import Config
from mentor_tui.core.access import Actor
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.core.sessions.templates import (
    SHARED_REFUSAL,
    add_template,
    delete_template,
    edit_template,
    find_template,
    get_template,
    list_templates,
    save_template,
    template_views,
)
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, JournalEntry, SessionTemplate
from mentor_tui.errors import AccessDenied, NotFound, UserError
from tests import session_people as people

CONFIG = Config(session_duration_minutes=45)
T0 = datetime(2030, 3, 5, 10, 0, tzinfo=UTC)


@dataclass
class Team:
    maria: Actor  # mentor
    omar: Actor  # another mentor
    sam: Actor  # Maria's student
    admin: Actor


@pytest.fixture
def team(engine) -> Team:
    with session_scope(engine) as s:
        maria = people.mentor(s, "Maria Mentor", tz="Europe/Berlin", email="maria@example.org")
        omar = people.mentor(s, "Omar Other", email="omar@example.org")
        sam = people.student(s, "Sam Tanaka", maria, tz="Asia/Tokyo", email="sam@example.org")
        admin = people.admin(s, email="admin@example.org")
        return Team(*(people.actor(u) for u in (maria, omar, sam, admin)))


def _row(engine, template_id: str) -> SessionTemplate:
    with Session(engine) as s:
        row = s.get(SessionTemplate, template_id)
        assert row is not None
        s.expunge(row)
        return row


def test_agenda_templates_are_per_mentor_and_shared_ones_are_the_admins(engine, team: Team) -> None:
    with session_scope(engine) as s:
        mine = save_template(s, team.maria, title="Weekly check-in", agenda="1. Wins\n2. Blockers")
        shared = save_template(s, team.admin, title="Onboarding", agenda="Welcome")
        assert (mine.owner_id, shared.owner_id) == (team.maria.id, None)
        assert [t.title for t in list_templates(s, team.maria)] == ["Onboarding", "Weekly check-in"]
        assert [t.title for t in list_templates(s, team.omar)] == ["Onboarding"]
        assert [t.title for t in list_templates(s, team.admin)] == ["Onboarding"], "not Maria's"
        assert [t.title for t in list_templates(s, team.sam)] == ["Onboarding"]
        views = {v.title: v for v in template_views(s, team.maria)}
        assert (views["Onboarding"].shared, views["Onboarding"].editable) == (True, False)
        assert (views["Weekly check-in"].shared, views["Weekly check-in"].editable) == (False, True)
        assert [v.editable for v in template_views(s, team.sam)] == [False]
        view = schedule_session(
            s, team.maria, CONFIG, students=["sam@example.org"], starts_at=T0, template_id=mine.id
        )
        assert (view.title, view.agenda) == ("Weekly check-in", "1. Wins\n2. Blockers")
        with pytest.raises(NotFound, match="No such agenda template that you can use"):
            get_template(s, team.omar, mine.id)  # Omar cannot use Maria's template


def test_a_mentor_cannot_change_a_shared_template_and_nothing_is_written(
    engine, team: Team
) -> None:
    with session_scope(engine) as s:
        shared = add_template(s, team.admin, title="Onboarding", agenda="Welcome").id
    with session_scope(engine) as s:
        with pytest.raises(AccessDenied, match=f"^{SHARED_REFUSAL}$"):
            edit_template(s, team.maria, shared, title="Mine now")
        with pytest.raises(AccessDenied, match=f"^{SHARED_REFUSAL}$"):
            delete_template(s, team.maria, "Onboarding")
        with pytest.raises(AccessDenied, match="Only mentors and admins"):
            add_template(s, team.sam, title="Study plan", agenda="")
        with pytest.raises(AccessDenied, match="Only mentors and admins"):
            delete_template(s, team.sam, shared)
    row = _row(engine, shared)
    assert (row.title, row.version, row.deleted_at) == ("Onboarding", 1, None)
    with Session(engine) as s:
        actions = s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == shared))
        assert list(actions.scalars()) == ["create_template"]


def test_writes_are_journaled_audited_and_bump_the_version(engine, team: Team) -> None:
    with session_scope(engine) as s:
        tid = add_template(s, team.maria, title="Goals", agenda="1. Goals").id
    with session_scope(engine) as s:
        edit_template(s, team.maria, tid, title="Goal setting", agenda="1. Goals\r\n2. Next")
    row = _row(engine, tid)
    assert (row.title, row.agenda, row.version) == ("Goal setting", "1. Goals\n2. Next", 2)
    with session_scope(engine) as s:  # saving what is already there writes nothing
        edit_template(s, team.maria, tid, title="Goal setting", agenda="1. Goals\n2. Next")
        assert delete_template(s, team.maria, "goal SETTING").id == tid
    row = _row(engine, tid)
    assert row.version == 3 and row.deleted_at is not None
    with Session(engine) as s:
        journal = s.execute(
            select(JournalEntry.op, JournalEntry.base_version)
            .where(JournalEntry.entity_id == tid)
            .order_by(JournalEntry.seq)
        ).all()
        assert [tuple(j) for j in journal] == [("insert", 0), ("update", 1), ("delete", 2)]
        audit = s.execute(
            select(AuditEntry.action, AuditEntry.actor_id)
            .where(AuditEntry.entity_id == tid)
            .order_by(AuditEntry.at)
        ).all()
        assert [tuple(a) for a in audit] == [
            ("create_template", team.maria.id),
            ("edit_template", team.maria.id),
            ("delete_template", team.maria.id),
        ]
        assert list_templates(s, team.maria) == []


def test_admins_change_shared_templates_and_their_own_only(engine, team: Team) -> None:
    with session_scope(engine) as s:
        shared = add_template(s, team.admin, title="Onboarding", agenda="Welcome").id
        private = add_template(s, team.maria, title="Private", agenda="mine").id
    with session_scope(engine) as s:
        edit_template(s, team.admin, shared, agenda="Welcome aboard")
        with pytest.raises(NotFound):
            edit_template(s, team.admin, private, agenda="not yours")
        with pytest.raises(NotFound):
            delete_template(s, team.omar, private)
    assert _row(engine, shared).agenda == "Welcome aboard"
    assert _row(engine, private).version == 1


@pytest.mark.parametrize(
    ("title", "sentence"),
    [
        ("   ", "An agenda template needs a title."),
        ("", "An agenda template needs a title."),
        ("x" * 201, "A session title is at most 200 characters."),
        ("WEEKLY", "There is already an agenda template called 'WEEKLY'."),
    ],
)
def test_bad_titles_are_one_sentence_and_write_nothing(
    engine, team: Team, title: str, sentence: str
) -> None:
    with session_scope(engine) as s:
        add_template(s, team.maria, title="Weekly", agenda="1.")
    with session_scope(engine) as s:
        with pytest.raises(UserError) as refused:
            add_template(s, team.maria, title=title, agenda="x")
        assert str(refused.value) == sentence
    with Session(engine) as s:
        assert [t.title for t in list_templates(s, team.maria)] == ["Weekly"]


def test_long_agendas_and_hostile_titles_are_kept_as_written(engine, team: Team) -> None:
    agenda = "".join(f"{i}. [bold]item[/] {'x' * 70}\n" for i in range(2000))
    with session_scope(engine) as s:
        tid = add_template(s, team.maria, title="[red]Eve[/] \x1b[2J", agenda=agenda).id
    row = _row(engine, tid)
    assert (row.title, row.agenda) == ("[red]Eve[/] \x1b[2J", agenda)


def test_a_template_changed_elsewhere_is_not_overwritten(engine, team: Team) -> None:
    with session_scope(engine) as s:
        tid = add_template(s, team.maria, title="Weekly", agenda="v1").id
    with session_scope(engine) as s:  # another window saved first
        save_template(s, team.maria, title="Weekly", agenda="v2", template_id=tid)
    with (
        session_scope(engine) as s,
        pytest.raises(UserError, match="changed elsewhere since you opened it"),
    ):
        save_template(
            s, team.maria, title="Weekly", agenda="v1 edited", template_id=tid, expected_version=1
        )
    assert _row(engine, tid).agenda == "v2"


def test_find_template_by_id_prefix_or_title(engine, team: Team) -> None:
    with session_scope(engine) as s:
        first = add_template(s, team.maria, title="Weekly", agenda="").id
        add_template(s, team.admin, title="Onboarding", agenda="")
        assert find_template(s, team.maria, first).id == first
        assert find_template(s, team.maria, first[:8].upper()).id == first
        assert find_template(s, team.maria, "  weekly ").id == first
        with pytest.raises(UserError, match=r"^Give an agenda template's id or title.$"):
            find_template(s, team.maria, " ")
        with pytest.raises(NotFound, match=r"^No agenda template 'Private' that you can use.$"):
            find_template(s, team.omar, "Private")
