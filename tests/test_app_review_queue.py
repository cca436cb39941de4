"""The review queue (key 3): real keys, checked against the store; snapshots of its states."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still in every test here)
    mentor_app,
    services_for,
    settle,
    type_keys,
    type_text,
)
from sqlalchemy import func, select
from textual._compositor import Compositor
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widgets import TextArea

from mentor_tui.app.main import MentorApp
from mentor_tui.core.reviews.decisions import submission_preview
from mentor_tui.core.reviews.queue import QueueItem, list_queue
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission, User
from mentor_tui.db.review_models import CommentSnippet
from mentor_tui.screens.reviews.comment_bank import CommentBankScreen
from mentor_tui.screens.reviews.feedback_editor import FeedbackPanel
from mentor_tui.screens.reviews.preview import PreviewCache, PreviewPane, render_preview
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.widgets.paged_table import PagedTable

SIZE = (130, 40)


def _queue(app: MentorApp) -> list[QueueItem]:
    services = app.services
    return services.run(lambda s: list_queue(s, services.actor, config=services.config))


def _submission(app: MentorApp, submission_id: str) -> Submission:
    with session_scope(app.services.engine) as session:
        submission = session.get_one(Submission, submission_id)
        session.expunge(submission)
        return submission


def _editor(app: MentorApp) -> FeedbackPanel:
    """The queue's feedback editor, asserted open with the typing going into it."""
    assert isinstance(app.screen, ReviewQueueScreen)
    panel = app.screen.query_one(FeedbackPanel)
    assert panel.is_open and panel.has_focus_within
    return panel


def _editor_closed(app: MentorApp) -> bool:
    """Hidden (not painted, nothing in it focusable) and not open."""
    if not isinstance(app.screen, ReviewQueueScreen):
        return False
    panel = app.screen.query_one(FeedbackPanel)
    area = panel.query_one(TextArea)
    return not panel.visible and not panel.is_open and not area.focusable and not panel.region


async def _open_queue(pilot) -> PagedTable:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewQueueScreen)
    return pilot.app.screen.query_one(PagedTable)


