"""Due dates as a mentor types them (core/dates.py): every form, the mentor's own today,
and one sentence for anything else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentor_tui.core import dates
from mentor_tui.errors import UserError

MONDAY = date(2026, 3, 2)
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        (" 2026-3-9 ", date(2026, 3, 9)),
        ("2025-12-31", date(2025, 12, 31)),  # a past day is a valid (overdue) due date
        ("today", MONDAY),
        ("TODAY", MONDAY),
        ("tomorrow", date(2026, 3, 3)),
        ("tmrw", date(2026, 3, 3)),
        ("+0d", MONDAY),
        ("+3d", date(2026, 3, 5)),
        ("+3", date(2026, 3, 5)),
        ("3 days", date(2026, 3, 5)),
        ("in 3 days", date(2026, 3, 5)),
        ("+1w", date(2026, 3, 9)),
        ("+2w", date(2026, 3, 16)),
        ("in 2  weeks", date(2026, 3, 16)),
        ("+1m", date(2026, 4, 2)),
        ("+12m", date(2027, 3, 2)),
        ("fri", date(2026, 3, 6)),
        ("Friday", date(2026, 3, 6)),
        ("thurs", date(2026, 3, 5)),
        ("mon", date(2026, 3, 9)),  # a weekday is the next one: Monday on a Monday is a week on
        ("sun", date(2026, 3, 8)),
        ("13 mar", date(2026, 3, 13)),
        ("mar 13", date(2026, 3, 13)),
        ("1 March", date(2027, 3, 1)),  # already past: next year's
        ("2 mar", MONDAY),
        ("Sept 1", date(2026, 9, 1)),
        ("13 mar 2028", date(2028, 3, 13)),
        ("Mar 13, 2028", date(2028, 3, 13)),
        ("29 feb", date(2028, 2, 29)),  # the next 29 February there is
    ],
)
def test_the_forms_a_mentor_types(typed: str, expected: date) -> None:
    assert dates.parse_day(typed, MONDAY) == expected


def test_a_month_on_from_the_end_of_a_month_is_the_last_day_of_the_next() -> None:
    assert dates.parse_day("+1m", date(2026, 1, 31)) == date(2026, 2, 28)
    assert dates.parse_day("+1m", date(2028, 1, 31)) == date(2028, 2, 29)
    assert dates.parse_day("+2m", date(2026, 12, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize("typed", ["", "   ", "none", "NONE", "clear", "-"])
def test_empty_or_none_clears_the_due_date(typed: str) -> None:
    assert dates.parse_due(typed, MONDAY) is None


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        (
            "soon",
            (
                "A due date looks like 2026-03-31, today, tomorrow, +3d, +2w, fri or 13 mar, "
                "not 'soon'."
            ),
        ),
        ("next friday", "not 'next friday'."),  # ambiguous: refused, not guessed
        ("3", "not '3'."),
        ("2026-02-30", "There is no 30 February 2026; February 2026 has 28 days."),
        ("2026-13-01", "There is no month 13; months run from 1 to 12."),
        ("0000-01-01", "The year 0 is out of range; use a year from 1 to 9999."),
        ("31 apr", "There is no 31 April; April has at most 30 days."),
        ("+999999w", "'+999999w' is too far away; a due date must fall before the year 10000."),
        ("fri\x1b[2J", "not 'fri\ufffd[2J'."),
        ("x" * 500, "not '" + "x" * 39 + "…'."),
    ],
)
def test_anything_else_is_one_clear_sentence(typed: str, sentence: str) -> None:
    with pytest.raises(UserError) as raised:
        dates.parse_due(typed, MONDAY)
    assert str(raised.value).endswith(sentence)


@given(day=DAYS, today=DAYS)
def test_an_iso_day_is_itself_whatever_today_is(day: date, today: date) -> None:
    assert dates.parse_day(day.isoformat(), today) == day


@given(today=DAYS, count=st.integers(min_value=0, max_value=5000))
def test_offsets_count_days_and_weeks_from_today(today: date, count: int) -> None:
    assert dates.parse_day(f"+{count}d", today) == today + timedelta(days=count)
    assert dates.parse_day(f"in {count} weeks", today) == today + timedelta(weeks=count)


@given(today=DAYS, months=st.integers(min_value=0, max_value=600))
def test_month_offsets_keep_the_day_or_end_the_month(today: date, months: int) -> None:
    due = dates.parse_day(f"+{months}m", today)
    assert (due.year - today.year) * 12 + due.month - today.month == months
    assert due.day == today.day or (due.day < today.day and (due + timedelta(days=1)).day == 1)


@given(today=DAYS, weekday=st.sampled_from(sorted(dates.WEEKDAYS)))
def test_a_weekday_is_the_next_one_within_a_week(today: date, weekday: str) -> None:
    due = dates.parse_day(weekday, today)
    assert 1 <= (due - today).days <= 7
    assert due.weekday() == dates.WEEKDAYS[weekday]


@given(today=DAYS, day=DAYS)
def test_a_day_and_month_is_the_next_such_day_from_today(today: date, day: date) -> None:
    due = dates.parse_day(f"{day.day} {day:%b}", today)
    assert (due.month, due.day) == (day.month, day.day)
    assert today <= due < today + timedelta(days=366 * 8 + 1)
    if (day.month, day.day) != (2, 29):
        assert due < today + timedelta(days=367)


@given(st.text(max_size=80))
def test_no_text_crashes_the_parser(typed: str) -> None:
    try:
        result = dates.parse_due(typed, MONDAY)
    except UserError as error:
        message = str(error)
        assert "\n" not in message and "\x1b" not in message
        assert message.endswith(".")
    else:
        assert result is None or isinstance(result, date)


def test_today_is_the_mentors_own_day() -> None:
    late_evening_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert dates.today_in("UTC", late_evening_utc) == date(2026, 3, 2)
    assert dates.today_in("Pacific/Auckland", late_evening_utc) == date(2026, 3, 3)
    assert dates.today_in("America/Los_Angeles", late_evening_utc) == date(2026, 3, 2)
    early_utc = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert dates.today_in("America/Los_Angeles", early_utc) == date(2026, 3, 1)
    # so "tomorrow" typed at that moment means a different day on each side of the world
    assert dates.parse_day("tomorrow", dates.today_in("Pacific/Auckland", late_evening_utc)) == (
        date(2026, 3, 4)
    )
    with pytest.raises(UserError, match="Unknown timezone"):
        dates.today_in("Mars/Olympus_Mons", early_utc)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (MONDAY, "today"),
        (date(2026, 3, 3), "tomorrow"),
        (date(2026, 3, 1), "yesterday"),
        (date(2026, 3, 12), "in 10 days"),
        (date(2026, 2, 6), "24 days ago"),
    ],
)
def test_describe_day(day: date, words: str) -> None:
    assert dates.describe_day(day, MONDAY) == words
