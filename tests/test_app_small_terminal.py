"""Issue #22 at 80x24: every area keeps `? Help` and `escape` in its footer, and the keys that
do not fit are counted ("+N") rather than cut without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import ADMIN, FROZEN_NOW, MENTOR, copy_store, services_for, settle

from mentor_tui.app.main import AREAS, MentorApp
from mentor_tui.core import clock
from mentor_tui.widgets.key_footer import KeyFooter

SMALL = (80, 24)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)


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
