"""Issue #22 at 80x24: every area keeps `? Help` and `escape` in its footer, and the keys that
do not fit are counted ("+N") rather than cut without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    ADMIN,
    FROZEN_NOW,
    MENTOR,
    copy_store,
    frozen_clock,  # noqa: F401  (autouse: the clock stands still here)
    services_for,
    settle,
)

from mentor_tui.app.areas import AREAS
from mentor_tui.app.main import MentorApp
from mentor_tui.widgets.key_footer import KeyFooter

SMALL = (80, 24)


def _bottom_line(app: MentorApp) -> str:
    return "".join(segment.text for segment in app.screen._compositor.render_strips()[-1])


@pytest.mark.parametrize("email", [MENTOR, ADMIN])
async def test_every_area_keeps_help_and_escape_and_counts_the_rest(
    template: Path, tmp_path: Path, email: str
) -> None:
    app = MentorApp(services_for(copy_store(template, tmp_path / "s.db"), email))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for area in [a for a in AREAS if a.open_to(app.services.actor)]:
            await pilot.press(area.key)
            await settle(pilot)
            line = _bottom_line(app)
            assert len(line) == SMALL[0]
            assert "? Help" in line, (area.mode, line)
            escape = app.screen.active_bindings.get("escape")
            if escape is not None and escape.enabled and escape.binding.description:
                assert f"esc {escape.binding.description}" in line, (area.mode, line)
            footer = app.screen.query_one(KeyFooter)
            keys = [i for i in footer.items if not i.label]
            shown = [i for i in keys if f" {i.key_display} {i.description} " in line]
            left_out = len(keys) - len(shown)
            if left_out:
                assert f" +{left_out} " in line, (area.mode, line, left_out)
            else:
                assert " +" not in line


def _screen_text(app: MentorApp) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


async def test_the_dashboard_says_how_many_more_need_attention_and_are_scheduled(
    template: Path, tmp_path: Path
) -> None:
    from mentor_tui.core.analytics import dashboard

    services = services_for(copy_store(template, tmp_path / "s.db"), ADMIN)
    summary = services.run(lambda s: dashboard.student_summary(s, services.actor))
    shown, total = len(summary.attention), summary.attention_total
    assert total > shown > 0, "the demo has more students needing attention than rows"
    upcoming = services.run(lambda s: dashboard.upcoming_session_count(s, services.actor))
    listed = len(services.run(lambda s: dashboard.dashboard_sessions(s, services.actor)))
    assert upcoming > listed
    app = MentorApp(services)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        text = _screen_text(app)
        assert f"Needs attention: {shown} of {total} (2: all)" in text
        assert f"+{upcoming - listed} more (5: calendar)" in text


async def test_a_month_cell_says_how_many_more_sessions_the_day_has(
    template: Path, tmp_path: Path
) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from mentor_tui.core.sessions.scheduling import schedule_session
    from mentor_tui.db.engine import session_scope
    from mentor_tui.db.models import User

    services = services_for(copy_store(template, tmp_path / "s.db"), MENTOR)
    day = FROZEN_NOW + timedelta(days=9)
    with session_scope(services.engine) as s:
        student = s.scalars(select(User.id).where(User.mentor_id == services.actor.id)).first()
        for hour in (1, 3, 5):
            schedule_session(
                s,
                services.actor,
                services.config,
                students=[student],
                starts_at=day.replace(hour=hour, minute=0),
                duration_minutes=30,
                title="A long title that a narrow cell cuts",
            )
    app = MentorApp(services)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert "+2 more" in _screen_text(app)
