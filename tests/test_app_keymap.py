"""The user's keymap ([keymap] in config.toml): applied by id, shown where keys are shown, and a
bad entry said in one sentence at start (issue #22)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from app_support import (
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
    type_keys,
    type_text,
)
from sqlalchemy import select

from mentor_tui.app.keymap import binding_catalog, check_keymap
from mentor_tui.app.main import MentorApp
from mentor_tui.config import load_config
from mentor_tui.core.reviews.queue import list_queue
from mentor_tui.db.engine import session_scope
from mentor_tui.db.models import Submission
from mentor_tui.errors import UserError
from mentor_tui.paths import config_path
from mentor_tui.screens.help import HelpScreen
from mentor_tui.screens.reviews.queue import ReviewQueueScreen
from mentor_tui.widgets.key_footer import KeyFooter

SIZE = (130, 40)
README = Path(__file__).resolve().parents[1] / "README.md"


def _app(template: Path, tmp_path: Path, keymap_toml: str) -> MentorApp:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(keymap_toml, encoding="utf-8")
    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    services.config = replace(services.config, keymap=load_config().keymap)
    return MentorApp(services)


async def test_a_remapped_key_approves_and_is_shown_everywhere(
    template: Path, tmp_path: Path
) -> None:
    app = _app(template, tmp_path, '[keymap]\n"reviews.approve" = "A"\n"app.help" = "f1"\n')
    services = app.services
    first = services.run(lambda s: list_queue(s, services.actor, config=services.config))[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        bar = app.screen.query_one(KeyFooter)
        footer = {i.description: i.key_display for i in (*bar.items, *bar.pinned_items)}
        assert footer["Approve"] == "A"
        assert footer["Help"] == "f1"
        await pilot.press("a")  # the old key does nothing now
        await settle(pilot)
        assert not app.screen.query_one("FeedbackPanel").visible  # not opened
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Approve"] == "Approve (A)"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert ("A", "Approve") in app.screen.key_rows()
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await type_text(pilot, "Good")
        await pilot.press("ctrl+s")
        await settle(pilot)
    with session_scope(services.engine) as session:
        decided = session.get_one(Submission, first.id)
        assert (decided.status, decided.feedback) == ("approved", "Good")


async def test_bad_entries_are_said_in_a_sentence_and_the_rest_applies(
    template: Path, tmp_path: Path
) -> None:
    app = _app(
        template,
        tmp_path,
        '[keymap]\n"reviews.aprove" = "A"\n"notes.new" = "s"\n"reviews.reject" = "X"\n',
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("'reviews.aprove', which is no binding" in m for m in said)
        assert any("'notes.new' the key 's', which 'app.sync'" in m for m in said)
        await pilot.press("3")
        await settle(pilot)
        footer = {i.description: i.key_display for i in app.screen.query_one(KeyFooter).items}
        assert footer["Reject"] == "X"
        assert footer["Approve"] == "a"


def test_check_keymap_names_each_problem() -> None:
    good, problems = check_keymap(
        {
            "reviews.approve": "ctrl+y",
            "students.filter": "ctrl+zz",
            "reviews.reject": "hyperx+a",
            "reviews.changes": "a",  # approve moved away: a is free
        },
        MentorApp,
    )
    assert good == {"reviews.approve": "ctrl+y", "reviews.changes": "a"}
    assert problems == [
        "The keymap gives 'students.filter' the key 'ctrl+zz': 'zz' is not a key name.",
        "The keymap gives 'reviews.reject' the key 'hyperx+a': 'hyperx' is not a modifier "
        "(ctrl, shift, alt, meta).",
    ]
    _good, clash = check_keymap({"reviews.changes": "x"}, MentorApp)
    assert clash == [
        "The keymap gives 'reviews.changes' the key 'x', which 'reviews.reject' (Reject) "
        "already uses; change one of them."
    ]


def test_a_keymap_that_is_not_a_table_of_text_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[keymap]\n"reviews.approve" = 1\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"keymap in .* must be a table of binding ids"):
        load_config(path)


def test_every_binding_has_an_id_and_the_readme_lists_it() -> None:
    from textual.binding import Binding

    from mentor_tui.app import keymap

    for cls in keymap._classes(MentorApp):
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            assert binding.id, f"{cls.__name__}: {binding.key} -> {binding.action} has no id"
    readme = README.read_text(encoding="utf-8").split("## Keymap", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_.]+)` \|", readme, flags=re.M))
    ids = {info.id for info in binding_catalog(MentorApp)}
    assert ids - listed == set(), "README's Keymap table misses these binding ids"
    assert listed - ids == set(), "README's Keymap table names ids that no longer exist"


async def test_help_and_palette_list_each_action_once_with_its_key(
    template: Path, tmp_path: Path
) -> None:
    from mentor_tui.app.areas import AREAS
    from mentor_tui.screens.dialogs import DestructiveConfirm
    from mentor_tui.widgets.key_list import screen_actions

    app = _app(template, tmp_path, "")
    services = app.services
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for area in [a for a in AREAS if a.open_to(services.actor)]:
            await pilot.press(area.key)
            await settle(pilot)
            screen = app.screen
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            rows = app.screen.key_rows()
            described = [d for _k, d in rows]
            assert len(described) == len(set(described)), (area.mode, rows)
            assert all(keys for keys, _d in rows)
            await pilot.press("escape")
            await settle(pilot)
            commands = list(app.get_system_commands(screen))
            titles = [c.title for c in commands]
            assert len(titles) == len(set(titles)), (area.mode, titles)
            assert "Keys" not in titles
            assert next(c.help for c in commands if c.title == "Help") == "Help (?)"
            assert next(c.help for c in commands if c.title == "Quit") == "Quit (^q)"
        # an action on two keys is one row with both
        app.push_screen(DestructiveConfirm("Sure?"))
        await settle(pilot)
        actions = [(a.keys, a.description) for a in screen_actions(app.screen)]
        assert actions[:2] == [("y", "Yes"), ("n/esc", "No")]


async def test_in_a_text_box_question_mark_is_typed_and_f1_opens_help(
    template: Path, tmp_path: Path
) -> None:
    """Issue #22: where a text box has the focus `?` is a letter of the text; f1 opens help
    there, and the footer and help show f1 in `?`'s place."""
    from mentor_tui.db.models import Message
    from mentor_tui.screens.inbox.composer import ComposerScreen
    from mentor_tui.screens.students.students import StudentsScreen

    app = _app(template, tmp_path, "")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        pinned = app.screen.query_one(KeyFooter).pinned_items
        assert [(i.key_display, i.description) for i in pinned][-1] == ("?", "Help")
        await pilot.press("f1")  # not a text box: f1 is not help here, `?` is
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # help's own `?` closes it (no app key before it)
        await settle(pilot)
        assert isinstance(app.screen, StudentsScreen)
        await pilot.press("slash")  # the filter box
        await settle(pilot)
        pinned = app.screen.query_one(KeyFooter).pinned_items
        assert [(i.key_display, i.description) for i in pinned][-1] == ("f1", "Help")
        await pilot.press("escape", "m")  # a dialog (the composer), typing in its body
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        composer = app.screen
        footer = composer.query_one(KeyFooter)
        assert ("f1", "Help") in [(i.key_display, i.description) for i in footer.pinned_items]
        assert "?" not in [i.key_display for i in (*footer.items, *footer.pinned_items)]
        await type_keys(pilot, "Ready?")  # key by key: `?` is typed, not help
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.key_rows()
        assert ("f1", "Help") in rows and ("?", "Help") not in rows
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is composer
        await pilot.press("ctrl+s")
        await settle(pilot)
    with session_scope(app.services.engine) as s:
        assert s.scalars(select(Message.body).where(Message.body == "Ready?")).all() == ["Ready?"]


