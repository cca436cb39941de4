"""The comment bank (ctrl+b in the review queue's feedback panel), a subclass of the shared text
library (screens/text_library.py): a refusal is the core's sentence on the form, which stays
with nothing lost and nothing written; delete needs no confirmation; an empty bank chooses
nothing. Real keys, checked against the store."""

from __future__ import annotations

from pathlib import Path

from app_support import (
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_text,
)
from sqlalchemy import select

from mentor_tui.app.main import MentorApp
from mentor_tui.db.engine import session_scope
from mentor_tui.db.review_models import CommentSnippet
from mentor_tui.screens.reviews.comment_bank import CommentBankScreen, SnippetForm
from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel

SIZE = (130, 40)


def _live(app: MentorApp) -> list[tuple[str, str]]:
    with session_scope(app.services.engine) as s:
        rows = s.execute(select(CommentSnippet).where(CommentSnippet.deleted_at.is_(None)))
        return sorted((row.title, row.body) for row in rows.scalars())


async def _open_bank(pilot) -> None:
    await settle(pilot)
    await pilot.press("3")  # the review queue
    await settle(pilot)
    await pilot.press("c")  # request changes: the feedback panel
    await settle(pilot)
    await type_text(pilot, "Close.")
    await pilot.press("ctrl+b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommentBankScreen)


async def _add(pilot, title: str, body: str) -> None:
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SnippetForm)
    await type_text(pilot, title)
    await pilot.press("enter")  # on to the text
    await type_text(pilot, body)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_refused_snippet_is_one_sentence_and_the_form_stays(
    template: Path, tmp_path: Path
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await _open_bank(pilot)
        await _add(pilot, "Tests", "Please add tests.")
        assert isinstance(app.screen, CommentBankScreen)
        await _add(pilot, " tests ", "Again.")
        assert isinstance(app.screen, SnippetForm), "the form stays"
        error = str(app.screen.query_one("#snippet-error").render())
        assert error == "You already have a snippet called 'tests'."
        assert error in [n.message for n in app._notifications]
        assert app.screen.query_one("#snippet-body").text == "Again.", "nothing lost"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommentBankScreen)
        await pilot.press("escape")  # closes the bank without inserting anything
        await settle(pilot)
        assert app.screen.query_one(FeedbackPanel).query_one("TextArea").text == "Close."
    assert _live(app) == [("Tests", "Please add tests.")]


async def test_delete_needs_no_confirmation_and_an_empty_bank_chooses_nothing(
    template: Path, tmp_path: Path
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), MENTOR))
    async with app.run_test(size=SIZE) as pilot:
        await _open_bank(pilot)
        await _add(pilot, "Good", "Well done.")
        assert _live(app) == [("Good", "Well done.")]
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, CommentBankScreen), "no confirmation"
        assert "Deleted the snippet 'Good'." in [n.message for n in app._notifications]
        assert _live(app) == []
        options = app.screen.query_one("#bank-list")
        assert options.option_count == 1 and options.get_option_at_index(0).disabled
        for key in ("enter", "e", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, CommentBankScreen), key
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(FeedbackPanel).query_one("TextArea").text == "Close."