async def test_approve_and_next(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    assert len(before) >= 3
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("down")  # the second item, so "next" is the third
        await settle(pilot)
        assert table.cursor_key == before[1].id
        # the key count in the README: a, the feedback, ctrl+s
        await pilot.press("a")
        await settle(pilot)
        _editor(app)
        await type_text(pilot, "Nice work")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _editor_closed(app) and table.has_focus
        assert table.row_count == len(before) - 1
        assert table.cursor_key == before[2].id
        assert app.screen._preview is not None and app.screen._preview.id == before[2].id
    decided = _submission(app, before[1].id)
    assert decided.status == "approved"
    assert decided.feedback == "Nice work"
    assert decided.reviewer_id == app.services.actor.id
    assert [i.id for i in _queue(app)] == [i.id for i in before if i.id != before[1].id]


async def test_approve_and_next_lays_out_only_for_the_panel(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #5: a full-screen layout costs a frame of its own. `a` lays out once (the panel
    appears) and `ctrl+s` once (it goes, the next item landing in the same frame); the counts,
    the preview header and the status bar are updated in place unless their size changes."""
    layouts: list[bool] = []
    refresh_layout = Screen._refresh_layout

    def counted(screen: Screen, size=None, scroll: bool = False) -> None:
        if not scroll and isinstance(screen, ReviewQueueScreen):
            layouts.append(True)
        refresh_layout(screen, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        screen = app.screen
        header = screen.query_one("#preview-header")
        store = screen.query_one("#status-store")
        for decided in range(4):
            layouts.clear()
            await pilot.press("a")
            await settle(pilot)
            _editor(app)
            # the first time, the panel's own widgets get their sizes and lay out once more
            assert 1 <= len(layouts) <= (2 if decided == 0 else 1), "the panel opening"
            sizes = (header.size, store.size)
            layouts.clear()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert table.cursor_key == before[decided + 1].id
            assert _editor_closed(app)
            # a header of another height, or a count of more digits, needs its own layout
            resized = sum(a != b for a, b in zip(sizes, (header.size, store.size), strict=True))
            assert 1 <= len(layouts) <= 1 + resized, "the panel closing"


async def test_approve_and_next_repaints_no_whole_screen(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #21: focus moving into the feedback editor (`a`) and back to the list (`ctrl+s`)
    repaints the two widgets and what changed, never the whole screen in a frame of its own."""
    whole: list[str] = []
    render_update = Compositor.render_update

    def counted(compositor: Compositor, *args, **kwargs):
        if isinstance(compositor.root, ReviewQueueScreen) and (
            compositor.size.region in compositor._dirty_regions
        ):
            whole.append(str(compositor.root.focused))
        return render_update(compositor, *args, **kwargs)

    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        monkeypatch.setattr(Compositor, "render_update", counted)
        for decided in range(3):
            await pilot.press("a")
            await settle(pilot)
            assert _editor(app).has_focus_within
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert table.cursor_key == before[decided + 1].id
            assert table.has_focus
        assert whole == []


async def test_the_editor_opens_and_closes_without_restyling_it(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #21: the panel is shown and hidden by its own visibility, not a CSS class, whose
    change would apply the stylesheet to the panel and everything in it on each `a` and
    `ctrl+s` (only the text area, taking and losing the focus, is restyled)."""
    restyled: list[str] = []
    update_nodes = Stylesheet.update_nodes

    def recorded(stylesheet: Stylesheet, nodes, animate: bool = False) -> None:
        nodes = list(nodes)
        restyled.extend(type(node).__name__ + "#" + str(node.id) for node in nodes)
        update_nodes(stylesheet, nodes, animate=animate)

    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        monkeypatch.setattr(Stylesheet, "update_nodes", recorded)
        for decided in range(2):
            await pilot.press("a")
            await settle(pilot)
            _editor(app)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert table.cursor_key == before[decided + 1].id
            assert _editor_closed(app)
    panel = {"FeedbackPanel#feedback", "Static#feedback-title", "Static#feedback-hint"}
    assert restyled and not panel & set(restyled), restyled


async def test_approve_without_feedback_is_allowed(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
        assert table.cursor_key == before[1].id
    decided = _submission(app, before[0].id)
    assert decided.status == "approved" and decided.feedback is None


async def test_reject_without_feedback_is_refused(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("x")
        await settle(pilot)
        await type_text(pilot, "   ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        _editor(app)  # still open, the person is told why
        assert any("Write feedback to reject" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert _editor_closed(app) and app.screen.query_one(PagedTable).has_focus
    assert _submission(app, before[0].id).status == "pending"
    assert len(_queue(app)) == len(before)


async def test_request_changes(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "Add a test for zero")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table.cursor_key == before[1].id
    decided = _submission(app, before[0].id)
    assert decided.status == "changes_requested"
    assert decided.feedback == "Add a test for zero"


async def test_the_editor_keeps_the_work_in_view_and_takes_every_letter(
    template: Path, tmp_path: Path
) -> None:
    """The editor is a panel of the queue screen: the list and the preview stay, the queue's
    own keys (a, x, c, e, /) are letters of the feedback while it is written, and the footer
    shows the editor's keys instead of the queue's."""
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    feedback = "a/x c: e"
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        screen = app.screen
        await pilot.press("a")
        await settle(pilot)
        _editor(app)
        active = {b.binding.id for b in screen.active_bindings.values()}
        assert {"feedback.confirm", "feedback.bank", "feedback.cancel"} <= active
        assert not active & {"reviews.approve", "reviews.reject", "reviews.filter"}
        assert screen._preview is not None and screen._preview.id == before[0].id
        assert screen.query_one("#preview-content").region.height > 0  # not covered
        await type_text(pilot, feedback)
        await settle(pilot)
        assert _editor(app).text == feedback
        assert all(box.has_class("hidden") for box in screen.query("#reviews-filter"))
        assert not screen._earlier
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _editor_closed(app) and table.cursor_key == before[1].id
        active = {b.binding.id for b in screen.active_bindings.values()}
        assert "reviews.approve" in active and "feedback.confirm" not in active
    decided = _submission(app, before[0].id)
    assert (decided.status, decided.feedback) == ("approved", feedback)


async def test_a_new_decision_starts_with_empty_feedback(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("c")
        await type_text(pilot, "Not this")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert _editor(app).text == ""
        assert _editor(app).decision == "approve"
        await pilot.press("ctrl+s")
        await settle(pilot)
    decided = _submission(app, before[0].id)
    assert (decided.status, decided.feedback) == ("approved", None)


async def test_decisions_take_their_rows_out_without_reloading_the_list(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Single and bulk decisions: the decided rows leave the list the table holds, with no
    reload and no frame of "…" placeholder rows; the rows left are the store's, in order."""
    from mentor_tui.widgets import table_lines

    app = mentor_app(template, tmp_path)
    before = _queue(app)
    assert len(before) >= 6
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        reloads: list[bool] = []
        monkeypatch.setattr(table, "reload", lambda: reloads.append(True))
        placeholders: list[int] = []
        row_strip = table_lines.row_strip

        def drawn(*args: object) -> object:
            if args[4] is None:  # the row: None is a placeholder
                placeholders.append(1)
            return row_strip(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(table_lines, "row_strip", drawn)
        await pilot.press("down", "a", "ctrl+s")  # the second item
        await settle(pilot)
        await pilot.press("space", "space", "x")  # the third and fourth, marked
        await settle(pilot)
        await type_text(pilot, "Late")
        await pilot.press("ctrl+s")  # the panel said "all 2 marked": no further question
        await settle(pilot)
        assert reloads == [] and placeholders == []
        left = [item.id for item in _queue(app)]
        assert left == [before[0].id, *(item.id for item in before[4:])]
        assert table.row_count == len(left)
        assert [table.key_at(i) for i in range(len(left))] == left
        assert table.cursor_key == before[4].id
        counted = app.screen.query_one("#reviews-count").content
        assert str(counted).startswith(f"Rejected 2 submissions · {len(left)} pending")


async def test_a_change_made_elsewhere_is_counted_after_a_decision(
    template: Path, tmp_path: Path
) -> None:
    """A decision takes its row out of the list (the count one less) and recounts after
    landing: a change no message announced (another process writing the store) shows too."""
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        with session_scope(app.services.engine) as session:  # not this app: no DataChanged
            session.get_one(Submission, before[-1].id).status = "approved"
        await pilot.press("a", "ctrl+s")
        await _wait_for_rows(pilot, table, len(before) - 2)
        assert table.row_count == len(before) - 2
        assert table.cursor_key == before[1].id
        counted = app.screen.query_one("#reviews-count").content
        assert str(counted).startswith(f"Approved 1 submission · {len(before) - 2} pending")


async def test_the_preview_follows_the_width_of_its_pane(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        pane = app.screen.query_one(PreviewPane)
        assert pane.shown is not None and pane.shown.width == pane.render_width
        wide = pane.shown.width
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        assert pane.shown is not None and pane.shown.width == pane.render_width < wide
        assert all(line.cell_length == pane.shown.width for line in pane.shown.lines)


async def test_names_in_the_editor_title_are_literal(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    first = _queue(app)[0]
    with session_scope(app.services.engine) as session:
        session.get_one(User, first.student_id).full_name = "[red]Eve[/red] \x1b[2J"
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("a")
        await settle(pilot)
        title = str(_editor(app).query_one("#feedback-title").content)
        assert title.startswith("Approve [red]Eve[/red] ")
        assert "\x1b" not in title


def test_a_decision_forgets_the_previews_it_made_stale(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    services = app.services
    items = _queue(app)
    previews = [
        services.run(lambda s, i=item: submission_preview(s, services.actor, i.id))
        for item in items
    ]
    with_earlier = next(p for p in previews if p.earlier_attempts)
    cache = PreviewCache()
    for preview in previews:
        cache.put(render_preview(preview, False, 40))
    assert all(cache.get(p.id, False, 40) is not None for p in previews)
    cache.forget([with_earlier.earlier_attempts[0].id])  # its status is in that preview
    assert cache.get(with_earlier.id, False, 40) is None
    assert all(cache.get(p.id, False, 40) is not None for p in previews if p is not with_earlier)
    cache.forget([items[0].id])
    assert cache.get(items[0].id, False, 40) is None


async def test_bulk_decision_on_marked_items(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("space", "space", "space")  # marks the first three
        assert len(table.marked_keys) == 3
        await pilot.press("x")
        await settle(pilot)
        title = str(app.screen.query_one("#feedback-title").content)
        assert title.startswith("Reject all 3 marked submissions")
        await type_text(pilot, "Late")
        await pilot.press("ctrl+s")  # the panel named them all: ctrl+s decides
        await settle(pilot)
        assert table.row_count == len(before) - 3
        assert not table.marked_keys
        assert table.cursor_key == before[3].id
    for item in before[:3]:
        decided = _submission(app, item.id)
        assert (decided.status, decided.feedback) == ("rejected", "Late")
    assert _submission(app, before[3].id).status == "pending"


async def test_bulk_decision_can_be_declined(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("space", "space", "a")
        await settle(pilot)
        await pilot.press("escape")  # the panel is the question: escape declines
        await settle(pilot)
        assert _editor_closed(app)
    assert len(_queue(app)) == len(before)


async def test_ten_marked_submissions_decided_in_twelve_keys(
    template: Path, tmp_path: Path
) -> None:
    """Issue #22's goal: 10 marked submissions decided in at most 12 keys (space x 10, the
    decision, ctrl+s), counted from the queue's first row."""
    app = mentor_app(template, tmp_path)
    _more_pending(app, 6)
    before = _queue(app)
    assert len(before) >= 11
    keys = ["space"] * 10 + ["a", "ctrl+s"]
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert table.row_count == len(before) - 10
    assert len(keys) <= 12
    for item in before[:10]:
        assert _submission(app, item.id).status == "approved"
    assert _submission(app, before[10].id).status == "pending"


async def test_decided_elsewhere_is_refused_and_the_list_refreshes(
    template: Path, tmp_path: Path
) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        with session_scope(app.services.engine) as session:  # another device decides first
            session.get_one(Submission, before[0].id).status = "approved"
        await pilot.press("a", "ctrl+s")
        await settle(pilot)
        assert any("was already approved" in n.message for n in app._notifications)
        assert table.row_count == len(before) - 1
        assert table.cursor_key == before[1].id


async def test_comment_bank_add_and_insert(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "Close. ")
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, CommentBankScreen)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Tests")
        await pilot.press("enter")
        await type_text(pilot, "Please add tests.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CommentBankScreen)
        await pilot.press("enter")  # insert the highlighted snippet
        await settle(pilot)
        assert _editor(app).text == "Close. Please add tests."
        await pilot.press("ctrl+s")
        await settle(pilot)
    with session_scope(app.services.engine) as session:
        mentor = session.execute(select(User).where(User.email == MENTOR)).scalar_one()
        snippets = (
            session.execute(select(CommentSnippet).where(CommentSnippet.owner_id == mentor.id))
            .scalars()
            .all()
        )
        assert [(s.title, s.body) for s in snippets] == [("Tests", "Please add tests.")]
    decided = _submission(app, before[0].id)
    assert (decided.status, decided.feedback) == ("changes_requested", "Close. Please add tests.")


async def test_comment_bank_edit_and_delete(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        await pilot.press("a", "ctrl+b")
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Good")
        await pilot.press("enter")
        await type_text(pilot, "Well done.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end")
        await type_text(pilot, " work")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with session_scope(app.services.engine) as session:
            titles = [
                s.title
                for s in session.execute(
                    select(CommentSnippet).where(CommentSnippet.deleted_at.is_(None))
                ).scalars()
            ]
        assert "Good work" in titles
        await pilot.press("d")
        await settle(pilot)
    with session_scope(app.services.engine) as session:
        live = (
            session.execute(select(CommentSnippet).where(CommentSnippet.deleted_at.is_(None)))
            .scalars()
            .all()
        )
        assert all(s.title != "Good work" for s in live)


async def _wait_for_rows(pilot, table, rows: int) -> None:
    """Let the debounced filter fire and the table reload (bounded: 5 s on a busy machine)."""
    for _ in range(50):
        await pilot.pause(0.1)
        await settle(pilot)
        if table.row_count == rows:
            return


async def test_filter_by_student_or_assignment(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    before = _queue(app)
    target = before[-1]
    needle = target.assignment_title.split()[0]
    expected = [
        i
        for i in before
        if needle.lower() in (i.student_name + i.student_email + i.assignment_title).lower()
    ]
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("slash")
        await type_text(pilot, needle)
        await _wait_for_rows(pilot, table, len(expected))  # the filter waits for a pause
        assert table.row_count == len(expected) < len(before)
        assert table.cursor_key == expected[0].id
        await pilot.press("enter", "a", "ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # clears the filter: the list reloads after the pause
        await _wait_for_rows(pilot, table, len(before) - 1)
        assert table.row_count == len(before) - 1
    assert _submission(app, expected[0].id).status == "approved"


async def test_earlier_attempts_key(template: Path, tmp_path: Path) -> None:
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open_queue(pilot)
        screen = app.screen
        preview = screen._preview
        assert preview is not None and preview.earlier_attempts
        await pilot.press("e")
        await settle(pilot)
        pane = screen.query_one(PreviewPane)
        assert preview.earlier_attempts[0].feedback in pane.markdown
        assert pane.shown is not None and pane.shown.earlier


async def test_enter_reads_the_preview_and_escape_comes_back(
    template: Path, tmp_path: Path
) -> None:
    app = mentor_app(template, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(PreviewPane).has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert table.has_focus and isinstance(app.screen, ReviewQueueScreen)


async def test_admin_sees_every_pending_submission(template: Path, tmp_path: Path) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "a.db"), ADMIN))
    with session_scope(app.services.engine) as session:
        pending = session.execute(
            select(func.count())
            .select_from(Submission)
            .where(Submission.status == "pending", Submission.deleted_at.is_(None))
        ).scalar_one()
    async with app.run_test(size=SIZE) as pilot:
        table = await _open_queue(pilot)
        assert table.row_count == pending > len(_queue(mentor_app(template, tmp_path / "m")))


# --- snapshots --------------------------------------------------------------------------------


def test_snapshot_queue_with_overdue_items(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await _open_queue(pilot)
        await settle(pilot)

    assert snap_compare(mentor_app(template, tmp_path), terminal_size=SIZE, run_before=go)


def test_snapshot_feedback_editor(snap_compare, template: Path, tmp_path: Path) -> None:
    async def go(pilot) -> None:
        await _open_queue(pilot)
        await pilot.press("x")
        await settle(pilot)
        await type_keys(pilot, "Handle the empty input too.")  # a snapshot: kept as it was
        await settle(pilot)

    assert snap_compare(mentor_app(template, tmp_path), terminal_size=SIZE, run_before=go)


def _more_pending(app: MentorApp, count: int) -> None:
    """``count`` more pending submissions from the mentor's students (the demo has 6)."""
    from sqlalchemy import select as sql_select

    from mentor_tui.db.models import Assignment
    from tests import factory

    with session_scope(app.services.engine) as session:
        students = session.scalars(
            sql_select(User).where(User.mentor_id == app.services.actor.id).order_by(User.id)
        ).all()
        tasks = session.scalars(sql_select(Assignment).order_by(Assignment.id)).all()
        for n in range(count):
            factory.submission(
                session,
                students[n % len(students)],
                tasks[n % len(tasks)],
                submitted_at=factory.hours_ago(30 + n, now=FROZEN_NOW),
                attempt=9,
            )