def test_no_printable_key_is_bound_with_priority() -> None:
    """A printable key bound with priority is looked at before the focused widget and the
    screen have the key: the app's `?` would keep help's own `?` from closing it (the test
    above), and type_text (app_support), which pastes text into a box rather than typing it,
    relies on no printable key being so bound."""
    from mentor_tui.app.keymap import _classes, _own_bindings, _typed_as_text

    taken = [
        (cls.__name__, binding.key)
        for cls in _classes(MentorApp)
        for binding in _own_bindings(cls)
        if binding.priority and _typed_as_text(binding.key)
    ]
    assert taken == []


async def test_a_key_the_focused_widget_takes_first_is_said_once(
    template: Path, tmp_path: Path
) -> None:
    """Issue #22: a user's key for a screen's binding that the focused widget takes first (a
    table's own key, a letter in a text box) is said in one sentence naming the binding id, the
    key and what takes it: once per screen and kind of widget."""
    from mentor_tui.screens.inbox.composer import ComposerScreen

    app = _app(
        template,
        tmp_path,
        '[keymap]\n"students.filter" = "enter"\n"students.edit" = "E"\n"composer.audience" = "z"\n',
    )

    def said() -> list[str]:
        return [n.message for n in app._notifications if n.title == "Keymap"]

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert said() == []  # the dashboard has none of these bindings
        await pilot.press("2")
        await settle(pilot)
        assert said() == [
            "The keymap gives 'students.filter' the key 'enter', which the table (PagedTable) "
            "with the focus on StudentsScreen uses first for 'Open' ('table.open'), so "
            "'students.filter' does nothing while it has the focus; change one of them."
        ]
        await pilot.press("1", "2")  # shown again: not said again
        await settle(pilot)
        assert len(said()) == 1
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert said()[1:] == [
            "The keymap gives 'composer.audience' the key 'z', which the text box (TextArea) "
            "with the focus on ComposerScreen types as text, so it does nothing there while "
            "you type; give it a ctrl+ or function key."
        ]
        await pilot.press("z")  # typed, as said
        await settle(pilot)
        assert app.screen.query_one("#composer-body").text == "z"


def test_focus_clashes_leave_keys_the_widget_does_not_use(template: Path, tmp_path: Path) -> None:
    from mentor_tui.app.keymap import _typed_as_text

    assert _typed_as_text("j") and _typed_as_text("question_mark") and _typed_as_text("space")
    assert not _typed_as_text("ctrl+j") and not _typed_as_text("f5")
    assert not _typed_as_text("enter")
