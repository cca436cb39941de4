"""core/text.py: what user text becomes in an editor and in the CLI's plain output."""

from __future__ import annotations

from mentor_tui.core.text import (
    clean_line,
    clean_text,
    editable_line,
    editable_text,
    terminal_line,
    terminal_text,
)

HOSTILE = "a\x1b]0;pwned\x07b\x1b[31mc\x00d\x7fe\x9bf\u202eg\tt\nl\r\nm"


def test_an_editor_shows_control_characters_as_symbols_and_keeps_line_breaks() -> None:
    shown = editable_text(HOSTILE)
    assert shown == "a␛]0;pwned␇b␛[31mc␀d␡e\ufffdf\\u202eg\tt\nl\r\nm"
    assert editable_text(None) == "" and editable_text("plain\ttext\n") == "plain\ttext\n"
    # vertical tab, form feed and the file separators would break a TextArea's lines
    assert editable_text("a\x0bb\x0cc\x1cd") == "a␋b␌c␜d"


def test_a_one_line_input_shows_every_control_character_as_a_symbol() -> None:
    assert editable_line("t\x1b]0;x\x07\tl\nm") == "t␛]0;x␇␉l␊m"
    assert editable_line(None) == ""


def test_plain_output_escapes_bidi_controls_and_hides_control_characters() -> None:
    assert terminal_line("paid \u202e\u2066x\u2069 \u200f\x1b[2J") == (
        "paid \\u202e\\u2066x\\u2069 \\u200f\ufffd[2J"
    )
    assert terminal_text("one\n\u202etwo\x07") == "one\n\\u202etwo\ufffd"
    assert terminal_line(None) == "" and terminal_line("שלום 学习") == "שלום 学习"


def test_lists_and_editors_never_pass_a_bidi_control_on() -> None:
    hostile = "invoice \u202eexe.pdf \u2066x\u2069 \u200f\u061c\u200e\u202a\u202b\u202c\u202d"
    # lists and labels: one visible character for each, so highlighted ranges still line up
    shown = clean_line(hostile)
    assert len(shown) == len(hostile)
    assert shown == "invoice \ufffdexe.pdf \ufffdx\ufffd \ufffd" + "\ufffd" * 6
    assert clean_text("one\n\u202etwo") == "one\n\ufffdtwo"
    # editors: escaped, so a person sees what was there; the editor holds what it shows
    assert editable_text("one\n\u202etwo\x1b") == "one\n\\u202etwo\u241b"
    assert editable_line("a\u2067b\tc") == "a\\u2067b\u2409c"
    # right-to-left script itself is text, kept as it is
    assert clean_line("שלום مرحبا") == "שלום مرحبا" == editable_line("שלום مرحبا")
