"""The TOML config: defaults, overrides, and one sentence naming the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentor_tui.config import Config, load_config, save_config
from mentor_tui.errors import UserError
from mentor_tui.paths import config_path


def test_missing_file_means_the_spec_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.max_students_per_mentor == 20
    assert config.assignment_review_sla_hours == 48
    assert config.session_duration_minutes == 60
    assert config.note_retention_days == 365
    assert config.auto_assignment is False
    assert config.notifications.overdue_feedback_alert is True


def test_the_default_path_is_in_the_platform_config_dir(hermetic_dirs: Path) -> None:
    assert str(config_path()).startswith(str(hermetic_dirs / "config"))
    assert load_config() == Config()


def test_values_override_and_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "max_students_per_mentor = 12\nauto_assignment = true\n"
        "[notifications]\nsession_reminders = false\n"
    )
    config = load_config(path)
    assert config.max_students_per_mentor == 12
    assert config.auto_assignment is True
    assert config.notifications.session_reminders is False
    assert config.notifications.new_student_assignment is True
    save_config(config, tmp_path / "copy.toml")
    assert load_config(tmp_path / "copy.toml") == config


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("max_students_per_mentor = 'twenty'\n", "max_students_per_mentor"),
        ("max_students_per_mentor = 0\n", "max_students_per_mentor"),
        ("assignment_review_sla_hours = true\n", "assignment_review_sla_hours"),
        ("auto_assignment = 1\n", "auto_assignment"),
        ("colour = 'blue'\n", "colour"),
        ("[notifications]\nsession_reminders = 'yes'\n", "notifications.session_reminders"),
        ("[notifications]\nfax = true\n", "notifications.fax"),
        ("max_students_per_mentor = \n", "not valid TOML"),
    ],
)
def test_a_bad_value_is_one_sentence_naming_key_and_file(
    tmp_path: Path, text: str, names: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(UserError) as error:
        load_config(path)
    message = str(error.value)
    assert names in message and str(path) in message
    assert "\n" not in message


def test_the_cli_reports_a_bad_config_in_one_sentence(
    hermetic_dirs: Path, capsys, tmp_path
) -> None:
    from mentor_tui.cli import main

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("note_retention_days = -3\n")
    assert (
        main(
            [
                "demo",
                "--no-launch",
                "--students",
                "3",
                "--mentors",
                "1",
                "--db",
                str(tmp_path / "d.db"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert "note_retention_days" in err and "Traceback" not in err
