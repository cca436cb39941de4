"""Drafts of the prose editors (issue 15, nothing typed is lost): what is typed is in the store
about a second later, an app started again on the store brings it back into the same editor
with a notice, and saving or cancelling deletes it. Real keys, checked against the store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from app_support import (
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_keys,
    type_text,
)
from sqlalchemy import select
from textual.widgets import Input, TextArea

from mentor_tui.app.main import MentorApp
from mentor_tui.core.drafts.throttle import SaveClock
from mentor_tui.core.sessions.scheduling import schedule_session
from mentor_tui.db.draft_models import EditorDraft
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import MentorshipNote, Submission, User
from mentor_tui.db.review_models import CommentSnippet
from mentor_tui.screens.calendar.session_followup import SessionFollowupModal
from mentor_tui.screens.calendar.session_form import SessionFormModal
from mentor_tui.screens.reviews.comment_bank import SnippetForm
from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel
from mentor_tui.screens.reviews.queue import ReviewQueueScreen

SIZE = (130, 40)


def _drafts(store: Path) -> list[tuple[str, str, dict[str, str]]]:
    services = services_for(store, None)
    try:
        with session_scope(services.engine) as session:
            rows = session.execute(select(EditorDraft)).scalars()
            return [(row.kind, row.key, dict(row.fields)) for row in rows]
    finally:
        services.engine.dispose()


async def _wait_for_draft_write(pilot) -> None:
    """Longer than the throttle's quiet time, then every write done."""
    await pilot.pause(SaveClock().quiet + 0.3)
    await settle(pilot)


def _notices(app: MentorApp) -> list[str]:
    return [n.title for n in app._notifications]


def test_the_throttle_writes_at_most_max_wait_after_the_first_key() -> None:
    clock_ = SaveClock(quiet=0.5, max_wait=0.8)
    assert clock_.typed(10.0) == 0.5  # the first key: the quiet time
    assert clock_.typed(10.3) == 0.5  # a pause-free key: still within the bound
    assert clock_.typed(10.6) == pytest.approx(0.2)  # the bound: 10.8 at the latest
    assert clock_.typed(11.5) == 0.001  # keys queued past the bound: now
    clock_.written()
    assert clock_.typed(12.0) == 0.5  # a new run of keys


async def _open_feedback(pilot) -> FeedbackPanel:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewQueueScreen)
    await pilot.press("x")  # reject: feedback required
    await settle(pilot)
    panel = pilot.app.screen.query_one(FeedbackPanel)
    assert panel.is_open
    return panel


async def test_review_feedback_draft_comes_back_after_a_crash_and_goes_on_save(
    template: Path, tmp_path: Path
) -> None:
    store = copy_store(template, tmp_path / "s.db")
    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        panel = await _open_feedback(pilot)
        submission = panel.ids[0]
        await type_text(pilot, "The loop never ends")
        await _wait_for_draft_write(pilot)
        assert _drafts(store) == [("feedback", submission, {"feedback": "The loop never ends"})]
    # the app ended with the editor open (as a crash would): the draft stays
    assert len(_drafts(store)) == 1

    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        panel = await _open_feedback(pilot)
        assert panel.ids == (submission,)
        assert panel.query_one(TextArea).text == "The loop never ends"
        assert "Draft restored" in _notices(app)
        await type_text(pilot, " on empty input.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not panel.is_open
    with session_scope(app.services.engine) as session:
        row = session.get_one(Submission, submission)
        assert (row.status, row.feedback) == ("rejected", "The loop never ends on empty input.")
    assert _drafts(store) == []


async def test_escape_throws_the_feedback_draft_away(template: Path, tmp_path: Path) -> None:
    store = copy_store(template, tmp_path / "s.db")
    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await _open_feedback(pilot)
        await type_text(pilot, "Not this one")
        await _wait_for_draft_write(pilot)
        assert len(_drafts(store)) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert _drafts(store) == []
        panel = await _open_feedback(pilot)
        assert panel.query_one(TextArea).text == ""
        assert "Draft restored" not in _notices(app)


async def _open_new_session(pilot) -> SessionFormModal:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, SessionFormModal)
    return form


