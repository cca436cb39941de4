"""Issue #22: the composer's To line for a message to several marked students: their names
(user text, literal, control characters stripped), as many as fit, then "+K more"."""

from __future__ import annotations

from mentor_tui.screens.inbox.composer import recipients_line


def test_the_names_that_fit_then_how_many_more() -> None:
    names = ["Ana Lima", "Ben Okafor", "Chen Wei"]
    assert recipients_line(names, 3, 80) == "To: Ana Lima, Ben Okafor, Chen Wei"
    assert recipients_line(names, 3, 32) == "To: Ana Lima, Ben Okafor +1 more"
    assert recipients_line(names, 3, 31) == "To: Ana Lima +2 more"
    assert recipients_line([], 3, 40) == "To: 3 recipients"  # before the names are read


def test_names_are_literal_text_without_control_characters() -> None:
    line = recipients_line(["[bold]Eve[/]\x1b[31m\tRed", "Bob"], 2, 80)
    assert "\x1b" not in line and "\t" not in line
    assert line.startswith("To: [bold]Eve[/]") and line.endswith(", Bob")


def test_a_first_name_too_long_is_shortened_beside_the_count() -> None:
    line = recipients_line(["Maximiliana Wolfeschlegelsteinhausen", "Bob"], 2, 24)
    assert line == "To: Maximiliana… +1 more"  # 24 cells
