"""Agenda templates in the app (calendar `T`, session form `ctrl+t`): created, used in a new
session, edited and deleted by real keys and checked in the store; a mentor cannot change a
shared template; bad input is one sentence; a snapshot of the templates screen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app_support import (
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import func, select

from mentor_tui.app.main import MentorApp
from mentor_tui.core import clock
from mentor_tui.core.sessions.templates import SHARED_REFUSAL, add_template, list_templates
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import AuditEntry, MentorshipSession, SessionTemplate
from mentor_tui.screens.calendar.session_form import SessionFormModal
from mentor_tui.screens.calendar.session_templates import TemplateForm, TemplatesScreen

SIZE = (130, 40)
ADMIN = "admin@example.org"


def _services(template: Path, tmp_path: Path, email: str = MENTOR):
    return services_for(copy_store(template, tmp_path / "t.db"), email)


def _titles(services) -> list[str]:
    """The templates the signed-in user sees, in the order the screen lists them."""
    with session_scope(services.engine) as s:
        return [t.title for t in list_templates(s, services.actor)]


def _template(services, title: str) -> SessionTemplate | None:
    with session_scope(services.engine) as s:
        row = s.execute(
            select(SessionTemplate).where(SessionTemplate.title == title)
        ).scalar_one_or_none()
        if row is not None:
            s.expunge(row)
        return row


def _audit_count(services) -> int:
    with session_scope(services.engine) as s:
        return s.execute(
            select(func.count()).where(AuditEntry.entity == "session_templates")
        ).scalar_one()


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def _open_templates(pilot) -> None:
    await pilot.press("5")
    await settle(pilot)
    await pilot.press("T")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TemplatesScreen)


async def _highlight(pilot, services, title: str) -> None:
    for _ in range(_titles(services).index(title)):
        await pilot.press("down")
    await pilot.pause()


async def test_create_use_edit_and_delete_a_template_by_keys(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    shared = _titles(services)
    assert "Weekly check-in" in shared, "the demo mentor sees the demo's shared templates"
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_templates(pilot)
        # create
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, TemplateForm)
        await type_text(pilot, "Goal setting")
        await pilot.press("enter")  # on to the agenda
        await type_text(pilot, "1. Goals")
        await pilot.press("enter")
        await type_text(pilot, "2. Next steps")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        row = _template(services, "Goal setting")
        assert row is not None
        assert (row.agenda, row.owner_id, row.version) == (
            "1. Goals\n2. Next steps",
            services.actor.id,
            1,
        )
        await pilot.press("escape")
        await settle(pilot)

        # use it in a new session, picked in the templates screen from the form
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        await pilot.press("space")  # the first student
        await pilot.press("tab")
        await pilot.press("end")
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-03-11 10:00")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        await _highlight(pilot, services, "Goal setting")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionFormModal)
        assert app.screen.query_one("#form-agenda").text == "1. Goals\n2. Next steps"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CalendarScreen"
        with session_scope(services.engine) as s:
            made = s.execute(
                select(MentorshipSession).order_by(MentorshipSession.created_at.desc())
            ).scalar()
            assert made is not None
            assert (made.title, made.agenda) == ("Goal setting", "1. Goals\n2. Next steps")
            assert clock.aware(made.starts_at) == datetime(2026, 3, 11, 2, 0, tzinfo=UTC)
            session_id = made.id

        # edit it
        await pilot.press("T")
        await settle(pilot)
        await _highlight(pilot, services, "Goal setting")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TemplateForm)
        await pilot.press("end")
        await type_text(pilot, " and habits")
        await pilot.press("enter")
        await pilot.press("f7")  # select the whole agenda; typing replaces it
        await type_text(pilot, "1. Goals")
        await pilot.press("enter")
        await type_text(pilot, "2. Habits")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        assert _template(services, "Goal setting") is None
        row = _template(services, "Goal setting and habits")
        assert row is not None and (row.agenda, row.version) == ("1. Goals\n2. Habits", 2)

        # delete it, after a confirmation
        await pilot.press("d")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
        assert "Goal setting and habits" not in _titles(services)
        assert any("Deleted the agenda template" in m for m in _messages(app))
    row = _template(services, "Goal setting and habits")
    assert row is not None and row.deleted_at is not None and row.version == 3
    with session_scope(services.engine) as s:
        kept = s.get(MentorshipSession, session_id)
        assert kept is not None and kept.agenda == "1. Goals\n2. Next steps"
        actions = s.execute(
            select(AuditEntry.action).where(AuditEntry.entity_id == row.id).order_by(AuditEntry.at)
        ).scalars()
        assert list(actions) == ["create_template", "edit_template", "delete_template"]


async def test_a_mentor_cannot_edit_or_delete_a_shared_template(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    first = _template(services, _titles(services)[0])
    assert first is not None and first.owner_id is None
    audited = _audit_count(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_templates(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen), "no form opens"
        assert SHARED_REFUSAL in _messages(app)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen), "no confirmation either"
        assert _messages(app).count(SHARED_REFUSAL) == 2
    after = _template(services, first.title)
    assert after is not None
    assert (after.version, after.agenda, after.deleted_at) == (1, first.agenda, None)
    assert _audit_count(services) == audited


async def test_an_admin_edits_a_shared_template(template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path, ADMIN)
    title = _titles(services)[0]
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_templates(pilot)
        await pilot.press("enter")  # from the calendar, enter edits
        await settle(pilot)
        assert isinstance(app.screen, TemplateForm)
        await pilot.press("enter")
        await pilot.press("f7")
        await type_text(pilot, "1. One thing")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
    row = _template(services, title)
    assert row is not None and (row.agenda, row.version, row.owner_id) == ("1. One thing", 2, None)


async def test_an_empty_title_is_one_sentence_and_the_form_stays(
    template: Path, tmp_path: Path
) -> None:
    services = _services(template, tmp_path)
    before = _titles(services)
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await _open_templates(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "   ")
        await pilot.press("enter")
        await type_text(pilot, "1. Something")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TemplateForm)
        error = str(app.screen.query_one("#template-error").render())
        assert error == "An agenda template needs a title."
        assert app.screen.query_one("#template-agenda").text == "1. Something", "nothing lost"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TemplatesScreen)
    assert _titles(services) == before


def test_templates_screen(snap_compare, template: Path, tmp_path: Path) -> None:
    services = _services(template, tmp_path)
    with session_scope(services.engine) as s:  # a mentor's own, with a title that is not markup
        add_template(
            s, services.actor, title="[bold]Mine[/] 1:1 plan", agenda="## Plan\n\n- [link=x]a[/]"
        )

    async def go(pilot) -> None:
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)

    assert snap_compare(MentorApp(services), terminal_size=SIZE, run_before=go)