async def test_session_form_draft_comes_back_and_goes_on_escape(
    template: Path, tmp_path: Path
) -> None:
    store = copy_store(template, tmp_path / "s.db")
    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_new_session(pilot)
        form.query_one("#form-title", Input).focus()
        await type_text(pilot, "Pairing")
        form.query_one("#form-agenda", TextArea).focus()
        await type_text(pilot, "Walk through the tests")
        await _wait_for_draft_write(pilot)
        assert _drafts(store) == [
            ("session", "new", {"title": "Pairing", "agenda": "Walk through the tests"})
        ]

    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_new_session(pilot)
        assert form.query_one("#form-title", Input).value == "Pairing"
        assert form.query_one("#form-agenda", TextArea).text == "Walk through the tests"
        assert "Draft restored" in _notices(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SessionFormModal)
    assert _drafts(store) == []


async def test_comment_bank_draft_comes_back_and_goes_on_save(
    template: Path, tmp_path: Path
) -> None:
    store = copy_store(template, tmp_path / "s.db")
    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await _open_feedback(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SnippetForm)
        await type_text(pilot, "Naming")
        await pilot.press("enter")
        await type_text(pilot, "Name things for what they hold")
        await _wait_for_draft_write(pilot)
        body = "Name things for what they hold"
        assert _drafts(store) == [("snippet-box", "new", {"title": "Naming", "body": body})]

    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await _open_feedback(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SnippetForm)
        assert form.query_one(Input).value == "Naming"
        assert form.query_one(TextArea).text == "Name things for what they hold"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SnippetForm)
    assert _drafts(store) == []
    with session_scope(app.services.engine) as session:
        bodies = session.execute(select(CommentSnippet.body)).scalars().all()
    assert "Name things for what they hold" in bodies


async def _open_followup(pilot, session_id: str) -> SessionFollowupModal:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    screen = pilot.app.screen
    while screen.selected().id != session_id:
        await pilot.press("up")
    await pilot.press("o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SessionFollowupModal)
    return pilot.app.screen


async def test_session_summary_draft_comes_back_and_goes_on_save(
    template: Path, tmp_path: Path
) -> None:
    store = copy_store(template, tmp_path / "s.db")
    services = services_for(store, MENTOR)
    with session_scope(services.engine) as s:  # a session that started an hour ago
        student = (
            s.execute(
                select(User.id)
                .where(User.mentor_id == services.actor.id, User.deleted_at.is_(None))
                .order_by(User.id)
            )
            .scalars()
            .first()
        )
        view = schedule_session(
            s,
            services.actor,
            services.config,
            students=[student],
            starts_at=FROZEN_NOW - timedelta(hours=1, minutes=17),
            duration_minutes=30,
        )
    app = MentorApp(services)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _open_followup(pilot, view.id)
        modal.query_one("#followup-summary", TextArea).focus()
        await type_text(pilot, "Went through the plan")
        await _wait_for_draft_write(pilot)
        assert _drafts(store) == [
            ("followup", view.id, {"summary": "Went through the plan", "items": ""})
        ]

    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        modal = await _open_followup(pilot, view.id)
        summary = modal.query_one("#followup-summary", TextArea)
        assert summary.text == "Went through the plan"
        assert "Draft restored" in _notices(app)
        summary.focus()
        await type_text(pilot, " twice")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SessionFollowupModal)
    assert _drafts(store) == []
    with session_scope(app.services.engine) as s:
        notes = (
            s.execute(select(MentorshipNote.note).where(MentorshipNote.session_id == view.id))
            .scalars()
            .all()
        )
    assert notes == ["Went through the plan twice"]


async def test_quitting_writes_the_open_editors_draft_up_to_the_last_key(
    template: Path, tmp_path: Path
) -> None:
    store = copy_store(template, tmp_path / "s.db")
    app = MentorApp(services_for(store, MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        panel = await _open_feedback(pilot)
        await type_keys(pilot, "Typed just before quitting")  # the throttle sees each key
        await pilot.press("ctrl+q")  # sooner than the throttle would have written it
        await pilot.pause()
    assert _drafts(store) == [
        ("feedback", panel.ids[0], {"feedback": "Typed just before quitting"})
    ]
